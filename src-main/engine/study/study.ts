/**
 * The study loop: ask the sampler, run the trial, store the result, until the budget is spent.
 * Crash-safe: every state change is a transaction; a trial left `running` by a dead process is
 * marked `interrupted` on resume and run again with the same parameters; finished trials are
 * never repeated.
 */
import { rmSync } from 'node:fs';
import { cpus, totalmem, platform, release, arch } from 'node:os';
import { datasetLabel, type StudySpec } from '../../shared/spec';
import type { MeterInfo, Params, Phase, TrialRecord, TrialState } from '../../shared/types';
import { loadDataset } from '../data/builtin';
import { UserError } from '../errors';
import { baselineFlags, idleBaseline } from '../meters/attribution';
import type { PowerSample } from '../meters/meter-set';
import { MeterThread } from '../meters/meter-thread';
import { readProcStat } from '../meters/proc-tree';
import type { WindowMeters } from '../meters/window-meters';
import { createSampler, type FinishedTrial } from '../samplers/index';
import { EncodedSpace } from '../space/encode';
import type { Store, StudyRow } from '../store/store';
import { gpuInventory } from './hardware';
import { BuiltinTrialRunner } from '../trials/builtin/runner';
import { CommandTrialRunner } from '../trials/command/runner';
import { finalizeEnergy, finalizePartial } from '../trials/energy';
import { killGroup, type TrialProcess } from '../trials/process-runner';
import { keepModel, modelDir, pruneKeptModels } from '../models/keep';
import { decide, type Checkpoint } from '../trials/pruning';
import type { TrialEvent, TrialRunner } from '../trials/types';

export type StudyEvent =
  | { type: 'study-start'; study: StudyRow; done: number; budget: number; resumed: boolean; recovered: number; meters: MeterInfo[]; estimatedOnly: boolean }
  | { type: 'idle-start'; seconds: number }
  | { type: 'idle-end'; powerW: Record<string, number> }
  | { type: 'trial-start'; trial: TrialRecord; retryOf: number | null }
  | { type: 'trial-event'; trialNumber: number; event: TrialEvent }
  | { type: 'trial-end'; trial: TrialRecord; done: number; budget: number; elapsedS: number }
  | { type: 'study-end'; reason: 'budget' | 'time' | 'stopped' | 'paused'; done: number; budget: number };

export interface RunStudyOptions {
  store: Store;
  spec: StudySpec;
  signal?: AbortSignal;
  onEvent?: (e: StudyEvent) => void;
  runner?: TrialRunner;
  meters?: WindowMeters;
  meterReport?: MeterInfo[];
  /** Skip the idle baseline whatever the spec says (`ecopt tune --skip-idle`). */
  skipIdle?: boolean;
  /** Checked before each trial: false pauses the study after the running trial (the app's Pause). */
  shouldContinue?: () => boolean;
  /** Live power samples, as they are taken (the app's live chart). */
  onPower?: (samples: PowerSample[]) => void;
}

export interface StudyOutcome {
  study: StudyRow;
  reason: 'budget' | 'time' | 'stopped' | 'paused';
  trials: TrialRecord[];
}

const COUNTED: readonly TrialState[] = ['complete', 'pruned', 'failed'];

/** Fields whose change would make old trials incomparable with new ones. */
function identity(spec: StudySpec): string {
  const { trials: _t, timeBudgetS: _b, trial: _s, meters: _m, models: _k, ...rest } = spec;
  return JSON.stringify(rest);
}

/** CPU, memory, OS and the GPUs (model, count, memory, driver: see hardware.ts), for every report format. */
export function hardwareInventory(meters: readonly MeterInfo[] = []): Record<string, string> {
  const c = cpus();
  return {
    cpu_model: c[0]?.model ?? 'unknown',
    cpu_logical_cores: String(c.length),
    memory_gib: (totalmem() / 2 ** 30).toFixed(1),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.versions.node,
    ...gpuInventory(meters),
  };
}

/** Opens the study named in the spec, creating it if new; refuses a changed definition. */
export function openStudy(store: Store, spec: StudySpec): { study: StudyRow; resumed: boolean } {
  const existing = store.findStudy(spec.name);
  if (!existing) return { study: store.createStudy(spec), resumed: false };
  if (identity(existing.spec) !== identity(spec)) {
    throw new UserError(
      `a study named "${spec.name}" already exists in ${store.path} with a different definition; ` +
        'give this one another "name", or resume the old one with its original file',
    );
  }
  if (existing.spec.trials !== spec.trials || existing.spec.timeBudgetS !== spec.timeBudgetS) {
    store.db
      .prepare('UPDATE studies SET spec_json = ? WHERE id = ?')
      .run(JSON.stringify({ ...existing.spec, trials: spec.trials, timeBudgetS: spec.timeBudgetS }), existing.id);
  }
  return { study: store.getStudy(existing.id)!, resumed: true };
}

export function toFinished(trial: TrialRecord, space: EncodedSpace, study: StudyRow, index: number): FinishedTrial {
  const values = trial.state === 'complete' ? study.objectives.map((o) => trial.metrics[o.metric] ?? NaN) : null;
  return {
    number: trial.number,
    index,
    state: trial.state,
    params: trial.params,
    cube: space.encode(trial.params),
    values: values && values.every(Number.isFinite) ? values : null,
  };
}

export async function runStudy(options: RunStudyOptions): Promise<StudyOutcome> {
  const { store, spec } = options;
  const emit = options.onEvent ?? (() => {});
  const signal = options.signal ?? new AbortController().signal;
  // bad data is the user's to fix before any trial runs, and nothing is stored for it
  if (spec.dataset && !options.runner) {
    const ds = await loadDataset(spec.dataset);
    if (spec.model === 'cnn' && ds.kind !== 'image') {
      throw new UserError(`model "cnn" needs images, and ${datasetLabel(spec)} is a table; use "model": "mlp" or a folder of images`);
    }
  }
  const { study, resumed } = openStudy(store, spec);
  let currentTrialId: number | null = null;
  const recordProcess = (p: TrialProcess) => {
    if (currentTrialId !== null) store.setTrialAttr(currentTrialId, 'process', p);
  };
  const runner =
    options.runner ?? (study.spec.command ? new CommandTrialRunner(study.spec.command, recordProcess) : new BuiltinTrialRunner(recordProcess));
  const space = new EncodedSpace(study.spec.space);
  const sampler = createSampler(study.spec.sampler.name, { space, objectives: study.objectives, seed: study.spec.seed }, study.spec.sampler.options);

  store.acquireRunner(study.id, process.pid);
  const ownMeters = !options.meters;
  let meterSetup: { set: WindowMeters; report: MeterInfo[]; estimatedOnly: boolean };
  if (options.meters) {
    meterSetup = { set: options.meters, report: options.meterReport ?? options.meters.inventory(), estimatedOnly: options.meters.inventory().every((m) => m.detail.startsWith('estimate')) };
  } else {
    // the meters poll in their own thread: a busy event loop here can never make them miss a wrap
    const thread = new MeterThread(options.onPower ? { onSample: options.onPower } : {});
    meterSetup = { set: thread, report: thread.report, estimatedOnly: thread.estimatedOnly };
  }
  const meters = meterSetup.set;
  const heartbeat = setInterval(() => store.heartbeat(study.id, process.pid), 5000);
  heartbeat.unref();
  try {
    stopLeftoverProcesses(store, study.id);
    const recovered = store.recoverInterrupted(study.id);
    store.setHardware(study.id, hardwareInventory(meterSetup.report));
    store.setMeters(study.id, meterSetup.report);
    meters.start();

    const budget = study.spec.trials;
    const started = Date.now();
    let done = store.getTrials(study.id, COUNTED).length;
    emit({ type: 'study-start', study, done, budget, resumed, recovered: recovered.length, meters: meterSetup.report, estimatedOnly: meterSetup.estimatedOnly });

    const idleS = options.skipIdle ? 0 : study.spec.meters.idleBaselineS;
    if (idleS > 0 && done < budget && !signal.aborted) {
      emit({ type: 'idle-start', seconds: idleS });
      meters.begin('idle');
      await sleep(idleS * 1000, signal);
      const measured = meters.end('idle', 'idle');
      const flags = [...(measured.flags ?? []), ...baselineFlags(measured)];
      const idle = { ...measured, ...(flags.length ? { flags } : {}) };
      meters.drainSamples();
      if (!signal.aborted) store.insertWindow(study.id, null, idle);
      emit({ type: 'idle-end', powerW: idleBaseline(idle).powerW });
    }
    const stored = store.latestIdle(study.id);
    const baseline = stored ? idleBaseline(stored) : null;

    let reason: StudyOutcome['reason'] = 'budget';
    while (done < budget) {
      if (signal.aborted) {
        reason = 'stopped';
        break;
      }
      if (options.shouldContinue && !options.shouldContinue()) {
        reason = 'paused';
        break;
      }
      if (study.spec.timeBudgetS && (Date.now() - started) / 1000 >= study.spec.timeBudgetS) {
        reason = 'time';
        break;
      }
      const all = store.getTrials(study.id);
      const retry = store.pendingRetries(study.id)[0];
      let params: Params;
      if (retry) {
        params = retry.params;
      } else {
        const indices = proposalIndices(all);
        // running trials too: the sampler steers away from them (several workers, several GPUs)
        const history = all.filter((t) => COUNTED.includes(t.state) || t.state === 'running').map((t) => toFinished(t, space, study, indices.get(t.id)!));
        const asked = all.filter((t) => t.retryOf === null).length;
        params = sampler.ask(history, asked);
      }
      const trial = store.createTrial(study.id, params, retry?.id ?? null);
      store.startTrial(trial.id);
      currentTrialId = trial.id;
      emit({ type: 'trial-start', trial: store.getTrial(trial.id)!, retryOf: retry?.number ?? null });
      meters.drainSamples();
      const t0 = Date.now();
      const finishedNow = store.getTrials(study.id, ['complete']);
      const shouldPrune = (c: Checkpoint) => {
        const d = decide(c, finishedNow, study.objectives, study.spec.pruning);
        return d.prune ? d.reason : null;
      };
      const artifactDir = modelDir(store, study, trial.number);
      if (artifactDir) rmSync(artifactDir, { recursive: true, force: true }); // what an interrupted run left
      const outcome = await runner.run({ trialNumber: trial.number, params, spec: study.spec, shouldPrune, ...(artifactDir ? { artifactDir } : {}) }, meters, signal, (event) =>
        emit({ type: 'trial-event', trialNumber: trial.number, event }),
      );
      currentTrialId = null;
      // what a stopped trial measured is kept, attributed like the rest
      const partial = outcome.ok ? null : finalizePartial(outcome.partial, baseline);
      const measured = outcome.ok ? finalizeEnergy(outcome.result, baseline) : null;
      const missing = measured ? missingObjective(measured.metrics, study, measured.windows) : null;
      // a model is kept only for a trial that completes
      const result = keepModel(store, artifactDir, missing ? null : measured, study.spec.command ? (study.spec.command.cwd ?? process.cwd()) : null) ?? measured;
      if (result && missing) {
        store.failTrial(trial.id, 'missing-metric', missing.message, result);
        // a program that never enters the phase an objective needs will not on the next trial either
        if (missing.noPhase && !store.getTrials(study.id, ['complete']).some((t) => Number.isFinite(t.metrics[missing.metric as keyof TrialRecord['metrics']]))) {
          emit({ type: 'trial-end', trial: store.getTrial(trial.id)!, done: done + 1, budget, elapsedS: (Date.now() - t0) / 1000 });
          throw new UserError(
            `study "${study.name}" cannot reach its objectives with this command: ${missing.message}. Change the script or the study's objectives (e.g. drop ${missing.metric}), then run \`ecopt tune\` again`,
          );
        }
      } else if (result) {
        store.completeTrial(trial.id, result);
        pruneKeptModels(store, study);
      } else if (!outcome.ok && outcome.kind === 'pruned') {
        store.pruneTrial(trial.id, outcome.message, partial!);
      } else if (!outcome.ok && outcome.kind === 'interrupted') {
        store.interruptTrial(trial.id, outcome.message);
        reason = 'stopped';
        emit({ type: 'trial-end', trial: store.getTrial(trial.id)!, done, budget, elapsedS: (Date.now() - t0) / 1000 });
        break;
      } else if (!outcome.ok) {
        store.failTrial(trial.id, outcome.kind, outcome.message, partial!, outcome.detail);
      }
      done++;
      emit({ type: 'trial-end', trial: store.getTrial(trial.id)!, done, budget, elapsedS: (Date.now() - t0) / 1000 });
    }
    emit({ type: 'study-end', reason, done, budget });
    return { study: store.getStudy(study.id)!, reason, trials: store.getTrials(study.id) };
  } finally {
    clearInterval(heartbeat);
    if (ownMeters) meters.stop();
    store.releaseRunner(study.id, process.pid);
  }
}

/**
 * A trial that finished without a metric one of the study's objectives needs cannot be placed
 * on the front: it fails, saying which metric and how a command reports it.
 */
export function missingObjective(
  metrics: TrialRecord['metrics'],
  study: StudyRow,
  windows: readonly { phase: string; samples?: number }[],
): { metric: string; message: string; noPhase: boolean } | null {
  for (const o of study.objectives) {
    if (Number.isFinite(metrics[o.metric])) continue;
    const metric = o.metric;
    if (metric.startsWith('infer_')) {
      const infer = windows.find((w) => w.phase === 'infer');
      return infer
        ? { metric, noPhase: false, message: `objective ${metric} needs the number of predictions made in the inference phase: report it as "infer_samples" in the metrics line, e.g. {"accuracy": 0.93, "infer_samples": 1000}` }
        : { metric, noPhase: true, message: `objective ${metric} needs an inference phase: print {"phase": "infer"} before running predictions and report "infer_samples" in the metrics line` };
    }
    if (metric.startsWith('train_') && !windows.some((w) => w.phase === 'train')) {
      return { metric, noPhase: true, message: `objective ${metric} needs a training phase: print {"phase": "train"} before training` };
    }
    return { metric, noPhase: false, message: `objective ${metric} was not reported: print it in the metrics line, e.g. {"${metric}": 0.93}` };
  }
  return null;
}

/**
 * A study process killed with -9 cannot stop its trial's processes itself (the guard usually
 * does): before re-running, stop any recorded process group of a trial still marked running
 * whose leader is the same process (same start time), not a recycled pid.
 */
function stopLeftoverProcesses(store: Store, studyId: number): void {
  for (const t of store.getTrials(studyId, ['running'])) {
    const p = store.getTrialAttrs(t.id).process as TrialProcess | undefined;
    if (!p?.pgid) continue;
    const st = readProcStat(p.pgid);
    if (st && st.startTicks === p.startTicks) killGroup(p.pgid, 500);
  }
}

/** Proposal index of every trial: fresh proposals count up, re-runs inherit their original's. */
export function proposalIndices(trials: readonly TrialRecord[]): Map<number, number> {
  const out = new Map<number, number>();
  let next = 0;
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    out.set(t.id, t.retryOf !== null && out.has(t.retryOf) ? out.get(t.retryOf)! : next++);
  }
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

export type { Phase };
