/**
 * Multi-objective pruning: at the end of each training epoch, predict where the trial will land
 * — accuracy by extrapolating its learning curve (optimistically: the recent gain continued for
 * the remaining epochs, plus a noise margin), inference energy per sample from its FLOPs per
 * inference by a log-log fit over the finished trials (optimistically: the fit minus z residual
 * sds) — and stop it when even that optimistic point is dominated by a finished trial, or
 * breaks a limit. Because both predictions lean towards the trial, a prune is a confident one;
 * z sets the confidence (z = 1.64: one-sided 95% for the energy fit).
 */
import type { ObjectiveSpec } from '../../shared/spec';
import type { TrialRecord } from '../../shared/types';

export interface PruningSettings {
  enabled: boolean;
  /** Finished trials needed before any pruning. */
  minTrials: number;
  /** Epochs a trial runs before it can be pruned. */
  minEpochs: number;
  /** Standard deviations of optimism in each prediction. */
  z: number;
}

export interface Checkpoint {
  epoch: number;
  epochs: number;
  /** Validation accuracy after each epoch so far. */
  accuracies: number[];
  flopsPerInference: number;
}

export interface Prediction {
  accuracyUpper: number;
  jPerSampleLower: number;
}

export type PruneDecision = { prune: false } | { prune: true; reason: string; prediction: Prediction };

/** Only studies whose objectives are accuracy and inference energy per sample are pruned. */
export function prunable(objectives: readonly ObjectiveSpec[]): boolean {
  const metrics = objectives.map((o) => o.metric).sort();
  return metrics.length === 2 && metrics[0] === 'accuracy' && metrics[1] === 'infer_energy_j_per_sample';
}

export function predict(c: Checkpoint, finished: readonly TrialRecord[], z: number): Prediction | null {
  const pts = finished.filter(
    (t) => t.state === 'complete' && (t.metrics.flops_per_inference ?? 0) > 0 && (t.metrics.infer_energy_j_per_sample ?? 0) > 0,
  );
  if (pts.length < 3 || c.accuracies.length === 0) return null;
  // log J = a + b log FLOPs, least squares
  const xs = pts.map((t) => Math.log(t.metrics.flops_per_inference!));
  const ys = pts.map((t) => Math.log(t.metrics.infer_energy_j_per_sample!));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const b = sxx > 1e-12 ? xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / sxx : 0;
  const a = my - b * mx;
  const resid = ys.map((y, i) => y - (a + b * xs[i]!));
  const sd = Math.sqrt(resid.reduce((s, r) => s + r * r, 0) / Math.max(1, resid.length - 2));
  const jLower = Math.exp(a + b * Math.log(c.flopsPerInference) - z * Math.max(sd, 0.05));

  const acc = c.accuracies;
  const last = acc.at(-1)!;
  const best = Math.max(...acc);
  const gains = acc.slice(1).map((v, i) => v - acc[i]!);
  const recent = gains.slice(-2);
  const gain = recent.length ? Math.max(0, ...recent) : 0.1;
  const noise = gains.length >= 2 ? Math.sqrt(gains.reduce((s, g) => s + g * g, 0) / gains.length) : 0.05;
  const remaining = c.epochs - c.epoch;
  const accUpper = Math.min(1, Math.max(best, last + gain * remaining) + z * noise);
  return { accuracyUpper: accUpper, jPerSampleLower: jLower };
}

export function decide(c: Checkpoint, finished: readonly TrialRecord[], objectives: readonly ObjectiveSpec[], settings: PruningSettings): PruneDecision {
  if (!settings.enabled || !prunable(objectives) || c.epoch < settings.minEpochs || c.epoch >= c.epochs) return { prune: false };
  const complete = finished.filter((t) => t.state === 'complete');
  if (complete.length < settings.minTrials) return { prune: false };
  const p = predict(c, complete, settings.z);
  if (!p) return { prune: false };
  const accLimit = objectives.find((o) => o.metric === 'accuracy')?.threshold;
  const energyLimit = objectives.find((o) => o.metric === 'infer_energy_j_per_sample')?.threshold;
  if (energyLimit !== undefined && p.jPerSampleLower > energyLimit) {
    return { prune: true, prediction: p, reason: `predicted to need at least ${p.jPerSampleLower.toExponential(2)} J per inference, over the ${energyLimit} J limit` };
  }
  if (accLimit !== undefined && p.accuracyUpper < accLimit) {
    return { prune: true, prediction: p, reason: `predicted to reach at most ${(p.accuracyUpper * 100).toFixed(1)}% accuracy, under the ${(accLimit * 100).toFixed(1)}% limit` };
  }
  const dominator = complete.find((t) => {
    const acc = t.metrics.accuracy;
    const j = t.metrics.infer_energy_j_per_sample;
    return acc !== undefined && j !== undefined && acc >= p.accuracyUpper && j <= p.jPerSampleLower && (acc > p.accuracyUpper || j < p.jPerSampleLower);
  });
  if (!dominator) return { prune: false };
  return {
    prune: true,
    prediction: p,
    reason: `predicted (optimistically: ≤ ${(p.accuracyUpper * 100).toFixed(1)}% accuracy, ≥ ${p.jPerSampleLower.toExponential(2)} J per inference) to be dominated by trial ${dominator.number}`,
  };
}
