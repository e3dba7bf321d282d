/**
 * Trials from several machines in the app (#16): the explorer's and run view's trials carry their
 * host and hardware class; a study run on several hardware classes gets one front per class
 * (energy is compared only within one), the class with the most complete trials first and its
 * front as the view's `front`; a study on one machine is answered exactly as before.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Api } from '../../../src-main/api/handlers';
import type { ExploreView, StudyView, TrialView } from '../../../src-main/shared/contract';
import { frontTrials, hypervolumeHistory, hypervolumeSteps, parameterImportance } from '../../../src-main/shared/analysis';
import { fromColumns } from '../../../src-main/shared/columns';
import { SqliteStorage } from '../../../src-main/engine/store/sqlite-storage';
import { Store } from '../../../src-main/engine/store/store';
import { paybackLines, studyPayback } from '../../../src-main/engine/reports/payback';
import { tmpDir } from '../../helpers/tmp';
import { data, seedTwoClasses, A, B } from '../../helpers/two-classes';

const apis: Api[] = [];
afterEach(() => {
  while (apis.length) apis.pop()!.close();
});

async function twoClassStudy(): Promise<{ api: Api; dbPath: string }> {
  const dbPath = join(tmpDir(), 'several.db');
  const storage = new SqliteStorage(new Store(dbPath));
  await seedTwoClasses(storage);
  await storage.close();
  const api = new Api({ mode: 'serve', dbPath, emit: () => {} });
  apis.push(api);
  return { api, dbPath };
}

describe('a study run on several machines, in the app', () => {
  it('gives each trial its host and hardware class, in study.get, study.explore (as columns) and trial.get', async () => {
    const { api } = await twoClassStudy();
    const got = await data<StudyView>(api.dispatch('study.get', { name: 'spread' }));
    expect(got.trials.map((t) => [t.number, t.host, t.hardwareClass])).toEqual([
      [0, 'm1', A],
      [1, 'm1', A],
      [2, 'm1', A],
      [3, 'm2', B],
      [4, 'm3', B],
    ]);
    const ex = await data<ExploreView>(api.dispatch('study.explore', { name: 'spread' }));
    expect(ex.trials.host).toEqual(['m1', 'm1', 'm1', 'm2', 'm3']);
    expect(ex.trials.hardwareClass).toEqual([A, A, A, B, B]);
    expect(fromColumns(ex.trials).map((t) => t.host)).toEqual(['m1', 'm1', 'm1', 'm2', 'm3']);
    const one = await data<TrialView>(api.dispatch('trial.get', { name: 'spread', number: 3 }));
    expect([one.trial.host, one.trial.hardwareClass]).toEqual(['m2', B]);
    // the class by its label, and each window's start (the power trace marks the phases)
    expect(one.hardwareClassLabel).toBe('EPYC B');
    expect(one.windows.every((w) => Number.isFinite(w.startedAtMs))).toBe(true);
  });

  it('computes one front per hardware class server-side, the class with the most complete trials first and its front as `front`', async () => {
    const { api } = await twoClassStudy();
    for (const command of ['study.get', 'study.explore'] as const) {
      const v = await data<StudyView | ExploreView>(api.dispatch(command, { name: 'spread' }));
      expect(v.classes?.map((c) => [c.id, c.label, c.hosts, c.complete])).toEqual([
        [A, 'Xeon A', ['m1'], 3],
        [B, 'EPYC B', ['m2', 'm3'], 2],
      ]);
      // class B's trials dominate all of A's: one front over both would hold B's only
      const all = command === 'study.get' ? (v as StudyView).trials : fromColumns((v as ExploreView).trials);
      expect(frontTrials(all, v.objectives)).toEqual([3, 4]);
      expect(v.classes![0]!.front).toEqual([0, 1]);
      expect(v.classes![1]!.front).toEqual([3, 4]);
      expect(v.front).toEqual([0, 1]);
      // the hypervolume history and importance of each class, over its own trials only
      for (const c of v.classes!) {
        const own = all.filter((t) => t.hardwareClass === c.id);
        expect(c.hypervolume).toEqual(hypervolumeSteps(hypervolumeHistory(own, v.objectives)));
        expect(c.hypervolume.every((h) => own.some((t) => t.number === h.trial))).toBe(true);
        expect(c.importance).toEqual(parameterImportance(own, v.objectives));
      }
    }
  });

  it('answers a study of one machine as before: no classes, no host columns, one front', async () => {
    const dbPath = join(tmpDir(), 'one.db');
    const storage = new SqliteStorage(new Store(dbPath));
    await seedTwoClasses(storage, { onlyFirstClass: true });
    await storage.close();
    const api = new Api({ mode: 'serve', dbPath, emit: () => {} });
    apis.push(api);
    const ex = await data<ExploreView>(api.dispatch('study.explore', { name: 'spread' }));
    expect(ex.classes).toBeUndefined();
    expect(ex.front).toEqual([0, 1]);
    // one class still records its host: the columns carry it, the app shows no host column for one host
    expect(ex.trials.host).toEqual(['m1', 'm1', 'm1']);

    const plain = join(tmpDir(), 'plain.db');
    const s = new Store(plain);
    const study = s.createStudy((await import('../../helpers/two-classes')).spreadSpec());
    const t = s.createTrial(study.id, { units: 8 });
    s.startTrial(t.id);
    s.completeTrial(t.id, { metrics: { accuracy: 0.9, infer_energy_j_per_sample: 1 }, attrs: {}, windows: [], backend: 'synthetic', powerSamples: [] });
    s.close();
    const api2 = new Api({ mode: 'serve', dbPath: plain, emit: () => {} });
    apis.push(api2);
    const ex2 = await data<ExploreView>(api2.dispatch('study.explore', { name: 'spread' }));
    expect(Object.keys(ex2.trials).sort()).toEqual(['metrics', 'number', 'params', 'state']);
    expect(ex2.classes).toBeUndefined();
    const got2 = await data<StudyView>(api2.dispatch('study.get', { name: 'spread' }));
    expect([got2.trials[0]!.host, got2.trials[0]!.hardwareClass]).toEqual([null, null]);
  });
});

describe('the payback of a study run on several machines', () => {
  it('compares the chosen model with a trial of its own hardware class by default', async () => {
    const { api } = await twoClassStudy();
    // #3 is class B's most accurate: study-wide it would be compared with trial 0 (class A)
    const b = await data<{ payback: { referenceTrial: number; referenceReason: string } | null }>(api.dispatch('study.payback', { name: 'spread', trial: 3 }));
    expect(b.payback?.referenceTrial).toBe(4);
    // named by why the default picked it, not as a reference the user picked
    expect(b.payback?.referenceReason).not.toBe('the reference picked');
    const a = await data<{ payback: { referenceTrial: number } | null }>(api.dispatch('study.payback', { name: 'spread', trial: 1 }));
    expect(a.payback?.referenceTrial).toBe(0);
  });

  it("lists each class's front in show --payback, each model against a trial of its own class", async () => {
    const { dbPath } = await twoClassStudy();
    const store = new Store(dbPath, { readonly: true });
    try {
      const p = studyPayback(store, 'spread');
      // one front over both classes would hold B's only (#3, #4): each class's own instead
      expect(p.rows.map((r) => [r.chosenTrial, r.referenceTrial])).toEqual([
        [0, 0],
        [1, 0],
        [3, 4],
        [4, 3],
      ]);
      // #0 is A's most accurate and the study's first trial: the untuned model, never paid back
      expect(p.rows[0]).toMatchObject({ untuned: true, verdict: 'same-model' });
      // #3, B's most accurate: the study's first trial ran on A, so no untuned model on B; its reason says so
      expect(p.rows[2]!.referenceReason).toBe("the other trial of this hardware class using the least energy per prediction; the study's first trial ran on another");
      expect(paybackLines(p).join('\n')).not.toMatch(/#3\s+#0|#0\s+#3/);
      // a reference the user names on another class is refused, naming both classes
      expect(() => studyPayback(store, 'spread', { trials: [3], reference: 0 })).toThrow(`trial 0 ran on another hardware class than trial 3 (${A} and ${B}): energy is compared only within one; pick a reference of class ${B}`);
    } finally {
      store.close();
    }
  });
});
