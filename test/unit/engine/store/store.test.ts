import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../../src-main/engine/store/store';
import { parseStudySpec, type StudySpec } from '../../../../src-main/shared/spec';
import { quickSpec } from '../../../helpers/specs';
import { tmpDir } from '../../../helpers/tmp';

const spec = (() => {
  const r = parseStudySpec(quickSpec());
  if (!r.ok) throw new Error('bad spec');
  return r.spec as StudySpec;
})();

function fresh(): Store {
  return new Store(join(tmpDir(), 's.db'));
}

describe('store', () => {
  it('walks a trial through its state machine and refuses illegal moves', () => {
    const store = fresh();
    const study = store.createStudy(spec);
    const t = store.createTrial(study.id, { units: 4 });
    expect(t.state).toBe('queued');
    expect(t.number).toBe(0);
    store.startTrial(t.id);
    store.failTrial(t.id, 'exception', 'boom');
    expect(store.getTrial(t.id)).toMatchObject({ state: 'failed', failure: { kind: 'exception', message: 'boom' } });
    expect(() => store.startTrial(t.id)).toThrow(/cannot go from failed to running/);
    store.close();
  });

  it('stores no result when a write fails half-way: the trial stays running', () => {
    const store = fresh();
    const study = store.createStudy(spec);
    const t = store.createTrial(study.id, {});
    store.startTrial(t.id);
    expect(() =>
      store.completeTrial(t.id, { metrics: { accuracy: 0.5, loss: NaN }, attrs: {}, windows: [], backend: 'cpu', powerSamples: [] }),
    ).toThrow(/not a finite number/);
    expect(store.getTrial(t.id)).toMatchObject({ state: 'running', metrics: {} });
    store.close();
  });

  it('refuses an energy figure without provenance', () => {
    const store = fresh();
    const study = store.createStudy(spec);
    expect(() =>
      store.db
        .prepare("INSERT INTO windows (study_id, phase, started_at_ms, duration_s) VALUES (?, 'idle', 0, 1)")
        .run(study.id),
    ).not.toThrow();
    expect(() =>
      store.db.prepare("INSERT INTO window_energy (window_id, domain, energy_j, method, source) VALUES (1, 'cpu', 1, 'estimated', 'x')").run(),
    ).toThrow(/CHECK constraint failed/);
    store.close();
  });

  it('marks trials left running by a dead process interrupted and offers them for re-run once', () => {
    const store = fresh();
    const study = store.createStudy(spec);
    const a = store.createTrial(study.id, { units: 5 });
    store.startTrial(a.id);
    const recovered = store.recoverInterrupted(study.id);
    expect(recovered.map((t) => t.state)).toEqual(['interrupted']);
    expect(store.pendingRetries(study.id).map((t) => t.id)).toEqual([a.id]);
    store.createTrial(study.id, { units: 5 }, a.id);
    expect(store.pendingRetries(study.id)).toEqual([]);
    store.close();
  });

  it('lets one process run a study at a time', () => {
    const store = fresh();
    const study = store.createStudy(spec);
    store.acquireRunner(study.id, process.pid);
    // the parent of this test process is alive and is not us
    expect(() => store.acquireRunner(study.id, process.ppid)).toThrow(/being run by another ECOpt process \(pid \d+\)/);
    store.releaseRunner(study.id, process.pid);
    expect(() => store.acquireRunner(study.id, process.ppid)).not.toThrow();
    store.close();
  });
});
