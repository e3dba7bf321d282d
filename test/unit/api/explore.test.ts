/**
 * The frontier explorer's view of a study (study.explore): the same trials, front and figures as
 * study.get, with the trials sent as columns, and never stale: a trial finished after the view was
 * read is in the next one, though the server keeps the study's analysis between reads.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Api } from '../../../src-main/api/handlers';
import type { ExploreView, StudyView } from '../../../src-main/shared/contract';
import { hypervolumeSteps } from '../../../src-main/shared/analysis';
import { fromColumns, toColumns, type TrialLike } from '../../../src-main/shared/columns';
import { parseStudySpec } from '../../../src-main/shared/spec';
import { Store } from '../../../src-main/engine/store/store';
import { tmpDir } from '../../helpers/tmp';
import { otherLoadText } from '../../../src-main/shared/meter-words';

function seeded(dbPath: string, n: number): { store: Store; studyId: number; add: (units: number, accuracy: number, j: number) => void } {
  const store = new Store(dbPath);
  const r = parseStudySpec({
    name: 'grid',
    dataset: { builtin: 'digits' },
    space: { units: { type: 'int', low: 8, high: 512 } },
    objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
    trials: n,
  });
  if (!r.ok) throw new Error('bad spec');
  const study = store.createStudy(r.spec);
  const add = (units: number, accuracy: number, j: number) => {
    const t = store.createTrial(study.id, { units });
    store.startTrial(t.id);
    store.completeTrial(t.id, { metrics: { accuracy, infer_energy_j_per_sample: j }, attrs: {}, windows: [], backend: 'synthetic', powerSamples: [] });
  };
  return { store, studyId: study.id, add };
}

async function data<T>(p: Promise<{ ok: boolean; data?: unknown; error?: string }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error);
  return r.data as T;
}

describe('study.get', () => {
  it("carries each trial's guess-level figure for the trials table to mark (walk 49)", async () => {
    const dbPath = join(tmpDir(), 'studies.db');
    const { store, studyId } = seeded(dbPath, 3);
    const done = (accuracy: number, attrs: Record<string, unknown>) => {
      const t = store.createTrial(studyId, { units: 8 });
      store.startTrial(t.id);
      store.completeTrial(t.id, { metrics: { accuracy, infer_energy_j_per_sample: 1e-4 }, attrs, windows: [], backend: 'synthetic', powerSamples: [] });
    };
    done(0.52, { guess_accuracy: { validation: 0.44, test: 0.4 } });
    done(0.9, {});
    store.close();
    const api = new Api({ mode: 'serve', dbPath, emit: () => {} });
    const view = await data<StudyView>(api.dispatch('study.get', { name: 'grid' }));
    expect(view.guesses).toEqual([{ trial: 0, validation: 0.44 }]);
    api.close();
  });
});

describe("other programs' work beside the measurements (walk 50: the app said nothing of it)", () => {
  it('lists the trials measured beside it and the baseline taken under load, in study.get and study.explore alike', async () => {
    const dbPath = join(tmpDir(), 'studies.db');
    const { store, studyId } = seeded(dbPath, 3);
    const prov = { method: 'estimated' as const, source: 'cpu-tdp-estimate', model: 'tdp-linear-utilisation', inputs: {}, uncertaintyRel: 0.6 };
    const run = (busyS: number) => {
      const t = store.createTrial(studyId, { units: 8 });
      store.startTrial(t.id);
      // 2 cores × 10 s: the trial's processes used 2 CPU-seconds, the machine was busy `busyS`
      const windows = [{ phase: 'train' as const, startedAtMs: 0, durationS: 10, domains: [{ domain: 'cpu-package', energyJ: 100, provenance: prov }], cpu: { treeS: 2, machineBusyS: busyS, cores: 2 } }];
      store.completeTrial(t.id, { metrics: { accuracy: 0.9, infer_energy_j_per_sample: 1e-4 }, attrs: {}, windows, backend: 'synthetic', powerSamples: [] });
    };
    run(10); // others (10 − 2) / 20 = 40%
    run(3); // 5%: quiet enough
    const message = 'the CPUs were 88% busy while the baseline was taken';
    store.insertWindow(studyId, null, { phase: 'idle', startedAtMs: 0, durationS: 3, domains: [{ domain: 'cpu-package', energyJ: 30, provenance: prov }], flags: [{ domain: 'cpu-package', kind: 'baseline-under-load', message }] });
    store.close();
    const api = new Api({ mode: 'serve', dbPath, emit: () => {} });
    const view = await data<StudyView>(api.dispatch('study.get', { name: 'grid' }));
    expect(view.load).toEqual({ trials: [{ trial: 0, others: 0.4 }], baselineUnderLoad: message });
    expect((await data<ExploreView>(api.dispatch('study.explore', { name: 'grid' }))).load).toEqual(view.load);
    expect(otherLoadText(view.load)).toBe(
      "Other programs were busy on this machine while the study measured. The latest idle baseline: the CPUs were 88% busy while the baseline was taken. Trial #0 (40%) was measured while other programs kept over 10% of the CPUs busy (the most, in training or inference): its own figures leave that work out by CPU time, the whole machine's include it, and it may read differently on a quiet machine. For the truest figures, run studies on an otherwise idle machine.",
    );
    expect(otherLoadText({ trials: [], baselineUnderLoad: null })).toBeNull();
    api.close();
  });
});

describe('study.explore', () => {
  it('carries what study.get does, the trials as columns and the hypervolume as its steps', async () => {
    const dbPath = join(tmpDir(), 'studies.db');
    const { store, add } = seeded(dbPath, 6);
    add(16, 0.8, 2e-4);
    add(64, 0.9, 5e-4);
    add(32, 0.7, 6e-4);
    add(128, 0.95, 9e-4);
    store.close();
    const api = new Api({ mode: 'serve', dbPath, emit: () => {} });
    const full = await data<StudyView>(api.dispatch('study.get', { name: 'grid' }));
    const view = await data<ExploreView>(api.dispatch('study.explore', { name: 'grid' }));
    expect(fromColumns(view.trials)).toEqual(full.trials.map((t) => ({ number: t.number, state: t.state, params: t.params, metrics: t.metrics })));
    expect(view.front).toEqual([0, 1, 3]);
    expect(view.front).toEqual(full.front);
    expect(view.hypervolume).toEqual(hypervolumeSteps(full.hypervolume));
    expect(view.importance).toEqual(full.importance);
    api.close();
  });

  it('shows a trial finished after the last read', async () => {
    const dbPath = join(tmpDir(), 'studies.db');
    const { store, add } = seeded(dbPath, 6);
    add(16, 0.8, 2e-4);
    add(64, 0.9, 5e-4);
    const api = new Api({ mode: 'serve', dbPath, emit: () => {} });
    expect((await data<ExploreView>(api.dispatch('study.explore', { name: 'grid' }))).front).toEqual([0, 1]);
    // written through another connection, as a study running in another process would
    add(8, 0.95, 1e-4);
    const after = await data<ExploreView>(api.dispatch('study.explore', { name: 'grid' }));
    expect(after.trials.number).toEqual([0, 1, 2]);
    expect(after.front).toEqual([2]);
    expect((await data<StudyView>(api.dispatch('study.get', { name: 'grid' }))).trials).toHaveLength(3);
    store.close();
    api.close();
  });
});

describe('trial columns', () => {
  it('round-trips trials with missing parameters and metrics', () => {
    const trials: TrialLike[] = [
      { number: 0, state: 'complete', params: { a: 1, kind: 'x' }, metrics: { accuracy: 0.5 } },
      { number: 1, state: 'failed', params: { a: 2 }, metrics: {} },
      { number: 2, state: 'complete', params: { a: 3, kind: 'y' }, metrics: { accuracy: 0.7, train_energy_j: 3 } },
    ];
    const c = toColumns(trials);
    expect(c.metrics.train_energy_j).toEqual([null, null, 3]);
    expect(fromColumns(JSON.parse(JSON.stringify(c)))).toEqual(trials);
  });
});
