/**
 * The leaves where two JSON values differ, by path (`trial.params.units`, `objectives[0].metric`),
 * with both values; numbers equal within `tolerance` (relative, at least absolute for |b| < 1).
 * `ecopt verify` compares a report with its rebuild through it, and a study file with the study.
 */
export function jsonDifferences(a: unknown, b: unknown, tolerance = 0, path = ''): { path: string; a: unknown; b: unknown }[] {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b)) ? [] : [{ path, a, b }];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(a) && isObject(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return keys.flatMap((k) => jsonDifferences(a[k], b[k], tolerance, Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, a, b }];
}

/** A differing value as a message quotes it: its JSON, cut at `max` characters, or "absent". */
export function jsonText(v: unknown, max: number): string {
  return v === undefined ? 'absent' : JSON.stringify(v).slice(0, max);
}
