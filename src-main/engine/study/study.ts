/**
 * The study loop: ask the sampler, run the trial, store the result, until the budget is spent.
 * Crash-safe: every state change is a transaction; a trial left `running` by a dead process is
 * marked `interrupted` on resume and run again with the same parameters; finished trials are
 * never repeated.
 */
import { rmSync } from 'node:fs';
import { cpus, totalmem, platform, release, arch } from 'node:os';
import { dirname, resolve } from 'node:path';
import { datasetLabel, type StudySpec } from '../../shared/spec';
import type { EnergyWindow, MeterInfo, Params, Phase, TrialRecord, TrialState } from '../../shared/types';
import { METRIC_NAMES } from '../../shared/types';
import { loadDataset } from '../data/builtin';
import { UserError } from '../errors';
import { baselineFlags, idleBaseline } from '../meters/attribution';
import type { PowerSample } from '../meters/meter-set';
import { MeterThread } from '../meters/meter-thread';
import { readProcStat } from '../meters/proc-tree';
import type { WindowMeters } from '../meters/window-meters';
import { createSampler, type FinishedTrial } from '../samplers/index';
import { EncodedSpace } from '../space/encode';
import { COUNTED_STATES, type Storage, type WorkerId } from '../store/storage';
import type { StoredWindow, StudyRow } from '../store/store';
import { hardwareClass, workerHost } from './hardware-class';
import { gpuInventory } from './hardware';
import { BuiltinTrialRunner } from '../trials/builtin/runner';
import { CommandTrialRunner } from '../trials/command/runner';
import { finalizeEnergy, finalizePartial } from '../trials/energy';
import { killGroup, type TrialProcess } from '../trials/process-runner';
import { keepModelIn, modelDirIn, pruneKeptModelsIn } from '../models/keep';
import { decide, pruningContext, type Checkpoint } from '../trials/pruning';
import { CALIBRATION_TRIALS, projectionCalibration as calibrationOf } from '../trials/projection';
import type { TrialEvent, TrialRunner } from '../trials/types';
import { jsonDifferences, jsonText } from '../../shared/json-diff';

export type StudyEvent =
  | { type: 'study-start'; study: StudyRow; done: number; budget: number; resumed: boolean; recovered: number; meters: MeterInfo[]; estimatedOnly: boolean; /** The trial budget before this run's study file or --trials changed it. */ budgetFrom: number | null }
  | { type: 'idle-start'; seconds: number }
  | { type: 'idle-end'; powerW: Record<string, number>; underLoad: string | null }
  | { type: 'trial-start'; trial: TrialRecord; retryOf: number | null }
  | { type: 'trial-event'; trialNumber: number; event: TrialEvent }
  | { type: 'trial-end'; trial: TrialRecord; done: number; budget: number; elapsedS: number }
  | { type: 'study-end'; reason: 'budget' | 'time' | 'stopped' | 'paused'; done: number; budget: number };

export interface RunStudyOptions {
  storage: Storage;
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
  /**
   * `exclusive` (`ecopt tune`, the app): this process holds the study's runner lock, alone.
   * `shared` (`ecopt worker`): one of any number of workers on any number of machines, each
   * claiming trials against the shared budget.
   */
  mode?: 'exclusive' | 'shared';
  /** Who runs the trials (default: this process on workerHost()). */
  worker?: WorkerId;
  /** The GPU this loop's trials run on (`ecopt worker --gpus`): CUDA_VISIBLE_DEVICES, and the meters of that device only. */
  gpu?: string;
  /** Where kept models go for a study not in a file (PostgreSQL); default the current directory. */
  modelsDir?: string;
}

export interface StudyOutcome {
  study: StudyRow;
  reason: 'budget' | 'time' | 'stopped' | 'paused';
  trials: TrialRecord[];
}

const COUNTED: readonly TrialState[] = COUNTED_STATES;

/** How often a running trial's heartbeat is refreshed, and after how long without one it is taken for dead (ms). */
export function heartbeatTimes(env: NodeJS.ProcessEnv = process.env): { heartbeatMs: number; staleAfterMs: number } {
  const num = (v: string | undefined, fallback: number) => (v !== undefined && Number(v) > 0 ? Number(v) : fallback);
  const heartbeatMs = num(env.ECOPT_HEARTBEAT_MS, 2000);
  return { heartbeatMs, staleAfterMs: num(env.ECOPT_STALE_AFTER_MS, Math.max(10_000, heartbeatMs * 5)) };
}

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

/** Up to `max` paths where a study file differs from its study, each with both values, for a message. */
export function differingFields(stored: unknown, given: unknown, max = 3): string[] {
  return jsonDifferences(stored, given)
    .slice(0, max)
    .map((d) => `${d.path}: ${jsonText(d.a, 60)} in the study, ${jsonText(d.b, 60)} in this file`);
}

/**
 * Opens the study named in the spec, creating it if new; refuses a changed definition, naming
 * what changed. A changed budget (trials, time) is taken, for every worker of a shared study:
 * `budgetFrom` is the trial budget it had, when that changed.
 */
export async function openStudy(storage: Storage, spec: StudySpec): Promise<{ study: StudyRow; resumed: boolean; budgetFrom: number | null }> {
  const existing = await storage.findStudy(spec.name);
  if (!existing) {
    try {
      return { study: await storage.createStudy(spec), resumed: false, budgetFrom: null };
    } catch (e) {
      // another worker created it a moment before: join theirs
      const raced = await storage.findStudy(spec.name);
      if (!raced) throw e;
      return openStudy(storage, spec);
    }
  }
  if (identity(existing.spec) !== identity(spec)) {
    const changed = differingFields(JSON.parse(identity(existing.spec)), JSON.parse(identity(spec)));
    // a study none of whose trials completed has nothing a new name would leave behind (walk 50: a fixed command after every trial failed)
    const completed = (await storage.getTrials(existing.id)).some((t) => t.state === 'complete' || t.state === 'pruned');
    throw new UserError(
      `a study named "${spec.name}" already exists in ${storage.location} with a different definition (${changed.join('; ')}); ` +
        `give this one another "name"${completed ? '' : ' (none of the old one\'s trials completed, so the new name leaves no result behind)'}, or resume the old one with its original file`,
    );
  }
  if (existing.spec.trials !== spec.trials || existing.spec.timeBudgetS !== spec.timeBudgetS) {
    await storage.setStudyBudget(existing.id, spec.trials, spec.timeBudgetS);
  }
  return { study: (await storage.getStudy(existing.id))!, resumed: true, budgetFrom: existing.spec.trials !== spec.trials ? existing.spec.trials : null };
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
  const { storage, spec } = options;
  const emit = options.onEvent ?? (() => {});
  const signal = options.signal ?? new AbortController().signal;
  const shared = options.mode === 'shared';
  const self: WorkerId = options.worker ?? { host: workerHost(), pid: process.pid };
  const { heartbeatMs, staleAfterMs } = heartbeatTimes();
  // bad data is the user's to fix before any trial runs, and nothing is stored for it
  if (spec.dataset && !options.runner) {
    const ds = await loadDataset(spec.dataset);
    if (spec.model === 'cnn' && ds.kind !== 'image') {
      throw new UserError(`model "cnn" needs images, and ${datasetLabel(spec)} is a table; use "model": "mlp" or a folder of images`);
    }
  }
  const { study, resumed, budgetFrom } = await openStudy(storage, spec);
  let currentTrialId: number | null = null;
  // the process group is recorded from a callback: written in order, awaited before the trial's end is
  let attrWrites: Promise<void> = Promise.resolve();
  const recordProcess = (p: TrialProcess) => {
    const id = currentTrialId;
    if (id !== null) attrWrites = attrWrites.then(() => storage.setTrialAttr(id, 'process', p)).catch(() => {});
  };
  const deviceEnv: Record<string, string> = options.gpu !== undefined ? { CUDA_VISIBLE_DEVICES: options.gpu } : {};
  const command = study.spec.command && options.gpu !== undefined ? { ...study.spec.command, env: { ...study.spec.command.env, ...deviceEnv } } : study.spec.command;
  const runner = options.runner ?? (command ? new CommandTrialRunner(command, recordProcess) : new BuiltinTrialRunner(recordProcess, deviceEnv));
  const space = new EncodedSpace(study.spec.space);
  // Every worker of a shared study uses the study's own seed, as `ecopt tune` does: the n-th
  // proposal is the sampler's answer for index n given the history it joins, whoever asks (for
  // GP-EHVI, given also the fits it made before: each starts from the last but every 8th, so two
  // workers with different pasts may propose different points, which the claims below handle
  // alike). Two workers asking at the same moment would make the same proposal: the claim
  // carries the proposal count it was made at and is refused once another proposal has landed,
  // and the loser asks again, with that trial in its history as running. (A stream per worker instead
  // gave each worker every other point of its own Sobol sequence while two alternated, and in a
  // scrambled Sobol sequence the first coordinate follows the index's parity: one worker never
  // varied the first parameter through the whole start-up.)
  const sampler = createSampler(study.spec.sampler.name, { space, objectives: study.objectives, seed: study.spec.seed }, study.spec.sampler.options);

  let recoveredFirst: TrialRecord[] = [];
  if (shared) {
    const holder = await storage.runnerHeld(study.id, self);
    if (holder) {
      throw new UserError(
        `study "${study.name}" is being run by \`ecopt tune\` (pid ${holder.pid} on ${holder.host}), which runs a study alone; wait for it to finish, then start the workers`,
      );
    }
  } else {
    // a trial whose process died on this machine (`ecopt tune` killed with -9) holds no one up,
    // whatever its heartbeat says: mark it interrupted first so that the lock can be taken
    recoveredFirst = await recover(storage, study.id, self, staleAfterMs);
    await storage.acquireRunner(study.id, self);
  }
  const ownMeters = !options.meters;
  let meterSetup: { set: WindowMeters; report: MeterInfo[]; estimatedOnly: boolean };
  if (options.meters) {
    meterSetup = { set: options.meters, report: options.meterReport ?? options.meters.inventory(), estimatedOnly: options.meters.inventory().every((m) => m.detail.startsWith('estimate')) };
  } else {
    // the meters poll in their own thread: a busy event loop here can never make them miss a wrap
    const thread = new MeterThread({
      ...(options.onPower ? { onSample: options.onPower } : {}),
      ...(options.gpu !== undefined ? { env: { ...process.env, ECOPT_GPU_DEVICES: options.gpu } } : {}),
    });
    meterSetup = { set: thread, report: thread.report, estimatedOnly: thread.estimatedOnly };
  }
  const meters = meterSetup.set;
  // where kept models go: beside the study file, or (PostgreSQL: no file) under --models-dir
  const modelsRoot = storage.kind === 'sqlite' ? dirname(resolve(storage.location)) : resolve(options.modelsDir ?? process.cwd());
  const beats: Promise<unknown>[] = [];
  const beat = (p: Promise<unknown>) => {
    // a missed heartbeat is retried on the next tick; it must never crash the study
    const q = p.catch(() => {});
    beats.push(q);
    void q.finally(() => beats.splice(beats.indexOf(q), 1));
  };
  const runnerBeat = shared ? null : setInterval(() => beat(storage.heartbeatRunner(study.id, self)), 5000);
  runnerBeat?.unref();
  const trialBeat = setInterval(() => {
    if (currentTrialId !== null) beat(storage.heartbeatTrials([currentTrialId], self));
  }, heartbeatMs);
  trialBeat.unref();
  // a shared study's worker also looks for trials whose worker stopped heartbeating while it runs
  // its own: a dead worker's trial is marked interrupted about staleAfterMs after its last
  // heartbeat, not when the rest of the budget is claimed, and the next claim re-runs it
  const staleBeat = shared ? setInterval(() => beat(recover(storage, study.id, self, staleAfterMs)), Math.max(1000, staleAfterMs / 2)) : null;
  staleBeat?.unref();
  try {
    // holding the runner lock, no one else runs a trial of this study: every trial left running is
    // a dead process's (acquireRunner refused while a worker's heartbeat was fresh)
    const recovered = [...recoveredFirst, ...(await recover(storage, study.id, self, shared ? staleAfterMs : 0))];
    const inventory = hardwareInventory(meterSetup.report);
    const cls = hardwareClass(inventory, meterSetup.report, options.gpu !== undefined ? [options.gpu] : undefined);
    // the whole inventory and the meters beside the class's canonical fields (which alone make
    // its id): a report of one class describes a machine of that class, not the first worker's
    await storage.putHardwareClass(study.id, cls.id, { ...inventory, ...cls.inventory, meters_json: JSON.stringify(meterSetup.report) });
    // the study's own inventory and meters (reports' hardware rows): the first worker's in a shared study
    if (!shared || Object.keys(await storage.getHardware(study.id)).length === 0) {
      await storage.setHardware(study.id, inventory);
      await storage.setMeters(study.id, meterSetup.report);
    }
    meters.start();

    let budget = study.spec.trials;
    const started = Date.now();
    let done = (await storage.getTrials(study.id, COUNTED)).length;
    emit({ type: 'study-start', study, done, budget, resumed, recovered: recovered.length, meters: meterSetup.report, estimatedOnly: meterSetup.estimatedOnly, budgetFrom });

    const idleS = options.skipIdle ? 0 : study.spec.meters.idleBaselineS;
    let ownIdle: StoredWindow | EnergyWindow | null = null;
    // a worker that joins when the rest of the budget is already running elsewhere has nothing to
    // measure against a baseline: it waits for those trials without idling (under their load) first
    const left = budget - done - (shared ? (await storage.getTrials(study.id, ['running'])).length : 0);
    if (idleS > 0 && left > 0 && !signal.aborted) {
      emit({ type: 'idle-start', seconds: idleS });
      meters.begin('idle');
      await sleep(idleS * 1000, signal);
      const measured = meters.end('idle', 'idle');
      const flags = [...(measured.flags ?? []), ...baselineFlags(measured)];
      const idle = { ...measured, ...(flags.length ? { flags } : {}) };
      meters.drainSamples();
      if (!signal.aborted) {
        await storage.insertWindow(study.id, null, { ...idle, host: self.host });
        ownIdle = idle;
      }
      emit({ type: 'idle-end', powerW: idleBaseline(idle).powerW, underLoad: flags.find((f) => f.kind === 'baseline-under-load')?.message ?? null });
    }
    // a shared study's stored baselines may be other machines': a worker uses only its own
    const stored = shared ? ownIdle : await storage.latestIdle(study.id);
    const baseline = stored ? idleBaseline(stored) : null;

    let reason: StudyOutcome['reason'] = 'budget';
    for (;;) {
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
      // another worker's study file may have raised (or lowered) the shared budget since this one joined
      if (shared) budget = (await storage.getStudy(study.id))?.spec.trials ?? budget;
      const all = await storage.getTrials(study.id);
      done = all.filter((t) => COUNTED.includes(t.state)).length;
      if (done >= budget) break;
      if (done + all.filter((t) => t.state === 'running').length >= budget) {
        // the rest of the budget is running on other workers: wait for them, and re-run a trial
        // whose worker stopped heartbeating (it no longer counts once marked interrupted). The
        // running trials are looked at 4 times a second (a small query), so that this worker
        // leaves as soon as the last one ends; stale ones every 2 s (they are 10 s late).
        const waiting = all.filter((t) => t.state === 'running').map((t) => t.id).join();
        const until = Date.now() + 2000;
        while (!signal.aborted && Date.now() < until) {
          await sleep(250, signal);
          if ((await storage.getTrials(study.id, ['running'])).map((t) => t.id).join() !== waiting) break;
        }
        await recover(storage, study.id, self, staleAfterMs);
        continue;
      }
      // a re-run goes before a fresh proposal: look for dead workers' trials first
      if (shared) await recover(storage, study.id, self, staleAfterMs);
      const retry = (await storage.pendingRetries(study.id))[0];
      const asked = all.filter((t) => t.retryOf === null).length;
      let params: Params;
      if (retry) {
        params = retry.params;
      } else {
        const indices = proposalIndices(all);
        // running trials too: the sampler steers away from them (several workers, several GPUs)
        const history = all.filter((t) => COUNTED.includes(t.state) || t.state === 'running').map((t) => toFinished(t, space, study, indices.get(t.id)!));
        params = sampler.ask(history, asked);
      }
      const trial = await storage.claimTrial(study.id, { params, retryOf: retry?.id ?? null, worker: self, hardwareClass: cls.id, budget, ...(retry ? {} : { proposals: asked }) });
      // the budget was taken, another worker claimed the same re-run first, or another proposal
      // landed while this one was asked: look again
      if (!trial) continue;
      currentTrialId = trial.id;
      emit({ type: 'trial-start', trial, retryOf: retry?.number ?? null });
      meters.drainSamples();
      const t0 = Date.now();
      // pruning compares energy with trials of this hardware class only
      const finishedNow = all.filter((t) => t.state === 'complete' && (t.hardwareClass === cls.id || t.hardwareClass === null));
      const pruning = await pruningContext(storage, finishedNow, study.spec);
      const shouldPrune = (c: Checkpoint) => {
        const d = decide(c, finishedNow, study.objectives, study.spec.pruning, pruning);
        return d.prune ? d.reason : null;
      };
      // the projection is calibrated on how the last finished trials of this class turned out
      const projectionCalibration = calibrationOf(await Promise.all(finishedNow.slice(-CALIBRATION_TRIALS).map(async (t) => (await storage.getTrialAttrs(t.id)).train_projection)));
      const artifactDir = modelDirIn(modelsRoot, study, trial.number);
      if (artifactDir) rmSync(artifactDir, { recursive: true, force: true }); // what an interrupted run left
      const outcome = await runner.run({ trialNumber: trial.number, params, spec: study.spec, shouldPrune, projectionCalibration, ...(artifactDir ? { artifactDir } : {}) }, meters, signal, (event) =>
        emit({ type: 'trial-event', trialNumber: trial.number, event }),
      );
      currentTrialId = null;
      await attrWrites;
      // what a stopped trial measured is kept, attributed like the rest
      const partial = outcome.ok ? null : finalizePartial(outcome.partial, baseline);
      const measured = outcome.ok ? finalizeEnergy(outcome.result, baseline) : null;
      const missing = measured && outcome.ok ? missingObjective(measured.metrics, study, measured.windows, Object.keys(outcome.result.attrs ?? {})) : null;
      // A worker that stopped heartbeating for a while (a suspended laptop, a frozen VM) may find
      // its trial taken for dead and re-run by another worker: the re-run's figures count, this
      // one's are dropped, and the worker goes on with the next trial.
      if (shared) {
        const now = await storage.getTrial(trial.id);
        if (now && now.state !== 'running') {
          emit({ type: 'trial-end', trial: now, done, budget, elapsedS: (Date.now() - t0) / 1000 });
          continue;
        }
      }
      // a model is kept only for a trial that completes
      const result = keepModelIn(storage.kind === 'sqlite' ? modelsRoot : null, artifactDir, missing ? null : measured, study.spec.command ? (study.spec.command.cwd ?? process.cwd()) : null) ?? measured;
      if (result && missing) {
        await storage.failTrial(trial.id, 'missing-metric', missing.message, result);
        // a program that never enters the phase an objective needs will not on the next trial either
        if (missing.noPhase && !(await storage.getTrials(study.id, ['complete'])).some((t) => Number.isFinite(t.metrics[missing.metric as keyof TrialRecord['metrics']]))) {
          emit({ type: 'trial-end', trial: (await storage.getTrial(trial.id))!, done: done + 1, budget, elapsedS: (Date.now() - t0) / 1000 });
          throw new UserError(
            `study "${study.name}" cannot reach its objectives with this command: ${missing.message}. Change the script or the study's objectives (e.g. drop ${missing.metric}), then run \`ecopt tune\` again`,
          );
        }
      } else if (result) {
        await storage.completeTrial(trial.id, result);
        await pruneKeptModelsIn(storage, modelsRoot, study);
      } else if (!outcome.ok && outcome.kind === 'pruned') {
        await storage.pruneTrial(trial.id, outcome.message, partial!);
      } else if (!outcome.ok && outcome.kind === 'interrupted') {
        // what it measured up to the stop counts in the campaign, as a failed trial's does
        await storage.interruptTrial(trial.id, outcome.message, partial!);
        reason = 'stopped';
        emit({ type: 'trial-end', trial: (await storage.getTrial(trial.id))!, done, budget, elapsedS: (Date.now() - t0) / 1000 });
        break;
      } else if (!outcome.ok) {
        await storage.failTrial(trial.id, outcome.kind, outcome.message, partial!, outcome.detail);
      }
      done = shared ? (await storage.getTrials(study.id, COUNTED)).length : done + 1;
      emit({ type: 'trial-end', trial: (await storage.getTrial(trial.id))!, done, budget, elapsedS: (Date.now() - t0) / 1000 });
    }
    emit({ type: 'study-end', reason, done, budget });
    return { study: (await storage.getStudy(study.id))!, reason, trials: await storage.getTrials(study.id) };
  } finally {
    if (runnerBeat) clearInterval(runnerBeat);
    clearInterval(trialBeat);
    if (staleBeat) clearInterval(staleBeat);
    if (ownMeters) meters.stop();
    await Promise.all(beats);
    if (!shared) await storage.releaseRunner(study.id, self);
  }
}

/** Names a command may print that ECOpt reads beside its metrics (kept as reported_*): not a misspelt objective. */
const READ_REPORTED = new Set(['artifact', 'test_accuracy', 'test_rmse', 'training_type', 'train_flops']);

/**
 * A trial that finished without a metric one of the study's objectives needs cannot be placed
 * on the front: it fails, saying which metric and how a command reports it. `attrKeys`: the
 * trial's attributes, whose `reported_*` are the names a command printed that are not ECOpt's.
 */
export function missingObjective(
  metrics: TrialRecord['metrics'],
  study: StudyRow,
  windows: readonly { phase: string; samples?: number }[],
  attrKeys: readonly string[] = [],
): { metric: string; message: string; noPhase: boolean } | null {
  for (const o of study.objectives) {
    if (Number.isFinite(metrics[o.metric])) continue;
    const metric = o.metric;
    if (metric.startsWith('infer_')) {
      const infer = windows.find((w) => w.phase === 'infer');
      if (metric === 'infer_samples_per_j' && infer?.samples && Number.isFinite(metrics.infer_energy_j_per_sample)) {
        return {
          metric,
          noPhase: false,
          message: `objective ${metric} has no value for this trial: its own inference energy was 0 J (its processes used no measurable CPU time while predicting; CPU time is read in 10 ms ticks), and ${infer.samples} predictions per 0 J is not a number. Make the inference phase longer (more predictions, or repeat them) so its CPU time can be read, or use the objective infer_energy_j_per_sample`,
        };
      }
      return infer
        ? { metric, noPhase: false, message: `objective ${metric} needs the number of predictions made in the inference phase: report it as "infer_samples" in the metrics line, e.g. {"accuracy": 0.93, "infer_samples": 1000}` }
        : { metric, noPhase: true, message: `objective ${metric} needs an inference phase: print {"phase": "infer"} before running predictions and report "infer_samples" in the metrics line` };
    }
    if (metric.startsWith('train_') && !windows.some((w) => w.phase === 'train')) {
      return { metric, noPhase: true, message: `objective ${metric} needs a training phase: print {"phase": "train"} before training` };
    }
    // what it printed under other names (walk 50: "acc" for accuracy, kept as reported_acc and not said)
    const other = attrKeys
      .filter((k) => k.startsWith('reported_'))
      .map((k) => k.slice('reported_'.length))
      .filter((n) => !READ_REPORTED.has(n) && !(METRIC_NAMES as string[]).includes(n));
    const near = other.find((n) => n.length >= 3 && (metric.startsWith(n) || n.includes(metric) || metric.startsWith(n.slice(0, 3))));
    const printed = other.length ? ` (its metrics line had ${other.slice(0, 6).map((n) => `"${n}"`).join(', ')}${other.length > 6 ? ', …' : ''}, which ${other.length === 1 ? 'is not one of' : 'are not'} ECOpt's metric names${near ? `: if "${near}" is the ${metric}, print it as "${metric}"` : ''})` : '';
    return { metric, noPhase: false, message: `objective ${metric} was not reported${printed}: print it in the metrics line, e.g. {"${metric}": 0.93}` };
  }
  return null;
}

/**
 * Marks interrupted the trials whose worker is gone (recoverStale), and stops what they left
 * running on this machine: a study process killed with -9 cannot stop its trial's processes
 * itself (the guard usually does), so any recorded process group of such a trial whose leader is
 * the same process (same start time, not a recycled pid) is stopped before the trial is re-run.
 * Only recovered trials: a live worker's trial on this machine is never touched.
 */
async function recover(storage: Storage, studyId: number, self: WorkerId, staleAfterMs: number): Promise<TrialRecord[]> {
  const recovered = await storage.recoverStale(studyId, self, staleAfterMs);
  for (const r of recovered) {
    const t = await storage.getTrial(r.id);
    // a process group on another machine is not this machine's to stop
    if (t?.host && t.host !== self.host) continue;
    const p = (await storage.getTrialAttrs(r.id)).process as TrialProcess | undefined;
    if (!p?.pgid) continue;
    const st = readProcStat(p.pgid);
    if (st && st.startTicks === p.startTicks) killGroup(p.pgid, 500);
  }
  return recovered;
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
