/** Hands a file the engine sent (base64) to the browser as a download. */
export function download(name: string, mimeType: string, base64: string): void {
  downloadBytes(name, mimeType, Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

/** Hands bytes made here (a .zip of several files) to the browser as a download. */
export function downloadBytes(name: string, mimeType: string, bytes: Uint8Array<ArrayBuffer>): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
