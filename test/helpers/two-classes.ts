/** A study run by workers on three hosts of two hardware classes, written through any Storage. */
import type { Storage } from '../../src-main/engine/store/storage';
import { parseStudySpec, type StudySpec } from '../../src-main/shared/spec';

export const A = 'aaaa1111';
export const B = 'bbbb2222';

export function spreadSpec(name = 'spread'): StudySpec {
  const r = parseStudySpec({
    name,
    dataset: { builtin: 'digits' },
    space: { units: { type: 'int', low: 8, high: 512 } },
    objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
    trials: 20,
  });
  if (!r.ok) throw new Error('bad spec');
  return r.spec;
}

/** Adds one complete trial run on `host` of class `classId`. */
export async function addTrial(storage: Storage, studyId: number, host: string, classId: string, accuracy: number, j: number): Promise<number> {
  const t = await storage.claimTrial(studyId, { params: { units: Math.round(accuracy * 100) }, retryOf: null, worker: { host, pid: 100 }, hardwareClass: classId, budget: 20 });
  if (!t) throw new Error('budget full');
  await storage.completeTrial(t.id, { metrics: { accuracy, infer_energy_j_per_sample: j }, attrs: {}, windows: [], backend: 'synthetic', powerSamples: [] });
  return t.number;
}

/**
 * Class A (host m1): trials 0–2, front [0, 1]; class B (hosts m2, m3): trials 3–4, each better
 * than all of A's, so a front over both classes would be B's alone.
 */
export async function seedTwoClasses(storage: Storage, options: { onlyFirstClass?: boolean } = {}): Promise<number> {
  const study = await storage.createStudy(spreadSpec());
  await storage.putHardwareClass(study.id, A, { label: 'Xeon A', cpu: 'Xeon A' });
  await storage.putHardwareClass(study.id, B, { label: 'EPYC B', cpu: 'EPYC B' });
  await addTrial(storage, study.id, 'm1', A, 0.9, 1.0);
  await addTrial(storage, study.id, 'm1', A, 0.8, 0.5);
  await addTrial(storage, study.id, 'm1', A, 0.7, 2.0);
  if (!options.onlyFirstClass) {
    await addTrial(storage, study.id, 'm2', B, 0.95, 0.1);
    await addTrial(storage, study.id, 'm3', B, 0.85, 0.05);
  }
  return study.id;
}

export async function data<T>(p: Promise<{ ok: boolean; data?: unknown; error?: string }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error);
  return r.data as T;
}
