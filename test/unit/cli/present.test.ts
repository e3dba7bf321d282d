/** What `ecopt show` prints above its tables. */
import { describe, expect, it } from 'vitest';
import { objectivesLine, projectionLines, trialsTable } from '../../../src-main/cli/present';
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

  it('marks a model at guessing level beside its validation accuracy, and says what the mark means once (walk 49)', () => {
    const objectives = [
      { metric: 'accuracy' as const, direction: 'maximize' as const, unit: 'fraction' },
      { metric: 'infer_energy_j_per_sample' as const, direction: 'minimize' as const, unit: 'J' },
    ];
    const base = { params: { x: 1 }, backend: null, createdAt: '', startedAt: null, finishedAt: null, failure: null, retryOf: null, state: 'complete' as const };
    const trials = [
      { ...base, id: 1, number: 0, metrics: { accuracy: 0.52, infer_energy_j_per_sample: 1e-4 } },
      { ...base, id: 2, number: 1, metrics: { accuracy: 0.9, infer_energy_j_per_sample: 2e-4 } },
      { ...base, id: 3, number: 2, metrics: { accuracy: 0.3, infer_energy_j_per_sample: 2e-4 } },
    ];
    const guesses = new Map([[0, 0.44], [1, 0.44], [2, 0.44]]);
    const out = trialsTable({ objectives } as unknown as StudyRow, trials as unknown as TrialRecord[], { maxWidth: 400 }, guesses);
    const row = (n: number) => out.split('\n').find((l) => l.startsWith(`${n} `))!;
    // 0.52 closes (0.52 − 0.44) / 0.56 = 14% of the gap: marked; 0.9 is not; below guessing is marked too
    expect(row(0)).toContain('52.0% ⚠ guess-level (44.0%)');
    expect(row(1)).not.toContain('guess-level');
    expect(row(2)).toContain('30.0% ⚠ guess-level (44.0%)');
    expect(out.match(/always answering the most frequent class/g)).toHaveLength(1);
    // no figure recorded (command trials, older studies): nothing marked, no note
    expect(trialsTable({ objectives } as unknown as StudyRow, trials as unknown as TrialRecord[], { maxWidth: 400 })).not.toContain('guess-level');
  });
});

describe('ecopt show --projections', () => {
  it("says a command study's trials are never projected, not that none is yet (walk 50)", () => {
    expect(projectionLines([], {}, true)).toEqual(["Projections: none for a command study. Only the built-in trainer projects a trial's whole training while it trains; a command's training is its own."]);
    expect(projectionLines([])[0]).toMatch(/^Projections: no trial of this study has one yet/);
  });
});
