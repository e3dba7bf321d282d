import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeterSet } from '../../../../src-main/engine/meters/meter-set';
import { CpuTdpEstimateMeter } from '../../../../src-main/engine/meters/estimate';
import { Store } from '../../../../src-main/engine/store/store';
import { differingFields, runStudy, type StudyEvent } from '../../../../src-main/engine/study/study';
import { SqliteStorage } from '../../../../src-main/engine/store/sqlite-storage';
import type { TrialOutcome, TrialRunner } from '../../../../src-main/engine/trials/types';
import { parseStudySpec, type StudySpec } from '../../../../src-main/shared/spec';
import { quickSpec } from '../../../helpers/specs';
import { tmpDir } from '../../../helpers/tmp';

function spec(overrides = {}): StudySpec {
  const r = parseStudySpec(quickSpec(overrides));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

/** A runner scripted per trial number: the study loop is what is under test here. */
function scripted(script: Record<number, 'throw' | 'nan' | 'ok' | 'hang'>): TrialRunner {
  return {
    async run(input, meters, signal) {
      const kind = script[input.trialNumber] ?? 'ok';
      meters.begin('t');
      if (kind === 'hang') {
        await new Promise((r) => signal.addEventListener('abort', r));
        // what it measured up to the stop, as the process runner hands it back
        return { ok: false, kind: 'interrupted', message: 'stopped by the user', partial: { windows: [meters.end('t', 'train')] } };
      }
      const w = meters.end('t', 'train');
      if (kind === 'throw') return { ok: false, kind: 'exception', message: 'the model blew up', partial: { windows: [w] } };
      if (kind === 'nan') return { ok: false, kind: 'nan', message: 'training loss became NaN at epoch 2; lower the learning rate', partial: {} };
      const out: TrialOutcome = {
        ok: true,
        result: {
          metrics: { accuracy: 0.5 + input.trialNumber / 100, infer_energy_j_per_sample: 1e-3 / (input.trialNumber + 1) },
          attrs: {},
          windows: [w],
          backend: 'scripted',
          powerSamples: [],
        },
      };
      return out;
    },
  };
}

const meters = () => new MeterSet([new CpuTdpEstimateMeter()]);

describe('study loop', () => {
  it('isolates failures: a trial that throws or goes NaN is stored failed with its reason and the study goes on', async () => {
    const store = new Store(join(tmpDir(), 's.db'));
    const outcome = await runStudy({ storage: new SqliteStorage(store), spec: spec({ trials: 5 }), runner: scripted({ 1: 'throw', 3: 'nan' }), meters: meters() });
    expect(outcome.reason).toBe('budget');
    expect(outcome.trials.map((t) => t.state)).toEqual(['complete', 'failed', 'complete', 'failed', 'complete']);
    expect(outcome.trials[1]!.failure).toEqual({ kind: 'exception', message: 'the model blew up' });
    expect(outcome.trials[3]!.failure!.message).toMatch(/NaN.*lower the learning rate/);
    // what the failed trial measured before failing is kept
    expect(store.getWindows({ trialId: outcome.trials[1]!.id })).toHaveLength(1);
    store.close();
  });

  it('stops on abort, marks the running trial interrupted, and re-runs it with the same parameters on resume', async () => {
    const path = join(tmpDir(), 's.db');
    const store = new Store(path);
    const controller = new AbortController();
    const first = runStudy({
      storage: new SqliteStorage(store),
      spec: spec({ trials: 4 }),
      runner: scripted({ 2: 'hang' }),
      meters: meters(),
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'trial-start' && e.trial.number === 2) setTimeout(() => controller.abort(), 20);
      },
    });
    const stopped = await first;
    expect(stopped.reason).toBe('stopped');
    expect(stopped.trials.map((t) => t.state)).toEqual(['complete', 'complete', 'interrupted']);
    // its energy up to the stop is kept and counts in the campaign (walk 40: Ctrl-C stored nothing, and the report blamed a killed process)
    expect(store.getWindows({ trialId: stopped.trials[2]!.id })).toHaveLength(1);
    expect(store.getTrials(stopped.study.id)[2]!.failure).toEqual({ kind: 'interrupted', message: 'stopped by the user' });
    const before = stopped.trials.slice(0, 2);

    const resumed = await runStudy({ storage: new SqliteStorage(store), spec: spec({ trials: 4 }), runner: scripted({}), meters: meters() });
    expect(resumed.reason).toBe('budget');
    const t = resumed.trials;
    expect(t.map((x) => x.state)).toEqual(['complete', 'complete', 'interrupted', 'complete', 'complete']);
    expect(t[3]!.retryOf).toBe(t[2]!.id);
    expect(t[3]!.params).toEqual(t[2]!.params);
    // finished trials are untouched, and the new proposal is the one an uninterrupted run makes next
    expect(t.slice(0, 2)).toEqual(before);
    const straight = await runStudy({
      storage: new SqliteStorage(new Store(join(tmpDir(), 'straight.db'))),
      spec: spec({ trials: 4 }),
      runner: scripted({}),
      meters: meters(),
    });
    expect(t[4]!.params).toEqual(straight.trials[3]!.params);
    store.close();
  });

  it('stores a trial the pruner stops as pruned, with the reason and what it measured', async () => {
    const store = new Store(join(tmpDir(), 's.db'));
    const pruningRunner: TrialRunner = {
      async run(input, meters, signal, onEvent) {
        if (input.trialNumber < 4) return scripted({}).run(input, meters, signal, onEvent);
        // a big model stuck at 10%: dominated by the cheap, accurate trials before it
        meters.begin('t');
        const reason = input.shouldPrune?.({ epoch: 3, epochs: 10, accuracies: [0.1, 0.1, 0.1], flopsPerInference: 1e9 });
        const w = meters.end('t', 'train');
        if (reason) return { ok: false, kind: 'pruned', message: reason, partial: { windows: [w] } };
        return { ok: false, kind: 'exception', message: 'not pruned', partial: {} };
      },
    };
    // scripted trials report no FLOPs: give them some so energy can be predicted from FLOPs
    const withFlops: TrialRunner = {
      async run(input, meters, signal, onEvent) {
        const out = await pruningRunner.run(input, meters, signal, onEvent);
        if (out.ok) out.result.metrics.flops_per_inference = 1e4 / (input.trialNumber + 1); // energy ∝ FLOPs
        return out;
      },
    };
    const outcome = await runStudy({ storage: new SqliteStorage(store), spec: spec({ trials: 5, pruning: { enabled: true, minTrials: 3 } }), runner: withFlops, meters: meters() });
    const last = outcome.trials[4]!;
    expect(last.state).toBe('pruned');
    expect(last.failure).toEqual({ kind: 'pruned', message: expect.stringMatching(/predicted .* to be dominated by trial \d/) });
    expect(store.getWindows({ trialId: last.id })).toHaveLength(1);
    store.close();
  });

  it('a shared worker whose trial was taken for dead drops its own result and goes on; the re-run counts', async () => {
    const store = new Store(join(tmpDir(), 's.db'));
    const storage = new SqliteStorage(store);
    const base = scripted({});
    let stolen = false;
    // while trial 1 runs, another worker decides this one is dead (its heartbeat went stale)
    const runner: TrialRunner = {
      async run(input, m, signal, onEvent) {
        if (input.trialNumber === 1 && !stolen) {
          stolen = true;
          const t = store.getTrialByNumber(store.findStudy(spec().name)!.id, 1)!;
          store.interruptTrial(t.id, 'the process running this trial stopped before it finished');
        }
        return base.run(input, m, signal, onEvent);
      },
    };
    const outcome = await runStudy({ storage, spec: spec({ trials: 3 }), runner, meters: meters(), mode: 'shared' });
    expect(outcome.reason).toBe('budget');
    const states = outcome.trials.map((t) => [t.number, t.state, t.retryOf === null ? null : outcome.trials.find((o) => o.id === t.retryOf)!.number]);
    // trial 1 stays interrupted with nothing stored; trial 2 re-runs it, and the budget of 3 is met
    expect(states).toEqual([
      [0, 'complete', null],
      [1, 'interrupted', null],
      [2, 'complete', 1],
      [3, 'complete', null],
    ]);
    expect(outcome.trials[1]!.metrics).toEqual({});
    expect(outcome.trials[2]!.params).toEqual(outcome.trials[1]!.params);
    store.close();
  });

  it('two shared workers take the study\'s own proposals in turn: the start-up points `ecopt tune` would try, none twice', async () => {
    const sharedSpec = spec({ name: 'pair', trials: 8, sampler: 'auto', space: { activation: { type: 'categorical', choices: ['relu', 'tanh'] }, units: { type: 'int', low: 4, high: 32 } } });
    // both workers ask, then claim, at the same moments: one proposal of each pair is refused and asked again
    const slow = scripted({});
    const ran = [0, 0];
    const runner = (w: number): TrialRunner => ({
      async run(input, m, signal, onEvent) {
        ran[w]!++;
        await new Promise((r) => setTimeout(r, 20));
        return slow.run(input, m, signal, onEvent);
      },
    });
    const path = join(tmpDir(), 'shared.db');
    const workers = [new Store(path), new Store(path)];
    await Promise.all(workers.map((store, w) => runStudy({ storage: new SqliteStorage(store), spec: sharedSpec, runner: runner(w), meters: meters(), mode: 'shared' })));
    expect(Math.min(...ran)).toBeGreaterThanOrEqual(2);
    const shared = workers[0]!.getTrials(workers[0]!.requireStudy('pair').id);
    for (const w of workers) w.close();
    const alone = new Store(join(tmpDir(), 'alone.db'));
    const solo = (await runStudy({ storage: new SqliteStorage(alone), spec: sharedSpec, runner: scripted({}), meters: meters() })).trials;
    alone.close();
    const key = (t: { params: unknown }) => JSON.stringify(t.params);
    expect(shared).toHaveLength(8);
    // the same 8 start-up points as one process asking alone, each once: both activations tried by both
    expect(shared.map(key).sort()).toEqual(solo.map(key).sort());
    expect(new Set(shared.map(key)).size).toBe(8);
    expect(new Set(shared.map((t) => t.params.activation))).toEqual(new Set(['relu', 'tanh']));
  });

  it('names where two study definitions differ', () => {
    expect(differingFields({ space: { units: { low: 4, high: 32 } }, objectives: [{ metric: 'accuracy' }] }, { space: { units: { low: 4, high: 64 } }, objectives: [{ metric: 'loss' }] })).toEqual([
      'space.units.high: 32 in the study, 64 in this file',
      'objectives[0].metric: "accuracy" in the study, "loss" in this file',
    ]);
    expect(differingFields({ a: 1 }, { a: 1, b: true })).toEqual(['b: absent in the study, true in this file']);
  });

  it('refuses to resume a study whose definition changed, but accepts a larger budget', async () => {
    const store = new Store(join(tmpDir(), 's.db'));
    await runStudy({ storage: new SqliteStorage(store), spec: spec({ trials: 1 }), runner: scripted({}), meters: meters() });
    await expect(
      runStudy({ storage: new SqliteStorage(store), spec: spec({ trials: 2, seed: 99 }), runner: scripted({}), meters: meters() }),
    ).rejects.toThrow(/already exists .* with a different definition \(seed: \d+ in the study, 99 in this file\); give this one another "name", or resume/);
    const events: StudyEvent[] = [];
    const more = await runStudy({ storage: new SqliteStorage(store), spec: spec({ trials: 2 }), runner: scripted({}), meters: meters(), onEvent: (e) => events.push(e) });
    expect(more.trials).toHaveLength(2);
    // the budget it had is said, so a worker's file cannot change it unnoticed
    expect(events.find((e) => e.type === 'study-start')).toMatchObject({ resumed: true, budget: 2, budgetFrom: 1 });
    store.close();
  });

  it('runs real trials as child processes, and stores a trial that exceeds its time limit as failed', async () => {
    const store = new Store(join(tmpDir(), 's.db'));
    // 4 epochs of iris's ~105 training rows in batches of 16 (7 steps each): enough to be
    // projected while training, from whole epochs
    const space = { ...quickSpec().space, epochs: { type: 'fixed', value: 4 }, batch_size: { type: 'fixed', value: 16 } };
    const outcome = await runStudy({ storage: new SqliteStorage(store), spec: spec({ trials: 2, space }) });
    expect(outcome.trials.map((t) => t.state)).toEqual(['complete', 'complete']);
    const t = outcome.trials[0]!;
    expect(t.metrics.accuracy).toBeGreaterThan(0);
    expect(t.metrics.infer_energy_j_per_sample).toBeGreaterThan(0);
    expect(t.metrics.infer_samples_per_j).toBeCloseTo(1 / t.metrics.infer_energy_j_per_sample!, 6);
    expect(t.metrics.train_energy_j).toBeGreaterThan(0);
    expect(t.metrics.param_count).toBeGreaterThan(0);
    expect(t.metrics.flops_per_inference).toBeGreaterThan(0);
    const windows = store.getWindows({ trialId: t.id });
    expect(windows.map((w) => w.phase)).toEqual(['train', 'infer', 'evaluate']);
    expect(windows[1]!.durationS).toBeGreaterThanOrEqual(0.2);
    for (const w of windows) for (const d of w.domains) expect(d.provenance.method).toBe('estimated');
    expect(store.getStudy(outcome.study.id)!.backend).toBe('wasm');
    expect(store.getTrialAttrs(t.id)).toMatchObject({ infer_batch_size: 64 });
    // the short-profile projection is stored beside the actual training figures
    const proj = store.getTrialAttrs(outcome.trials[1]!.id).train_projection as Record<string, number | string> | undefined;
    expect(proj).toMatchObject({ projectedEnergyJ: expect.any(Number), projectedDurationS: expect.any(Number), actualDurationS: expect.any(Number) });
    // the trial's own energy so far (its CPU time read as it runs) was projected, so it is
    // compared with the trial's own figure
    expect(proj).toMatchObject({ energyOf: 'trial' });
    expect(proj!.actualEnergyJ).toBe(outcome.trials[1]!.metrics.train_energy_j);
    // every trial window carries the trial's own CPU time and its attributed share
    for (const w of windows) {
      expect(w.cpu!.treeS).toBeGreaterThan(0);
      for (const d of w.domains) expect(d.attributedEnergyJ!).toBeLessThanOrEqual(d.energyJ);
    }

    const slow = await runStudy({ storage: new SqliteStorage(store), spec: spec({ name: 'slow', trials: 1, trial: { timeoutS: 0.05, minInferS: 0.2, inferBatchSize: 64 } }) });
    expect(slow.trials[0]).toMatchObject({ state: 'failed', failure: { kind: 'timeout' } });
    expect(slow.trials[0]!.failure!.message).toMatch(/longer than its 0.05 s limit.*raise trial.timeoutS/);
    store.close();
  });
});
