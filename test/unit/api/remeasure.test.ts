/**
 * The explorer's "Re-measure" through the handlers, as the app calls them: refused while a study
 * runs on this machine or when a trial kept no model; otherwise the kept model's inference
 * measured again in the background, progress as events, the new windows stored beside the old.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../../../src-main/api/handlers';
import type { EventPayload } from '../../../src-main/shared/contract';
import { Store } from '../../../src-main/engine/store/store';
import { registerRun } from '../../../src-main/engine/study/machine-runs';
import { remeasuredComparison, remeasureVerdict } from '../../../src-main/shared/remeasure';
import { parseStudySpec } from '../../../src-main/shared/spec';
import { quickSpec } from '../../helpers/specs';
import { tmpDir } from '../../helpers/tmp';

let savedRunDir: string | undefined;
beforeEach(() => {
  // the machine's running studies, kept apart from any other test's
  savedRunDir = process.env.ECOPT_RUN_DIR;
  process.env.ECOPT_RUN_DIR = join(tmpDir(), 'running');
});
afterEach(() => {
  if (savedRunDir === undefined) delete process.env.ECOPT_RUN_DIR;
  else process.env.ECOPT_RUN_DIR = savedRunDir;
});

function spec(name: string) {
  const r = parseStudySpec(quickSpec({ name, trials: 1 }));
  if (!r.ok) throw new Error('bad spec');
  return r.spec;
}

describe('re-measurements beside the figure the front uses', () => {
  it('agree within ±20%, or disagree in words that say what to do', () => {
    const uj = (j: number) => `${Math.round(j * 1e6)} µJ`;
    expect(remeasureVerdict({ originalJ: 61e-6, againJ: [] }, uj)).toBeNull();
    expect(remeasureVerdict({ originalJ: 100e-6, againJ: [110e-6, 95e-6] }, uj)).toEqual({
      agrees: true,
      text: 're-measured 2 times since from its kept model: 110 µJ, 95 µJ per prediction, +3% (−5% … +10%) against the first figure (100 µJ), which the front and the budget pick use; they agree within ±20%',
    });
    const off = remeasureVerdict({ originalJ: 61e-6, againJ: [224e-6, 191e-6, 180e-6] }, uj)!;
    expect(off.agrees).toBe(false);
    expect(off.text).toMatch(/^re-measured 3 times since from its kept model: 224 µJ, 191 µJ, 180 µJ per prediction, \+225% \(\+195% … \+267%\) against the first figure \(61 µJ\), .* DISAGREE by more than ±20%: .*Re-measure on a quiet machine before relying on it$/);
  });

  it("says when re-measurements overturn the budget sentence's energy comparison (walk 40), and only then", () => {
    const uj = (j: number) => `${Math.round(j * 1e6)} µJ`;
    const first = new Map([[3, 166e-6], [8, 185e-6], [11, 148e-6]]);
    const means = new Map([[3, 136e-6], [8, 165e-6], [11, 171e-6]]);
    // pick #8; "the most frugal model within this limit is #11 … uses 20% less than #8"
    expect(remeasuredComparison([[8, 8], [11, 8]], (n) => first.get(n), means, uj)).toBe(
      "Re-measured since, the energy comparison above does not hold: #11's 171 µJ re-measured against #8's 165 µJ re-measured per prediction (means of the re-measurements). The front and the pick use the first figures: re-measure on a quiet machine before choosing between them by energy.",
    );
    // a comparison the re-measurements confirm, or one without any, says nothing
    expect(remeasuredComparison([[3, 8]], (n) => first.get(n), means, uj)).toBeNull();
    expect(remeasuredComparison([[11, 8]], (n) => first.get(n), new Map(), uj)).toBeNull();
    // one side re-measured: the other's first figure stands in, and says so
    expect(remeasuredComparison([[11, 8]], (n) => first.get(n), new Map([[11, 190e-6]]), uj)).toMatch(/#11's 190 µJ re-measured against #8's 185 µJ \(not re-measured\)/);
  });

  it('the explorer flags a trial whose re-measurements disagree (the budget pick and a banner say so), not one they confirm', async () => {
    const dir = tmpDir();
    const db = join(dir, 'studies.db');
    const s = new Store(db);
    const study = s.createStudy(spec('luck'));
    for (const [units, again] of [[4, [224e-6, 191e-6]], [8, [63e-6]]] as const) {
      const t = s.createTrial(study.id, { units, learning_rate: 0.01, epochs: 2 });
      s.startTrial(t.id);
      s.completeTrial(t.id, {
        metrics: { accuracy: 0.9, infer_energy_j_per_sample: 61e-6 },
        attrs: { remeasured: again.map((j, i) => ({ at: `2026-12-02T10:0${i}:00Z`, jPerSample: j, samples: 1000, spreadRel: null, windowId: 0, backend: 'wasm' })) },
        windows: [],
        backend: 'wasm',
        powerSamples: [],
      });
    }
    s.close();
    const a = new Api({ mode: 'serve', dbPath: db, emit: () => {} });
    try {
      const r = await a.dispatch('study.explore', { name: 'luck' });
      if (!r.ok) throw new Error(r.error);
      expect((r.data as { flagged: unknown }).flagged).toEqual([{ trial: 0, kinds: ['remeasure-disagrees'] }]);
    } finally {
      a.close();
    }
  });
});

describe('re-measuring from the explorer', () => {
  it('refuses while a study runs on this machine, naming it', async () => {
    const dir = tmpDir();
    const a = new Api({ mode: 'serve', dbPath: join(dir, 'studies.db'), emit: () => {} });
    const release = registerRun('busy-study', join(dir, 'other.db'));
    try {
      const r = await a.dispatch('trial.remeasure', { name: 'anything' });
      expect(r).toEqual({ ok: false, error: expect.stringMatching(/^cannot re-measure while a study is running on this machine \("busy-study" \(pid \d+, .*other\.db\)\): its work would be counted/) });
    } finally {
      release();
      a.close();
    }
  });

  it('refuses a trial that kept no model, and a trial that is not there', async () => {
    const dir = tmpDir();
    const db = join(dir, 'studies.db');
    const s = new Store(db);
    const study = s.createStudy(spec('nomodel'));
    const t = s.createTrial(study.id, { units: 4, learning_rate: 0.01, epochs: 2 });
    s.startTrial(t.id);
    s.completeTrial(t.id, { metrics: { accuracy: 0.9, infer_energy_j_per_sample: 1e-4 }, attrs: {}, windows: [], backend: 'cpu', powerSamples: [] });
    s.close();
    const a = new Api({ mode: 'serve', dbPath: db, emit: () => {} });
    try {
      expect(await a.dispatch('trial.remeasure', { name: 'nomodel', trials: [0] })).toEqual({ ok: false, error: expect.stringMatching(/trial 0 of "nomodel" has no kept model to re-measure/) });
      expect(await a.dispatch('trial.remeasure', { name: 'nomodel', trials: [7] })).toEqual({ ok: false, error: expect.stringMatching(/study "nomodel" has no trial 7/) });
      expect(await a.dispatch('trial.remeasure', { name: 'nomodel', repeats: 0 })).toEqual({ ok: false, error: expect.stringMatching(/^trial\.remeasure: repeats: /) });
    } finally {
      a.close();
    }
  });

  it('measures a kept model again in the background, with progress, storing the windows beside the first', async () => {
    const dir = tmpDir();
    const db = join(dir, 'studies.db');
    const events: EventPayload<'remeasure.progress'>[] = [];
    const a = new Api({ mode: 'serve', dbPath: db, emit: (name, payload) => name === 'remeasure.progress' && events.push(payload as EventPayload<'remeasure.progress'>) });
    try {
      expect(await a.dispatch('study.start', { spec: quickSpec({ name: 'again', trials: 1 }), skipIdle: true })).toMatchObject({ ok: true });
      // while the study runs, the same machine refuses to re-measure
      expect(await a.dispatch('trial.remeasure', { name: 'again' })).toEqual({ ok: false, error: expect.stringMatching(/a study is running on this machine \("again"/) });
      await a.idle();
      const started = await a.dispatch('trial.remeasure', { name: 'again', repeats: 2 });
      expect(started).toEqual({ ok: true, data: { trials: [0], repeats: 2 } });
      // one at a time, and no study starts meanwhile
      expect(await a.dispatch('trial.remeasure', { name: 'again' })).toEqual({ ok: false, error: expect.stringMatching(/being re-measured already/) });
      expect(await a.dispatch('study.start', { spec: quickSpec({ name: 'other', trials: 1 }), skipIdle: true })).toEqual({ ok: false, error: expect.stringMatching(/models of "again" are being re-measured on this machine: start the study when that has finished/) });
      await a.idle();
      expect(events.map((e) => `${e.state} ${e.done}/${e.total}`)).toEqual(['measuring 0/2', 'measured 1/2', 'measuring 1/2', 'measured 2/2', 'finished 2/2']);
      expect(events.every((e) => e.name === 'again' && e.dbPath === db)).toBe(true);
      const view = await a.dispatch('trial.get', { name: 'again', number: 0 });
      if (!view.ok) throw new Error(view.error);
      const t = view.data as { windows: { phase: string }[]; attrs: { remeasured?: { jPerSample: number }[] }; trial: { metrics: Record<string, number> } };
      expect(t.windows.filter((w) => w.phase === 'infer')).toHaveLength(3);
      expect(t.attrs.remeasured?.map((r) => r.jPerSample)).toEqual(events.filter((e) => e.state === 'measured').map((e) => e.jPerSample));
      expect(t.attrs.remeasured!.every((r) => r.jPerSample > 0)).toBe(true);
    } finally {
      a.close();
      await a.idle();
    }
  }, 240_000);
});
