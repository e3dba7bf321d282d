import { stepReading } from '../../src-main/shared/curve';

/** What the trial detail shows beside its figures: its warnings once each, and its hardware class in words. */

/** A window's warnings, as the trial view gives them. */
export interface FlaggedWindow {
  phase: string;
  flags: readonly { kind: string; message: string }[];
}

/**
 * Each warning once, with the phases it touched in their order ("train, infer, evaluate"): the
 * same baseline caveat on every window read as three warnings where there is one.
 */
export function mergeFlags(windows: readonly FlaggedWindow[]): { kind: string; message: string; phases: string[] }[] {
  const out = new Map<string, { kind: string; message: string; phases: string[] }>();
  for (const w of windows) {
    for (const f of w.flags) {
      const key = `${f.kind}\u0000${f.message}`;
      const seen = out.get(key) ?? out.set(key, { kind: f.kind, message: f.message, phases: [] }).get(key)!;
      if (!seen.phases.includes(w.phase)) seen.phases.push(w.phase);
    }
  }
  return [...out.values()];
}

/**
 * The hardware class a trial ran on, in words where the study stores a label for it, and its id
 * (the id alone when there is no label, or only the placeholder for an unrecorded inventory).
 */
export function hardwareClassText(id: string, label: string | null | undefined): { text: string; id: string } {
  const readable = label && label !== 'inventory not recorded' ? label : null;
  return { text: readable ? `hardware class ${readable} (${id})` : `hardware class ${id}`, id };
}

/** One learning-curve point as the chart draws it. */
export interface CurvePoint {
  x: number;
  loss: number | null;
  accuracy: number | null;
}

/**
 * A trial's learning curve as stored, in either form: the built-in trainer's points ({epoch, loss,
 * valAccuracy}) or a command's step lines as printed ({step or epoch, accuracy or val_accuracy,
 * loss or metric}); `by` says what the horizontal axis counts. Accuracy outside [0, 1] is left out
 * (the axis is a percentage).
 */
export function curvePoints(raw: unknown): { by: 'epoch' | 'step'; points: CurvePoint[] } {
  const rows = Array.isArray(raw) ? (raw as Record<string, unknown>[]) : [];
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const byEpoch = rows.some((r) => num(r.epoch) !== null);
  const points = rows
    .map((r) => {
      const { accuracy, loss } = stepReading(r);
      return { x: (byEpoch ? num(r.epoch) : num(r.step)) ?? NaN, loss, accuracy: accuracy !== null && accuracy >= 0 && accuracy <= 1 ? accuracy : null };
    })
    .filter((p) => Number.isFinite(p.x));
  return { by: byEpoch ? 'epoch' : 'step', points };
}

/**
 * "; training ±y% (its sources' uncertainty); inference repeats spread ±x%, on top of …" from the
 * trial's energy_spread_rel attribute: the two are different kinds of ±, and the inference one is
 * not the figure's whole uncertainty.
 */
export function spreadText(spread: unknown): string {
  if (!spread || typeof spread !== 'object') return '';
  const s = spread as Record<string, number>;
  const parts = [];
  if (s.train_energy_j !== undefined) parts.push(`training ±${(s.train_energy_j * 100).toFixed(0)}% (its sources' uncertainty)`);
  if (s.infer_energy_j_per_sample !== undefined) parts.push(`inference repeats spread ±${(s.infer_energy_j_per_sample * 100).toFixed(0)}% per prediction, on top of its sources' uncertainty (per domain below)`);
  return parts.length ? `; ${parts.join('; ')}` : '';
}
