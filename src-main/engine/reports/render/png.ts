/**
 * A small raster plot for the PDF (the frontier as an image): points and lines drawn into an RGB
 * buffer and encoded as PNG with zlib. Labels are drawn by the PDF around it, as text.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export class Raster {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 3).fill(255);
  }

  set(x: number, y: number, rgb: [number, number, number]): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const i = (yi * this.width + xi) * 3;
    this.pixels[i] = rgb[0];
    this.pixels[i + 1] = rgb[1];
    this.pixels[i + 2] = rgb[2];
  }

  line(x0: number, y0: number, x1: number, y1: number, rgb: [number, number, number], thick = 1): void {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      for (let dx = -thick + 1; dx < thick; dx++) for (let dy = -thick + 1; dy < thick; dy++) this.set(x + dx, y + dy, rgb);
    }
  }

  disc(cx: number, cy: number, r: number, rgb: [number, number, number]): void {
    for (let y = -r; y <= r; y++) for (let x = -r; x <= r; x++) if (x * x + y * y <= r * r) this.set(cx + x, cy + y, rgb);
  }

  ring(cx: number, cy: number, r: number, rgb: [number, number, number]): void {
    for (let y = -r - 1; y <= r + 1; y++) {
      for (let x = -r - 1; x <= r + 1; x++) {
        const d = Math.sqrt(x * x + y * y);
        if (d >= r - 1 && d <= r + 1) this.set(cx + x, cy + y, rgb);
      }
    }
  }

  png(): Buffer {
    const raw = Buffer.alloc((this.width * 3 + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * (this.width * 3 + 1)] = 0;
      Buffer.from(this.pixels.buffer, this.pixels.byteOffset + y * this.width * 3, this.width * 3).copy(raw, y * (this.width * 3 + 1) + 1);
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0);
    ihdr.writeUInt32BE(this.height, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // RGB
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  }
}

export interface FrontierPoint {
  trial: number;
  accuracy: number;
  jPerSample: number;
  onFront: boolean;
  chosen: boolean;
}

export interface PlotAxes {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** x is log10(J per sample) */
  logX: true;
}

/** Accuracy (y) against inference energy per sample (x, log scale). */
export function frontierPng(points: FrontierPoint[], width = 760, height = 420): { png: Buffer; axes: PlotAxes } {
  const r = new Raster(width, height);
  const pad = 12;
  const xs = points.map((p) => Math.log10(p.jPerSample));
  const ys = points.map((p) => p.accuracy);
  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  let yMin = Math.min(...ys);
  let yMax = Math.max(...ys);
  if (xMax - xMin < 1e-9) [xMin, xMax] = [xMin - 0.5, xMax + 0.5];
  if (yMax - yMin < 1e-9) [yMin, yMax] = [yMin - 0.05, yMax + 0.05];
  const mx = (xMax - xMin) * 0.05;
  const my = (yMax - yMin) * 0.05;
  xMin -= mx;
  xMax += mx;
  yMin -= my;
  yMax += my;
  const px = (x: number) => pad + ((x - xMin) / (xMax - xMin)) * (width - 2 * pad);
  const py = (y: number) => height - pad - ((y - yMin) / (yMax - yMin)) * (height - 2 * pad);
  const grey: [number, number, number] = [120, 120, 120];
  r.line(pad, height - pad, width - pad, height - pad, [0, 0, 0]);
  r.line(pad, pad, pad, height - pad, [0, 0, 0]);
  for (let k = 1; k < 5; k++) {
    const gy = pad + (k * (height - 2 * pad)) / 5;
    for (let x = pad; x < width - pad; x += 6) r.set(x, gy, [220, 220, 220]);
  }
  const front = points.map((p, i) => ({ p, x: px(xs[i]!), y: py(ys[i]!) })).filter((q) => q.p.onFront).sort((a, b) => a.x - b.x);
  for (let i = 1; i < front.length; i++) r.line(front[i - 1]!.x, front[i - 1]!.y, front[i]!.x, front[i]!.y, [46, 139, 87], 2);
  points.forEach((p, i) => r.disc(px(xs[i]!), py(ys[i]!), p.onFront ? 5 : 4, p.onFront ? [46, 139, 87] : grey));
  points.forEach((p, i) => {
    if (p.chosen) {
      r.ring(px(xs[i]!), py(ys[i]!), 9, [200, 30, 30]);
      r.ring(px(xs[i]!), py(ys[i]!), 10, [200, 30, 30]);
    }
  });
  return { png: r.png(), axes: { xMin, xMax, yMin, yMax, logX: true } };
}
