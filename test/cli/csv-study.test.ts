import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src-main/engine/store/store';
import { ROOT, runCli } from '../helpers/cli';
import { quickSpec, writeSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';

describe('studies on a user CSV file', () => {
  it('trains classifiers and regressors on it, the path taken relative to the study file', async () => {
    const dir = tmpDir();
    copyFileSync(join(ROOT, 'test/fixtures/csv/people.csv'), join(dir, 'people.csv'));
    copyFileSync(join(ROOT, 'test/fixtures/csv/linear-noheader.csv'), join(dir, 'linear.csv'));
    const db = join(dir, 's.db');
    // an easy rule (tall = height > 160): enough training to learn it, so accuracy says something
    const space = { units: { type: 'fixed', value: 16 }, learning_rate: { type: 'float', low: 0.01, high: 0.03 }, epochs: { type: 'fixed', value: 60 } } as const;
    const cls = writeSpec(dir, quickSpec({ name: 'people', dataset: { csv: 'people.csv', target: 'label' }, space, trials: 2 }), 'people.json');
    const reg = writeSpec(
      dir,
      quickSpec({ name: 'linear', dataset: { csv: 'linear.csv', target: '3' }, objectives: [{ metric: 'rmse' }, { metric: 'infer_energy_j_per_sample' }], trials: 2 }),
      'linear.json',
    );
    expect((await runCli(['tune', cls, '--db', db])).code).toBe(0);
    expect((await runCli(['tune', reg, '--db', db])).code).toBe(0);
    const store = new Store(db, { readonly: true });
    const people = store.getTrials(store.requireStudy('people').id);
    const linear = store.getTrials(store.requireStudy('linear').id);
    expect(store.listStudies().map((s) => s.dataset)).toEqual(['csv:people.csv', 'csv:linear.csv']);
    store.close();
    expect(people.map((t) => t.state)).toEqual(['complete', 'complete']);
    // the study seed fixes the split, initial weights and shuffling: both trials reach 0.94
    for (const t of people) expect(t.metrics.accuracy).toBeGreaterThan(0.7);
    expect(linear.map((t) => t.state)).toEqual(['complete', 'complete']);
    for (const t of linear) {
      expect(t.metrics.accuracy).toBeUndefined();
      expect(t.metrics.rmse).toBeGreaterThan(0);
      expect(t.metrics.infer_energy_j_per_sample).toBeGreaterThan(0);
    }
  });

  it('refuses a CSV that does not exist, naming the study file and the path', async () => {
    const dir = tmpDir();
    const r = await runCli(['tune', writeSpec(dir, quickSpec({ dataset: { csv: 'nope.csv', target: 'y' } })), '--db', join(dir, 's.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/study\.json: dataset\.csv: no file .*nope\.csv; fix the path/);
  });

  it('checks the data before any trial: a broken CSV is one clear line, exit 2, nothing stored', async () => {
    const dir = tmpDir();
    copyFileSync(join(ROOT, 'test/fixtures/csv/ragged.csv'), join(dir, 'ragged.csv'));
    const db = join(dir, 's.db');
    const r = await runCli(['tune', writeSpec(dir, quickSpec({ name: 'ragged', dataset: { csv: 'ragged.csv', target: 'label' }, trials: 2 })), '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ragged\.csv, line 4: 4 fields where the header has 3; fix the row/);
    const store = new Store(db, { readonly: true });
    expect(store.listStudies()).toEqual([]);
    store.close();
  });
});
