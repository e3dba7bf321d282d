import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

    // walk 39: a regression study's journey to its last step. "The most accurate" is the lowest RMSE
    const best = [...linear].sort((a, b) => a.metrics.rmse! - b.metrics.rmse!)[0]!;
    const picked = await runCli(['show', 'linear', '--db', db, '--budget', 'at most 1 J per prediction']);
    expect(picked.code, picked.stderr).toBe(0);
    // the RMSE's units named by the column it predicts, in the sentence and in the objectives' header
    expect(picked.stdout).toContain(`Model #${best.number}: RMSE ${Number(best.metrics.rmse!.toPrecision(4))} (in the units of the target (column 3))`);
    expect(picked.stdout).toContain('Root-mean-square error (regression) (units of the target (column 3)) minimize');
    expect(picked.stdout).toContain(`export linear --db ${db} --trial ${best.number}`);
    const byError = await runCli(['show', 'linear', '--db', db, '--budget', `RMSE at most ${best.metrics.rmse! * 2}`]);
    expect(byError.stdout).toMatch(/Budget read as: RMSE ≤ [\d.]+\./);
    expect(byError.stdout).toMatch(/Model #\d+: .* It is the most (frugal|accurate) model/);
    const wrongQuality = await runCli(['show', 'linear', '--db', db, '--budget', 'at least 90% accuracy']);
    expect(wrongQuality.code).toBe(2);
    expect(wrongQuality.stderr).toContain('--budget: No model of this study measures accuracy: its models are compared by RMSE');

    const reportDir = join(dir, 'report');
    const reported = await runCli(['report', 'linear', '--db', db, '--out', reportDir, '--format', 'json,md']);
    expect(reported.code, reported.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(reportDir, 'energy-report.json'), 'utf8'));
    expect(report.trial.number).toBe(best.number);
    expect(report.trial.testRmse).toBeGreaterThan(0);
    expect(report.pareto).toMatchObject({ mostAccurateTrial: best.number, quality: { metric: 'rmse', chosen: best.metrics.rmse } });
    // the other model's trade-off states both models' held-out test RMSE beside the validation one (walk 41)
    const other = linear.find((t) => t.number !== best.number)!;
    const otherDir = join(dir, 'report-other');
    expect((await runCli(['report', 'linear', '--db', db, '--trial', String(other.number), '--out', otherDir, '--format', 'json'])).code).toBe(0);
    const otherReport = JSON.parse(readFileSync(join(otherDir, 'energy-report.json'), 'utf8'));
    expect(otherReport.pareto.quality.test).toEqual({ chosen: expect.any(Number), mostAccurate: report.trial.testRmse });
    expect(otherReport.pareto.sentence).toMatch(/ On the held-out test rows their RMSEs are [\d.,]+ and [\d.,]+(: there trial \d+ is the better, .*)?\.$/);
    const md = readFileSync(join(reportDir, 'energy-report.md'), 'utf8');
    // the RMSE in the units of the column it predicts (walk 45: "the target's units" left 31.46 without a unit), here given by number
    expect(report.study.target).toBe('column 3');
    expect(md).toContain('| RMSE (validation), in the units of the target (column 3) (lower is better) |');
    expect(md).toContain('RMSE on held-out test data, in the units of the target (column 3)');
    expect(md).toMatch(/task: regression of csv:linear\.csv samples \(validation RMSE [\d.]+ in the units of the target \(column 3\)\)/);
    expect(md).not.toContain('classification of');
    // the data as loaded, beside the dataset's name: its parts and what loading did
    expect(md).toMatch(/\| Data \| \d+ rows to train, \d+ to choose among trials \(validation\), \d+ held out \(test\); z-score per feature/);
    expect(md).toMatch(/\| Data as loaded \| no header row: columns named column_1…; target "column_3" \(regression\)/);

    const out = join(dir, 'take-away');
    const exported = await runCli(['export', 'linear', '--db', db, '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(`Trial ${best.number} of "linear" exported`);
    const card = readFileSync(join(out, 'model-card.md'), 'utf8');
    expect(card).toMatch(/\| Test RMSE \(held-out\), in the units of the target \(column 3\) \| [\d.]+ \|/);
    expect(card).toContain('gives the test RMSE above');
    expect(card).toContain('// npm install @tensorflow/tfjs@4');
    // the exported preprocessing names the training file, not where it sits on this machine (walk 41)
    expect(JSON.parse(readFileSync(join(out, 'preprocessing.json'), 'utf8')).heldOut.file).toBe('linear.csv');
    // the card's lines for plain @tensorflow/tfjs load the model as they stand (walk 39: file:// fails there)
    const snippet = /```js\n([\s\S]*?)```/.exec(card)![1]!;
    writeFileSync(join(out, 'load.mjs'), `${snippet}console.log(JSON.stringify(model.inputs[0].shape), model.predict(tf.zeros([1, model.inputs[0].shape[1]])).dataSync()[0]);\n`);
    symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
    const loaded = spawnSync(process.execPath, ['load.mjs'], { cwd: out, encoding: 'utf8' });
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout.trim().split('\n').at(-1)).toMatch(/^\[null,\d+\] -?\d/);
    rmSync(join(out, 'node_modules'));
    rmSync(join(out, 'load.mjs'));
    const scored = await runCli(['predict', out, join(out, 'test-rows.csv'), '--out', join(dir, 'p.csv')]);
    expect(scored.code, scored.stderr).toBe(0);
    expect(scored.stdout).toMatch(/RMSE on the \d+ inputs with a target: [\d.]+/);
    const rmse = Number(/RMSE on the \d+ inputs with a target: (\d+(?:\.\d+)?)/.exec(scored.stdout)?.[1]);
    expect(Math.abs(rmse - report.trial.testRmse) / report.trial.testRmse).toBeLessThan(0.01);
    // an empty cell is filled as in training, and predict says so
    const [header, first] = readFileSync(join(out, 'test-rows.csv'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'new.csv'), `${header}\n${first!.replace(/^[^,]*/, '')}\n`);
    const filled = await runCli(['predict', out, join(dir, 'new.csv'), '--out', join(dir, 'q.csv')]);
    expect(filled.code, filled.stderr).toBe(0);
    expect(filled.stderr).toMatch(/Warning: 1 missing cell was filled as in training, so its row was predicted from a guessed value: line 2, "[^"]+" \(given its training mean [\d.]+\)/);
  }, 240_000);

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
