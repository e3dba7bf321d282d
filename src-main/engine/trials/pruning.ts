/**
 * Multi-objective pruning: at the end of each training epoch, predict where the trial will land
 * and stop it when it will end dominated by the study's front with the stated confidence, or
 * breaks a limit.
 *
 * - Accuracy: the learning-curve model (learning-curve.ts) — a pow3 curve whose shape and prior
 *   are pooled from the study's finished curves, updated by the trial's own epochs, its sd
 *   calibrated on the finished curves. From epoch 1: the pooled prior already says how trials
 *   that started alike went on.
 * - Inference energy per prediction (fixed by the architecture, known before training): the energy
 *   predictor (shared/predictor.ts) fitted on the study's finished trials where it has enough of
 *   them (MIN_TRIALS), else a log-log fit on FLOPs per inference; log-normal, with the held-out
 *   (or residual) log sd. Within one study on one machine the predictor's allowance for a study
 *   run at another time does not apply.
 *
 * The trial is stopped when the probability that its end point is dominated by the front (the
 * two forecasts taken as independent normals, integrated over the front's staircase) reaches
 * Φ(z), or when its optimistic corner — accuracy mean + z sd, energy median × e^(−z sd) — is
 * dominated by one front trial (the rule without a curve pool, where the accuracy bound is the
 * trial's own recent trend). At the last epoch the accuracy is known, and a dominated trial
 * still saves its inference benchmark and evaluation. z = 1.64: 95%.
 */
import { frontTrials } from '../../shared/analysis';
import { MIN_TRIALS, fitTarget, predictOne, provenanceText, type PredictorRow, type TargetFit } from '../../shared/predictor';
import type { ObjectiveSpec, StudySpec } from '../../shared/spec';
import { normCdf } from '../../shared/normal';
import type { TrialRecord } from '../../shared/types';
import { curveFromAttrs, extrapolate, poolCurves, type CurvePoint, type CurvePool } from './learning-curve';

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
  /** Trainable parameters, where the program reports them (the built-in trainer does). */
  paramCount?: number;
}

/**
 * What the study's finished trials hold beyond their metrics, read once per trial started
 * (see `pruningContext`): their learning curves and the energy predictor fitted on them.
 */
export interface PruningContext {
  /** Finished trials' validation accuracy per epoch, by trial id. */
  curves: ReadonlyMap<number, readonly CurvePoint[]>;
  /** The predictor's inference-energy-per-sample fit, where it has enough trials. */
  inferFit: TargetFit | null;
  /** The study's model family and inference batch, for the predictor's inputs. */
  family: string;
  inferBatchSize: number;
}

export interface Prediction {
  accuracyUpper: number;
  jPerSampleLower: number;
  /** The predicted accuracy at the last epoch and its calibrated sd (null without a pool). */
  accuracyMean: number | null;
  accuracySd: number | null;
  /** The energy forecast's median and the sd of its log. */
  jPerSample: number;
  jPerSampleSdLog: number;
  /** Where the energy forecast came from. */
  energyFrom: string;
}

export type PruneDecision = { prune: false; prediction?: Prediction } | { prune: true; reason: string; prediction: Prediction };

/** Curves pooled at most: the most recent finished trials. */
export const POOL_LIMIT = 200;

/** Only studies whose objectives are accuracy and inference energy per prediction are pruned. */
export function prunable(objectives: readonly ObjectiveSpec[]): boolean {
  const metrics = objectives.map((o) => o.metric).sort();
  return metrics.length === 2 && metrics[0] === 'accuracy' && metrics[1] === 'infer_energy_j_per_sample';
}

/** The storage's one call pruning needs (sync or async). */
export interface AttrsSource {
  getTrialAttrs(trialId: number): Promise<Record<string, unknown>> | Record<string, unknown>;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number.NaN;
}

/**
 * The context for the trials a study starts next: the finished trials' curves and the energy
 * predictor fitted on them (at least MIN_TRIALS with their shapes). Undefined when pruning is
 * off or the objectives are not ones it predicts, so a study without pruning reads nothing.
 */
export async function pruningContext(storage: AttrsSource, finished: readonly TrialRecord[], spec: StudySpec): Promise<PruningContext | undefined> {
  if (!spec.pruning.enabled || !prunable(spec.objectives)) return undefined;
  const curves = new Map<number, CurvePoint[]>();
  const rows: PredictorRow[] = [];
  for (const t of finished.filter((x) => x.state === 'complete').slice(-POOL_LIMIT)) {
    const attrs = await storage.getTrialAttrs(t.id);
    const curve = curveFromAttrs(attrs.learning_curve);
    if (curve.length) curves.set(t.id, curve);
    const settings = (attrs.settings ?? {}) as Record<string, unknown>;
    const split = (attrs.split ?? {}) as Record<string, unknown>;
    const j = t.metrics.infer_energy_j_per_sample;
    rows.push({
      study: spec.name,
      trial: t.number,
      family: spec.model,
      flopsPerInference: t.metrics.flops_per_inference ?? Number.NaN,
      paramCount: t.metrics.param_count ?? Number.NaN,
      batchSize: num(settings.batchSize),
      epochs: num(settings.epochs),
      trainSamples: num(split.train),
      inferBatchSize: Number.isFinite(num(attrs.infer_batch_size)) ? num(attrs.infer_batch_size) : spec.trial.inferBatchSize,
      targets: j !== undefined && Number.isFinite(j) ? { infer_energy_j_per_sample: j } : {},
    });
  }
  const fit = rows.length >= MIN_TRIALS ? fitTarget('infer_energy_j_per_sample', rows) : null;
  return { curves, inferFit: fit?.ok ? fit.fit : null, family: spec.model, inferBatchSize: spec.trial.inferBatchSize };
}

// a study asks at every epoch of a trial with the same finished trials: pool them once
const pools = new WeakMap<ReadonlyMap<number, readonly CurvePoint[]>, CurvePool | null>();

function poolOf(ctx: PruningContext | undefined): CurvePool | null {
  if (!ctx) return null;
  if (!pools.has(ctx.curves)) pools.set(ctx.curves, poolCurves([...ctx.curves.values()]));
  return pools.get(ctx.curves)!;
}

/** Inference energy per prediction as a log-normal: its median, the sd of its log, and where it came from. */
function energyForecast(c: Checkpoint, complete: readonly TrialRecord[], ctx: PruningContext | undefined): { j: number; sdLog: number; from: string } | null {
  if (ctx?.inferFit && c.paramCount !== undefined && c.paramCount > 0 && c.flopsPerInference > 0) {
    const fit = ctx.inferFit;
    const p = predictOne(fit, { family: ctx.family, flopsPerInference: c.flopsPerInference, paramCount: c.paramCount, batchSize: 1, trainSamples: 1, epochs: 1, inferBatchSize: ctx.inferBatchSize });
    const sdLog = Math.max(fit.looTrial.rmsLogError, 0.05);
    if (Number.isFinite(p.value) && p.value > 0) return { j: p.value, sdLog, from: provenanceText(fit) };
  }
  const pts = complete.filter((t) => {
    const f = t.metrics.flops_per_inference;
    const j = t.metrics.infer_energy_j_per_sample;
    return f !== undefined && j !== undefined && Number.isFinite(f) && Number.isFinite(j) && f > 0 && j > 0;
  });
  if (pts.length < 3 || !(c.flopsPerInference > 0)) return null;
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
  return { j: Math.exp(a + b * Math.log(c.flopsPerInference)), sdLog: Math.max(sd, 0.05), from: `a log-log fit on FLOPs per inference over ${pts.length} finished trials` };
}

/** Without a pool (no stored curves): the recent gain continued for the remaining epochs, plus a noise margin. */
function ownTrend(acc: readonly number[], remaining: number, z: number): number {
  const last = acc.at(-1)!;
  const best = Math.max(...acc);
  const gains = acc.slice(1).map((v, i) => v - acc[i]!);
  const recent = gains.slice(-2);
  const gain = recent.length ? Math.max(0, ...recent) : 0.1;
  const noise = gains.length >= 2 ? Math.sqrt(gains.reduce((s, g) => s + g * g, 0) / gains.length) : 0.05;
  return Math.min(1, Math.max(best, last + gain * remaining) + z * noise);
}

/**
 * The optimistic end point: accuracy at most `accuracyUpper`, energy at least `jPerSampleLower`,
 * each at z sds. Without a curve pool (a study whose trials store no curves), the trial's own recent trend.
 */
export function predict(c: Checkpoint, finished: readonly TrialRecord[], z: number, ctx?: PruningContext): Prediction | null {
  const complete = finished.filter((t) => t.state === 'complete');
  const energy = energyForecast(c, complete, ctx);
  const points = c.accuracies.map((accuracy, i) => ({ epoch: i + 1, accuracy })).filter((p) => Number.isFinite(p.accuracy));
  if (!energy || !points.length) return null;
  const pool = poolOf(ctx);
  // the last epoch's accuracy is the trial's: no extrapolation left
  const known = c.epoch >= c.epochs && Number.isFinite(c.accuracies.at(-1));
  const ex = known ? { mean: c.accuracies.at(-1)!, sd: 0 } : pool ? extrapolate(points, c.epochs, pool) : null;
  const accuracyUpper = ex ? Math.min(1, ex.mean + z * ex.sd) : ownTrend(points.map((p) => p.accuracy), c.epochs - c.epoch, z);
  return {
    accuracyUpper,
    jPerSampleLower: energy.j * Math.exp(-z * energy.sdLog),
    accuracyMean: ex?.mean ?? null,
    accuracySd: ex?.sd ?? null,
    jPerSample: energy.j,
    jPerSampleSdLog: energy.sdLog,
    energyFrom: energy.from,
  };
}

/**
 * The probability that the end point is dominated by the front: accuracy normal (mean, sd), log
 * energy normal (median, sd) and independent, integrated over the front's staircase — between
 * the energies of two consecutive front trials the better accuracy to beat is the cheaper one's.
 */
export function dominatedChance(p: Prediction, front: readonly TrialRecord[]): number {
  const pts = front
    .map((t) => ({ acc: t.metrics.accuracy!, logJ: Math.log(t.metrics.infer_energy_j_per_sample!) }))
    .filter((x) => Number.isFinite(x.acc) && Number.isFinite(x.logJ))
    .sort((a, b) => a.logJ - b.logJ);
  const m = p.accuracyMean!;
  const sd = p.accuracySd!;
  const mu = Math.log(p.jPerSample);
  const below = (acc: number) => (sd > 0 ? normCdf((acc - m) / sd) : acc > m ? 1 : 0);
  const energyCdf = (logJ: number) => (p.jPerSampleSdLog > 0 ? normCdf((logJ - mu) / p.jPerSampleSdLog) : logJ <= mu ? 1 : 0);
  let best = -Infinity;
  let chance = 0;
  pts.forEach((x, i) => {
    best = Math.max(best, x.acc);
    const next = i + 1 < pts.length ? energyCdf(pts[i + 1]!.logJ) : 1;
    chance += (next - energyCdf(x.logJ)) * below(best);
  });
  return chance;
}

export function decide(c: Checkpoint, finished: readonly TrialRecord[], objectives: readonly ObjectiveSpec[], settings: PruningSettings, ctx?: PruningContext): PruneDecision {
  if (!settings.enabled || !prunable(objectives) || c.epoch < settings.minEpochs || c.epoch > c.epochs) return { prune: false };
  const complete = finished.filter((t) => t.state === 'complete');
  if (complete.length < settings.minTrials) return { prune: false };
  const p = predict(c, complete, settings.z, ctx);
  if (!p) return { prune: false };
  const accLimit = objectives.find((o) => o.metric === 'accuracy')?.threshold;
  const energyLimit = objectives.find((o) => o.metric === 'infer_energy_j_per_sample')?.threshold;
  if (energyLimit !== undefined && p.jPerSampleLower > energyLimit) {
    return { prune: true, prediction: p, reason: `predicted to need at least ${p.jPerSampleLower.toExponential(2)} J per inference (${p.energyFrom}), over the ${energyLimit} J limit` };
  }
  if (accLimit !== undefined && p.accuracyUpper < accLimit) {
    return { prune: true, prediction: p, reason: `predicted to reach at most ${(p.accuracyUpper * 100).toFixed(1)}% accuracy, under the ${(accLimit * 100).toFixed(1)}% limit` };
  }
  // the one front (shared/analysis.ts), limits included
  const onFront = new Set(frontTrials(complete, objectives));
  const front = complete.filter((t) => onFront.has(t.number));
  const dominator = front.find((t) => {
    const acc = t.metrics.accuracy!;
    const j = t.metrics.infer_energy_j_per_sample!;
    return acc >= p.accuracyUpper && j <= p.jPerSampleLower && (acc > p.accuracyUpper || j < p.jPerSampleLower);
  });
  const chance = p.accuracyMean !== null && p.accuracySd !== null ? dominatedChance(p, front) : null;
  const level = normCdf(settings.z);
  if (!dominator && !(chance !== null && chance >= level)) return { prune: false, prediction: p };
  const at = c.epoch >= c.epochs ? `${(p.accuracyUpper * 100).toFixed(1)}% accuracy after its last epoch` : `optimistically: ≤ ${(p.accuracyUpper * 100).toFixed(1)}% accuracy after ${c.epochs} epochs`;
  return {
    prune: true,
    prediction: p,
    reason: dominator
      ? `predicted (${at}, ≥ ${p.jPerSampleLower.toExponential(2)} J per inference) to be dominated by trial ${dominator.number}`
      : `predicted to end dominated by the front with ${((chance ?? 0) * 100).toFixed(0)}% probability (${at}, ≥ ${p.jPerSampleLower.toExponential(2)} J per inference)`,
  };
}
