/** How a model's re-measurements compare with its first figure: one wording for the CLI and the app. */

/** "+3% (−1% … +6%)": the re-measurements (J per prediction) against the trial's own figure. */
export function describeChange(row: { originalJ: number | null; againJ: number[] }): string {
  if (row.originalJ === null || row.originalJ <= 0 || row.againJ.length === 0) return '—';
  const rel = row.againJ.map((j) => j / row.originalJ! - 1);
  const mean = rel.reduce((a, b) => a + b, 0) / rel.length;
  const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(0)}%`;
  return rel.length > 1 ? `${pct(mean)} (${pct(Math.min(...rel))} … ${pct(Math.max(...rel))})` : pct(mean);
}

/** One stored re-measurement (the trial's `remeasured` attribute holds a list of these). */
export interface Remeasurement {
  at: string;
  jPerSample: number;
  samples: number;
  /** Its own spread across inference repeats (relative standard error), where known. */
  spreadRel: number | null;
  windowId: number;
  backend: string;
}
