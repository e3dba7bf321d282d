/**
 * One front: `ecopt show` and the app list the same Pareto front for the same study, limits
 * included (the CLI used to compute its own, ignoring them).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Api } from '../../../src-main/api/handlers';
import { frontIndices } from '../../../src-main/cli/present';
import { LocalMeters } from '../../../src-main/engine/meters/window-meters';
import { MeterSet } from '../../../src-main/engine/meters/meter-set';
import { CpuTdpEstimateMeter } from '../../../src-main/engine/meters/estimate';
import { Store } from '../../../src-main/engine/store/store';
import { runStudy } from '../../../src-main/engine/study/study';
import { SqliteStorage } from '../../../src-main/engine/store/sqlite-storage';
import type { TrialRunner } from '../../../src-main/engine/trials/types';
import { parseStudySpec } from '../../../src-main/shared/spec';
import type { ExploreView, StudyView } from '../../../src-main/shared/contract';
import { quickSpec } from '../../helpers/specs';
import { tmpDir } from '../../helpers/tmp';

/** Accuracy and energy per sample scripted per trial; trial 3 is the most accurate but over the energy limit. */
const SCRIPT: Record<number, [number, number]> = { 0: [0.8, 1e-3], 1: [0.9, 2e-3], 2: [0.7, 0.5e-3], 3: [0.99, 9e-3], 4: [0.85, 3e-3] };
const runner: TrialRunner = {
  async run(input, meters) {
    meters.begin('t');
    const w = meters.end('t', 'train');
    const [accuracy, j] = SCRIPT[input.trialNumber]!;
    return { ok: true, result: { metrics: { accuracy, infer_energy_j_per_sample: j }, attrs: {}, windows: [w], backend: 'scripted', powerSamples: [] } };
  },
};

describe('one front', () => {
  it('the CLI and the app list the same front, with the study’s limits', async () => {
    const db = join(tmpDir(), 's.db');
    const parsed = parseStudySpec(
      quickSpec({ name: 'limits', trials: 5, objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample', threshold: 5e-3 }] }),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const store = new Store(db);
    await runStudy({ storage: new SqliteStorage(store), spec: parsed.spec, runner, meters: new LocalMeters(new MeterSet([new CpuTdpEstimateMeter()])) });
    const study = store.requireStudy('limits');
    const cli = frontIndices(study, store.getTrials(study.id)).map((t) => t.number);
    store.close();

    const api = new Api({ mode: 'serve', dbPath: db, emit: () => {} });
    const r = await api.dispatch('study.get', { name: 'limits' });
    // the explorer's own view (trials as columns) carries the same front
    const explorer = await api.dispatch('study.explore', { name: 'limits' });
    api.close();
    if (!r.ok) throw new Error(r.error);
    if (!explorer.ok) throw new Error(explorer.error);
    const app = (r.data as StudyView).front;
    expect(cli.sort()).toEqual([...app].sort());
    expect((explorer.data as ExploreView).front).toEqual(app);
    // trial 3 dominates on accuracy but breaks the 5 mJ limit: on neither front
    expect(cli).not.toContain(3);
    expect(cli.sort()).toEqual([0, 1, 2]);
  });
});
