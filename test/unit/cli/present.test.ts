/** What `ecopt show` prints above its tables. */
import { describe, expect, it } from 'vitest';
import { objectivesLine, trialsTable } from '../../../src-main/cli/present';
import type { StudyRow } from '../../../src-main/engine/store/store';
import type { TrialRecord } from '../../../src-main/shared/types';

describe('ecopt show', () => {
  it('heads the objectives in the units the tables print: accuracy in %, limits too', () => {
    const objectives = [
      { metric: 'accuracy' as const, direction: 'maximize' as const, unit: 'fraction', threshold: 0.9 },
      { metric: 'infer_energy_j_per_sample' as const, direction: 'minimize' as const, unit: 'J', threshold: 0.002 },
    ];
    expect(objectivesLine({ objectives })).toBe('Objectives: Accuracy (%) maximize, limit 90.0%; Inference energy per prediction (J) minimize, limit 2 mJ');
  });

  it("names a regression's units by its target column, where the study has one", () => {
    const objectives = [{ metric: 'rmse' as const, direction: 'minimize' as const, unit: 'target units' }];
    const csv = { dataset: { csv: 'houses.csv', target: 'price_keur' } } as unknown as StudyRow['spec'];
    expect(objectivesLine({ objectives, spec: csv })).toBe('Objectives: Root-mean-square error (regression) (units of "price_keur") minimize');
    const byNumber = { dataset: { csv: 'houses.csv', target: '3' } } as unknown as StudyRow['spec'];
    expect(objectivesLine({ objectives, spec: byNumber })).toBe('Objectives: Root-mean-square error (regression) (units of the target (column 3)) minimize');
    expect(objectivesLine({ objectives })).toBe("Objectives: Root-mean-square error (regression) (target's units) minimize");
  });
});

describe('ecopt show, the trials table', () => {
  it('says when a running trial has had no heartbeat for a while, and which trial a re-run re-ran', () => {
    const objectives = [{ metric: 'accuracy' as const, direction: 'maximize' as const, unit: 'fraction' }];
    const base = { params: { x: 1 }, backend: null, createdAt: '', startedAt: null, finishedAt: null, failure: null, host: 'rack-2' };
    const trials = [
      { ...base, id: 10, number: 0, state: 'interrupted' as const, metrics: {}, retryOf: null, heartbeatMs: Date.now() - 60_000 },
      { ...base, id: 11, number: 1, state: 'running' as const, metrics: {}, retryOf: null, heartbeatMs: Date.now() - 7_000 },
      { ...base, id: 12, number: 2, state: 'running' as const, metrics: {}, retryOf: 10, heartbeatMs: Date.now() - 500 },
    ];
    const out = trialsTable({ objectives } as unknown as StudyRow, trials as unknown as TrialRecord[], { maxWidth: 400 });
    expect(out).toMatch(/running \(no heartbeat for [78] s: its worker may be gone\)/);
    expect(out).toMatch(/running \(re-run of #0\)/);
    expect(out.match(/no heartbeat/g)).toHaveLength(1);
  });
});
