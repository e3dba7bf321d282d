/** A word for a POSIX shell: as is when safe, otherwise in single quotes (commands ECOpt prints for the user to run). */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
