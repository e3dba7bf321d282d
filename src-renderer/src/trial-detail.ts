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

/** A window's CPU accounting, as the trial view receives it. */
export interface CpuWindow {
  phase: string;
  durationS: number;
  cpu: { treeS: number | null; machineBusyS: number; cores: number } | null;
}

/**
 * The CPU time behind a phase's own share, in words (walk 39: "how can 94% of the machine's
 * energy be the trial's when the baseline found the CPU 64% busy?" — the baseline was taken at
 * another moment; this says how busy the machine was during the phase itself, and how much of
 * that busy time was the trial's). Null where the window has no CPU accounting to explain.
 */
export function cpuShareText(w: CpuWindow): string | null {
  const cpu = w.cpu;
  if (!cpu || !(w.durationS > 0) || !(cpu.cores > 0)) return null;
  // CPU time is read in 10 ms ticks: a window of a few ticks says nothing of the load (walk 44:
  // "0% busy (0.00 of 0.00 CPU-seconds)" over a phase the power trace showed at 85 W)
  if (w.durationS < 0.1) return `${w.phase}: ${Math.max(1, Math.round(w.durationS * 1000))} ms, too short to read how busy the machine was (CPU time is read in 10 ms ticks)`;
  const capacity = cpu.cores * w.durationS;
  const s = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
  const pct = (x: number) => `${x > 0 && x < 0.01 ? '<1' : Math.round(x * 100)}%`;
  // the busy time can read a tick over the window's capacity (the clocks' edges): never more than all of it
  const busyS = Math.min(cpu.machineBusyS, capacity);
  const machine = `the machine's CPUs were ${pct(busyS / capacity)} busy (${s(busyS)} of ${s(capacity)} CPU-seconds: ${cpu.cores} cores × ${s(w.durationS)} s)`;
  if (cpu.treeS === null) return `${w.phase}: ${machine}; the trial's own CPU time could not be read, so its figures are the whole machine's`;
  const treeS = Math.min(cpu.treeS, capacity);
  const busy = Math.max(busyS, treeS);
  const own = busy > 0 ? `, ${pct(treeS / busy)} of the busy time` : '';
  return `${w.phase}: ${machine}; the trial's processes used ${s(treeS)} CPU-seconds${own}`;
}

/** A window's phase as the trial view names it: the first infer window is the trial's own, later ones re-measurements. */
export function windowLabel(windows: readonly { phase: string }[], i: number): string {
  const w = windows[i]!;
  const again = w.phase === 'infer' ? windows.slice(0, i).filter((x) => x.phase === 'infer').length : 0;
  return again ? `infer (re-measured, ${again})` : w.phase;
}

/** The largest stated ± of the estimated domains in a trial's inference windows ("±60%"), or null where none is estimated. */
export function inferenceUncertaintyText(windows: readonly { phase: string; domains: readonly { uncertaintyRel: number | null }[] }[]): string | null {
  const u = windows.filter((w) => w.phase === 'infer').flatMap((w) => w.domains.map((d) => d.uncertaintyRel ?? 0));
  const max = Math.max(0, ...u);
  return max > 0 ? `±${Math.round(max * 100)}%` : null;
}
