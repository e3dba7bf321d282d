/**
 * The energy predictor's data and its forecast for a study that has not run: the complete
 * trials of every study in the database measured on this machine's hardware (shared/predictor.ts
 * fits them), and the trials a study file would run — the sampler's start-up proposals, sized by
 * shared/model-cost.ts on the study's own data split. Nothing here is stored: a forecast is an
 * estimate, never a measurement.
 */
import { cpus } from 'node:os';
import type { ModelFamily } from '../../shared/models';
import { MODEL_FAMILY_NAMES } from '../../shared/models';
import { modelCost } from '../../shared/model-cost';
import { fitPredictor, forecastTrials, type EnergyPredictor, type ForecastResult, type PredictorRow, type TrialShape } from '../../shared/predictor';
import type { StudySpec } from '../../shared/spec';
import type { Params } from '../../shared/types';
import { loadDataset } from '../data/builtin';
import { splitDataset } from '../data/split';
import { createSampler } from '../samplers/index';
import { EncodedSpace } from '../space/encode';
import type { Store } from '../store/store';
import { attributedJ } from '../trials/energy';
import { gpuInventory } from './hardware';

/**
 * The hardware class energy figures are comparable within: CPU model and logical cores, and the
 * GPUs. Memory, OS and driver versions are left out: they move energy far less than the chips.
 */
export function hardwareKey(recorded: Record<string, string>): string {
  return [recorded.cpu_model ?? '?', recorded.cpu_logical_cores ?? '?', recorded.gpu_model ?? 'no GPU'].join(' | ');
}

let cachedKey: string | null = null;

/** This machine's hardware class, in the form studies record it (see study.ts's hardwareInventory). */
export function thisMachineKey(): string {
  if (cachedKey) return cachedKey;
  const c = cpus();
  cachedKey = hardwareKey({ cpu_model: c[0]?.model ?? 'unknown', cpu_logical_cores: String(c.length), ...gpuInventory() });
  return cachedKey;
}

function isFamily(model: string): model is ModelFamily {
  return (MODEL_FAMILY_NAMES as readonly string[]).includes(model);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number.NaN;
}

/** The complete built-in trials of every study whose recorded hardware is `key`, as predictor rows. */
export function predictorRows(store: Store, key = thisMachineKey()): PredictorRow[] {
  const rows: PredictorRow[] = [];
  for (const summary of store.listStudies()) {
    if (hardwareKey(store.getHardware(summary.id)) !== key) continue;
    const study = store.getStudy(summary.id);
    if (!study || !isFamily(study.spec.model)) continue;
    for (const t of store.getTrials(study.id, ['complete'])) {
      const attrs = store.getTrialAttrs(t.id);
      const settings = (attrs.settings ?? {}) as Record<string, unknown>;
      const split = (attrs.split ?? {}) as Record<string, unknown>;
      const firstOf = new Map<string, number>();
      const windows = store.getWindows({ trialId: t.id });
      for (const w of windows) if (!firstOf.has(w.phase)) firstOf.set(w.phase, attributedJ(w));
      const estimated = windows.flatMap((w) => w.domains.map((d) => d.provenance)).filter((p) => p.method === 'estimated');
      const durationS = t.startedAt && t.finishedAt ? (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000 : Number.NaN;
      rows.push({
        study: study.name,
        trial: t.number,
        family: study.spec.model,
        flopsPerInference: t.metrics.flops_per_inference ?? Number.NaN,
        paramCount: t.metrics.param_count ?? Number.NaN,
        batchSize: num(settings.batchSize),
        epochs: num(settings.epochs),
        trainSamples: num(split.train),
        inferBatchSize: Number.isFinite(num(attrs.infer_batch_size)) ? num(attrs.infer_batch_size) : study.spec.trial.inferBatchSize,
        targets: {
          ...(t.metrics.train_energy_j !== undefined ? { train_energy_j: t.metrics.train_energy_j } : {}),
          ...(t.metrics.infer_energy_j_per_sample !== undefined ? { infer_energy_j_per_sample: t.metrics.infer_energy_j_per_sample } : {}),
          ...(firstOf.has('train') && firstOf.has('infer') ? { trial_energy_j: [...firstOf.values()].reduce((a, b) => a + b, 0) } : {}),
          ...(Number.isFinite(durationS) && durationS > 0 ? { trial_duration_s: durationS } : {}),
        },
        ...(estimated.length ? { estimatedRel: Math.max(...estimated.map((p) => (p.method === 'estimated' ? p.uncertaintyRel : 0))) } : {}),
      });
    }
  }
  return rows;
}

/** The predictor fitted on this machine's trials in `store`. */
export function machinePredictor(store: Store, key = thisMachineKey()): EnergyPredictor & { estimatedRel: number | null } {
  const rows = predictorRows(store, key);
  const estimated = rows.map((r) => r.estimatedRel).filter((x): x is number => x !== undefined);
  return { ...fitPredictor(rows), estimatedRel: estimated.length ? Math.max(...estimated) : null };
}

/**
 * The shapes of the trials a study would run next: the sampler's proposals as it makes them
 * before any result is in (its start-up design; a model-based sampler's later proposals follow
 * the results, and no forecast can know them), sized on the study's own training split.
 */
export async function plannedShapes(spec: StudySpec, count: number, firstIndex = 0): Promise<TrialShape[]> {
  if (!isFamily(spec.model) || !spec.dataset) return [];
  const family = spec.model;
  const ds = await loadDataset(spec.dataset);
  const split = splitDataset(ds, { seed: spec.seed, ...(spec.dataset.maxSamples ? { maxSamples: spec.dataset.maxSamples } : {}) });
  const classes = split.task === 'regression' ? 0 : split.classes.length;
  const space = new EncodedSpace(spec.space);
  const sampler = createSampler(spec.sampler.name, { space, objectives: spec.objectives, seed: spec.seed }, spec.sampler.options);
  const shapes: TrialShape[] = [];
  for (let i = firstIndex; i < firstIndex + count; i++) {
    const params: Params = sampler.ask([], i);
    const cost = modelCost(family, params, split.inputShape, classes);
    shapes.push({ family, ...cost, trainSamples: split.train.n, inferBatchSize: spec.trial.inferBatchSize });
  }
  return shapes;
}

/**
 * "About X kJ (±Y) and Z minutes for N trials" for a study file, before it runs: the trials it
 * has left (all of them for a new study), the idle baseline included in the time.
 */
export async function forecastStudy(store: Store, spec: StudySpec, key = thisMachineKey()): Promise<ForecastResult> {
  if (!isFamily(spec.model)) return { ok: false, reason: "a command study's FLOPs and parameters are known only once it runs" };
  const predictor = machinePredictor(store, key);
  if (!predictor.targets.trial_energy_j.ok) return { ok: false, reason: predictor.targets.trial_energy_j.reason };
  const existing = store.findStudy(spec.name);
  const done = existing ? store.getTrials(existing.id).filter((t) => t.state === 'complete' || t.state === 'pruned' || t.state === 'failed') : [];
  const asked = existing ? store.getTrials(existing.id).filter((t) => t.retryOf === null).length : 0;
  const left = Math.max(0, spec.trials - done.length);
  const shapes = await plannedShapes(spec, left, asked);
  const idleS = existing && done.length > 0 ? 0 : spec.meters.idleBaselineS;
  const result = forecastTrials(predictor, shapes, idleS);
  // the joules it is fitted on may themselves be estimates: the interval is not of real joules then
  if (result.ok && predictor.estimatedRel !== null) {
    result.forecast.notes.unshift(
      `the trials it is fitted on have ESTIMATED energy (no energy counter was readable; the estimate states ±${Math.round(predictor.estimatedRel * 100)}%): the interval is how far the forecast may miss those estimates, not real joules`,
    );
  }
  if (result.ok && existing && done.length) result.forecast.notes.push(`study "${spec.name}" already has ${done.length} finished trial${done.length === 1 ? '' : 's'}: this is for the ${left} left`);
  if (result.ok && spec.sampler.name !== 'random' && spec.sampler.name !== 'sobol' && shapes.length > 10) {
    result.forecast.notes.push('sized on the sampler\'s start-up proposals: later ones follow the results and may be larger or smaller');
  }
  return result;
}
