/** How a model's re-measurements compare with its first figure: one wording for the CLI and the app. */
import { spreadComparison } from './analysis';

/** "+3% (−1% … +6%)": the re-measurements (J per prediction) against the trial's own figure. */
export function describeChange(row: { originalJ: number | null; againJ: number[] }): string {
  if (row.originalJ === null || row.originalJ <= 0 || row.againJ.length === 0) return '—';
  const rel = row.againJ.map((j) => j / row.originalJ! - 1);
  const mean = rel.reduce((a, b) => a + b, 0) / rel.length;
  const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(0)}%`;
  return rel.length > 1 ? `${pct(mean)} (${pct(Math.min(...rel))} … ${pct(Math.max(...rel))})` : pct(mean);
}

/** Re-measurements whose mean moves further than this from the first figure (relative) disagree with it: the spread ECOpt flags `noisy`. */
export const REMEASURE_AGREES_REL = 0.2;

/** Whether a model's re-measurements confirm its first figure (their mean within ±20% of it); null when it has none. */
export function remeasureAgrees(row: { originalJ: number | null; againJ: number[] }): boolean | null {
  if (row.originalJ === null || row.originalJ <= 0 || row.againJ.length === 0) return null;
  const mean = row.againJ.reduce((a, b) => a + b, 0) / row.againJ.length / row.originalJ - 1;
  return Math.abs(mean) <= REMEASURE_AGREES_REL;
}

/**
 * Whether a model's re-measurements confirm its first figure, and a sentence saying so for the
 * places that show the first figure (the front, the budget pick, the report); null when it has none.
 */
export function remeasureVerdict(row: { originalJ: number | null; againJ: number[] }, unit: (j: number) => string): { agrees: boolean; text: string } | null {
  const agrees = remeasureAgrees(row);
  if (agrees === null || row.originalJ === null) return null;
  const figures = `${row.againJ.map((j) => unit(j)).join(', ')} per prediction, ${describeChange(row)} against the first figure (${unit(row.originalJ)}), which the front and the budget pick use`;
  return {
    agrees,
    text: agrees
      ? `re-measured ${row.againJ.length} time${row.againJ.length === 1 ? '' : 's'} since from its kept model: ${figures}; they agree within ±${REMEASURE_AGREES_REL * 100}%`
      : `re-measured ${row.againJ.length} time${row.againJ.length === 1 ? '' : 's'} since from its kept model: ${figures}; they DISAGREE by more than ±${REMEASURE_AGREES_REL * 100}%: the first figure was likely taken on a busy machine, or by luck. Re-measure on a quiet machine before relying on it`,
  };
}

/**
 * Where re-measurements overturn an energy comparison a budget's sentence makes from first
 * figures (walk 40: "#11 … uses 20% less energy per prediction than #8", re-measured at 171 µJ
 * on average against #8's 165 µJ): a sentence saying so, else null. `pairs`: [a, b] the sentence
 * compares; only those whose first figures have a below b are checked. `meanJ`: re-measured
 * means by trial; a trial without uses its first figure.
 */
export function remeasuredComparison(pairs: readonly (readonly [number | null | undefined, number | null | undefined])[], firstJ: (trial: number) => number | undefined, meanJ: ReadonlyMap<number, number>, unit: (j: number) => string): string | null {
  const notes: string[] = [];
  const figure = (n: number, j: number) => `#${n}'s ${unit(j)}${meanJ.has(n) ? ' re-measured' : ' (not re-measured)'}`;
  for (const [a, b] of pairs) {
    if (a == null || b == null || a === b || (!meanJ.has(a) && !meanJ.has(b))) continue;
    const fa = firstJ(a);
    const fb = firstJ(b);
    if (fa === undefined || fb === undefined || !(fa < fb)) continue;
    const ea = meanJ.get(a) ?? fa;
    const eb = meanJ.get(b) ?? fb;
    if (ea < eb) continue;
    notes.push(`${figure(a, ea)} against ${figure(b, eb)}`);
  }
  return notes.length
    ? `Re-measured since, the energy comparison above does not hold: ${notes.join('; ')} per prediction (means of the re-measurements). The front and the pick use the first figures: re-measure on a quiet machine before choosing between them by energy.`
    : null;
}

/**
 * Where every trial the comparisons name was re-measured, each pair in the order its first
 * figures gave: that the comparison held (walk 56: after \`ecopt remeasure\`, \`show --budget\`
 * still said to re-measure them). Null otherwise.
 */
export function remeasuredHolds(
  pairs: readonly (readonly [number | null | undefined, number | null | undefined])[],
  firstJ: (trial: number) => number | undefined,
  meanJ: ReadonlyMap<number, number>,
  unit: (j: number) => string,
): string | null {
  const named = pairs.filter((p): p is readonly [number, number] => p[0] != null && p[1] != null && p[0] !== p[1]);
  const sameOrder = ([a, b]: readonly [number, number]) => {
    const [fa, fb, ea, eb] = [firstJ(a), firstJ(b), meanJ.get(a), meanJ.get(b)];
    return fa !== undefined && fb !== undefined && ea !== undefined && eb !== undefined && Math.sign(fa - fb) === Math.sign(ea - eb);
  };
  if (!named.length || !named.every(sameOrder)) return null;
  const notes = named.map(([a, b]) => `#${a}'s ${unit(meanJ.get(a)!)} against #${b}'s ${unit(meanJ.get(b)!)}`);
  return `Re-measured since, the energy comparison above holds: ${notes.join('; ')} per prediction (means of the re-measurements).`;
}

/**
 * What the budget sentence's energy comparisons come to against the re-measurements made since
 * and the figures' own spread, as `show --budget`, the explorer and the report say it: overturned
 * by a re-measurement; else, where a comparison lies inside the spread, whether re-measuring both
 * sides held it, or the warning that it may not hold on another run.
 */
export function comparisonChecks(
  pairs: readonly (readonly [number | null | undefined, number | null | undefined])[],
  energyOf: (trial: number) => number | undefined,
  spreadOf: (trial: number) => number | null | undefined,
  meanJ: ReadonlyMap<number, number>,
  unit: (j: number) => string,
): { overturned: string | null; held: string | null; withinSpread: string | null } {
  const overturned = remeasuredComparison(pairs, energyOf, meanJ, unit);
  const spread = spreadComparison(pairs, energyOf, spreadOf, unit);
  // held: judged on the pairs the spread warning is about, and only where no re-measurement overturned one
  const inside = () => pairs.filter((p) => spreadComparison([p], energyOf, spreadOf, String) !== null);
  const held = spread && !overturned ? remeasuredHolds(inside(), energyOf, meanJ, unit) : null;
  return { overturned, held, withinSpread: held ? null : spread };
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
  /**
   * The re-measuring process from start to exit (loading the model included), as a trial's
   * attrs.process_energy: the campaign counts what it used beside its inference window.
   * Re-measurements made before this was kept have none.
   */
  process?: { energyJ: number; grossEnergyJ: number; cpuJ: number; gpuJ: number; ramJ: number; durationS: number; method: string; uncertaintyRel: number | null };
}
