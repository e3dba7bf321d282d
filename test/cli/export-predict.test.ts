/**
 * The take-away journey from the command line: tune a study on a user's CSV file, export the
 * chosen model, and apply it to rows — the held-out test rows reproduce the stored test accuracy.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudySpec } from '../../src-main/shared/spec';
import { campaignFigures } from '../../src-main/engine/reports/campaign';
import { Store } from '../../src-main/engine/store/store';
import { ROOT, runCli } from '../helpers/cli';
import { quickSpec, writeSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';

describe('take the model away: ecopt export and ecopt predict', () => {
  it('exports a CSV study’s model with its card, and predicting its held-out rows gives the stored test accuracy', async () => {
    const dir = tmpDir();
    copyFileSync(join(ROOT, 'test/fixtures/csv/people.csv'), join(dir, 'people.csv'));
    const db = join(dir, 's.db');
    const space = { units: { type: 'fixed', value: 16 }, learning_rate: { type: 'float', low: 0.01, high: 0.03 }, epochs: { type: 'fixed', value: 60 } } as const;
    const spec = writeSpec(dir, quickSpec({ name: 'people', dataset: { csv: 'people.csv', target: 'label' }, space, trials: 2 }), 'people.json');
    expect((await runCli(['tune', spec, '--db', db])).code).toBe(0);
    // every complete trial keeps its model beside the database
    expect(existsSync(join(dir, 'models', 'people', 'trial-0', 'model.json'))).toBe(true);
    expect(existsSync(join(dir, 'models', 'people', 'trial-1', 'weights.bin'))).toBe(true);

    const store = new Store(db, { readonly: true });
    const trial = store.getTrials(store.requireStudy('people').id).find((t) => t.number === 1)!;
    const testAccuracy = store.getTrialAttrs(trial.id).test_accuracy as number;
    store.close();

    const out = join(dir, 'take-away');
    const exported = await runCli(['export', 'people', '--trial', '1', '--db', db, '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    for (const f of ['model.json', 'weights.bin', 'preprocessing.json', 'study.json', 'model-card.md', 'test-rows.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    const card = readFileSync(join(out, 'model-card.md'), 'utf8');
    expect(card).toMatch(/2-class classifier: `short`, `tall`|2-class classifier: `tall`, `short`/);
    // every energy figure says how it was obtained, and inference its spread between repeats beside that
    expect(card).toMatch(/Energy per prediction \(this model's own share\) \| [\d.]+ [µmn]?J — estimated \(cpu-tdp-estimate; ±\d+%\); spread between blocks of repeats ±\d+% \|/);
    expect(card).toMatch(/Training energy \(own share\) \| [\d.]+ [kmµ]?J — estimated \(cpu-tdp-estimate; ±\d+%\) \|/);
    expect(card).toMatch(/Inference energy was estimated, not measured, over \d+ predictions in batches of up to \d+ \(one batch of \d+: the whole set\) on the `wasm` backend/);
    // and what that batching means for a service predicting one row per call (walk 47)
    expect(card).toContain('backend. The figures per prediction hold for predictions made in batches this size: a service that predicts one input per call spends more on each');
    expect(card).toMatch(/seed 3, trial 1/);
    // beside the test accuracy, what always answering the most frequent class scores (walk 48)
    expect(card).toMatch(/\| Test accuracy \(held-out\) \| [\d.]+% \(always answering the most frequent class: [\d.]+%\)/);
    // where to run the command it gives (walk 42: npx in the download's folder looked for "ecopt" on the registry)
    expect(card).toContain('npx ecopt predict <this folder> <this folder>/test-rows.csv --out predictions.csv\n```\n\nRun it in the folder ECOpt is installed in');
    // the energy report on the same trial names the same weights: what ties the two together
    const cardSha = /as ECOpt records it after training: `([0-9a-f]{64})`/.exec(card)?.[1];
    expect(cardSha).toBeDefined();
    const reportDir = join(dir, 'report');
    const reported = await runCli(['report', 'people', '--trial', '1', '--db', db, '--out', reportDir, '--format', 'json']);
    expect(reported.code, reported.stderr).toBe(0);
    const reportJson = JSON.parse(readFileSync(join(reportDir, 'energy-report.json'), 'utf8'));
    expect(reportJson.trial.weightsSha256).toBe(cardSha);
    // and the file itself, as sha256sum prints it for the model taken away (walk 45: only the card had it)
    expect(reportJson.trial.weightsFileSha256).toBe(createHash('sha256').update(readFileSync(join(out, 'weights.bin'))).digest('hex'));
    expect(card).toContain(`\`${reportJson.trial.weightsFileSha256}\``);
    // the data as the trainer read it: the parts, and what loading did to the file (walk 45: no word of the cells filled)
    expect(reportJson.trial.data.rows.train + reportJson.trial.data.rows.validation + reportJson.trial.data.rows.test).toBe(120);
    expect(reportJson.trial.data.notes).toContainEqual(expect.stringMatching(/^5 missing value\(s\) in "colour" set to its most frequent value in the training rows/));
    expect(reportJson.trial.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(card).toContain(`\`${reportJson.trial.data.sha256}\``);
    expect(card).toMatch(/Data fingerprint .*`[0-9a-f]{64}`/);

    const predictions = join(dir, 'predictions.csv');
    const r = await runCli(['predict', out, join(out, 'test-rows.csv'), '--out', predictions]);
    expect(r.code, r.stderr).toBe(0);
    const m = /Accuracy on the (\d+) labelled inputs: ([\d.]+)%/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Math.abs(Number(m![2]) / 100 - testAccuracy)).toBeLessThanOrEqual(0.01);
    const lines = readFileSync(predictions, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('height,colour,weight,label,prediction,probability');
    expect(lines).toHaveLength(Number(m![1]) + 1);

    // a loader of the user's own, written from the card's steps alone, gives predict's answers (walk 47:
    // one written from the card's old sentence crashed on an "NA" and took an unseen category as zeros)
    expect(card).toContain('A category not in the list cannot be encoded: refuse the row');
    const rows = readFileSync(join(out, 'test-rows.csv'), 'utf8').trim().split('\n');
    const [hAt, wAt, cAt] = ['height', 'weight', 'colour'].map((k) => rows[0]!.split(',').indexOf(k));
    const edited = rows.slice(1, 4).map((line, i) => {
      const cells = line.split(',');
      if (i === 0) cells[hAt!] = 'NA';
      if (i === 1) cells[wAt!] = ' n/a ';
      if (i === 2) cells[cAt!] = ` ${cells[cAt!] || 'red'} `;
      return cells.join(',');
    });
    writeFileSync(join(out, 'mine.csv'), [rows[0], ...rows.slice(4), ...edited].join('\n') + '\n');
    const snippet = /```js\n([\s\S]*?)```/.exec(card)![1]!;
    const steps = [
      "const p = JSON.parse(readFileSync('preprocessing.json', 'utf8'));",
      "const [head, ...body] = readFileSync('mine.csv', 'utf8').trim().split('\\n').map((l) => l.split(','));",
      "const missing = (raw, numeric) => ['', 'na', 'n/a', 'nan', '?', ...(numeric ? ['null', 'none'] : [])].includes(raw.trim().toLowerCase());",
      'const x = body.map((r) => {',
      '  const f = [];',
      '  for (const c of p.encoding.columns) {',
      '    const raw = r[head.indexOf(c.column)];',
      "    if (c.kind === 'numeric') f.push(missing(raw, true) ? c.fill : Number(raw));",
      '    else {',
      '      const v = missing(raw, false) ? c.fill : raw.trim();',
      "      if (!c.categories.includes(v)) throw new Error('unseen category ' + v);",
      '      for (const k of c.categories) f.push(k === v ? 1 : 0);',
      '    }',
      '  }',
      '  return Array.from(Float32Array.from(f), (v, j) => (v - p.featureScale.mean[j]) / p.featureScale.sd[j]);',
      '});',
      'const probs = model.predict(tf.tensor2d(x)).arraySync();',
      'for (const q of probs) { const k = q.indexOf(Math.max(...q)); console.log(`${p.classes[k]},${q[k].toFixed(6)}`); }',
    ];
    writeFileSync(join(out, 'mine.mjs'), `${snippet}${steps.join('\n')}\n`);
    symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
    const mine = spawnSync(process.execPath, ['mine.mjs'], { cwd: out, encoding: 'utf8' });
    rmSync(join(out, 'node_modules'));
    expect(mine.status, mine.stderr).toBe(0);
    const theirs = await runCli(['predict', out, join(out, 'mine.csv'), '--out', join(dir, 'theirs.csv')]);
    expect(theirs.code, theirs.stderr).toBe(0);
    // the filled cells named with what they held
    expect(theirs.stderr).toMatch(/\d+ missing cells were filled as in training.*"height" \("NA", given its training mean [\d.]+\)/);
    const ours = mine.stdout.trim().split('\n').map((l) => l.split(','));
    const given = readFileSync(join(dir, 'theirs.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(-2));
    expect(ours).toHaveLength(given.length);
    // the same classes; probabilities to 6 decimals but for the last digit (plain tfjs runs on cpu here, predict on wasm)
    expect(ours.map((o) => o[0])).toEqual(given.map((g) => g[0]));
    for (let i = 0; i < ours.length; i++) expect(Math.abs(Number(ours[i]![1]) - Number(given[i]![1]))).toBeLessThanOrEqual(2e-6);

    // measured again from the kept model: new inference windows beside the first, figures unchanged
    const before = new Store(db, { readonly: true });
    const windowsBefore = before.getWindows({ trialId: trial.id }).filter((w) => w.phase === 'infer').length;
    before.close();
    const again = await runCli(['remeasure', 'people', '--front', '--repeats', '2', '--db', db]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/first measured\s+measured again\s+change/);
    const after = new Store(db, { readonly: true });
    const front = after.getTrials(after.requireStudy('people').id).filter((t) => (after.getTrialAttrs(t.id).remeasured as unknown[] | undefined)?.length === 2);
    expect(front.length).toBeGreaterThan(0);
    for (const t of front) expect(after.getWindows({ trialId: t.id }).filter((w) => w.phase === 'infer')).toHaveLength(3);
    expect(after.getTrials(after.requireStudy('people').id).find((t) => t.number === 1)!.metrics.infer_energy_j_per_sample).toBe(trial.metrics.infer_energy_j_per_sample);
    // the campaign counts each re-measuring process whole, and says how much of it they were (walk 40)
    const people = after.requireStudy('people');
    const rem = after.remeasurements(people.id);
    const withRe = campaignFigures(after.campaignWindows(people.id), 100, after.getTrials(people.id), after.processEnergies(people.id), rem);
    const windowsOnly = campaignFigures(after.campaignWindows(people.id), 100, after.getTrials(people.id), after.processEnergies(people.id));
    const runs = [...rem.values()].flat();
    expect(runs).toHaveLength(2 * front.length);
    expect(runs.every((r) => r.process !== undefined && r.process.energyJ > 0)).toBe(true);
    expect(withRe.remeasured).toMatchObject({ runs: 2 * front.length, trials: front.length, wholeProcess: 2 * front.length });
    const outside = withRe.energyJ - windowsOnly.energyJ;
    expect(outside).toBeGreaterThan(0);
    const windowJ = after.campaignWindows(people.id).filter((cw) => runs.some((r) => r.windowId === cw.window.id)).reduce((a, cw) => a + cw.window.domains.reduce((b, d) => b + (d.attributedEnergyJ ?? d.energyJ), 0), 0);
    expect(withRe.remeasured!.energyJ).toBeCloseTo(windowJ + outside, 6);
    expect(withRe.runs.reduce((a, r) => a + r.energyJ, 0)).toBeCloseTo(withRe.energyJ, 6);
    after.close();
    expect(windowsBefore).toBe(1);
    const shown = await runCli(['show', 'people', '--payback', '--db', db]);
    expect(shown.stdout).toMatch(new RegExp(`; ${2 * front.length} re-measurements of ${front.length} models? \\([\\d.]+ [kmµ]?J\\) included\\)`));
    const reCard = await runCli(['export', 'people', '--trial', String(front[0]!.number), '--db', db, '--out', join(dir, 're-card')]);
    expect(reCard.code, reCard.stderr).toBe(0);
    expect(readFileSync(join(dir, 're-card', 'model-card.md'), 'utf8')).toMatch(/\| Energy per prediction, re-measured since \| re-measured 2 times since from its kept model: /);

    // rows the model cannot take are refused with the file, line and column
    writeFileSync(join(dir, 'missing.csv'), 'height,weight\n170,70\n');
    // predictions.csv, the default, is someone's earlier work: not replaced unless named
    writeFileSync(join(dir, 'predictions.csv'), 'precious\n');
    const kept = await runCli(['predict', out, join(out, 'test-rows.csv')], {}, dir);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toMatch(/predictions\.csv already exists here; give --out <file> to write elsewhere, or --out predictions\.csv to replace it/);
    expect(readFileSync(join(dir, 'predictions.csv'), 'utf8')).toBe('precious\n');
    const missing = await runCli(['predict', out, join(dir, 'missing.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/the column "colour" the model needs is missing/);
    writeFileSync(join(dir, 'unseen.csv'), 'height,colour,weight\n170,purple,70\n');
    const unseen = await runCli(['predict', out, join(dir, 'unseen.csv')]);
    expect(unseen.code).toBe(2);
    expect(unseen.stderr).toMatch(/unseen.csv, line 2, column "colour": "purple" is a category the model never saw/);
    // a category the model knows in another case is named (walk 47: "East" beside a known "east")
    writeFileSync(join(dir, 'case.csv'), 'height,colour,weight\n170,Red,70\n');
    const cased = await runCli(['predict', out, join(dir, 'case.csv')]);
    expect(cased.code).toBe(2);
    expect(cased.stderr).toContain('line 2, column "colour": "Red" is a category the model never saw; it knows "red" (categories are matched with their case, as in training)');
    writeFileSync(join(dir, 'extra.csv'), 'height,colour,weight,shoe\n170,red,70,42\n');
    const extra = await runCli(['predict', out, join(dir, 'extra.csv')]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/the column "shoe" was not in the training file/);
    // a renamed column is both missing and unknown: said at once (walk 42)
    writeFileSync(join(dir, 'renamed.csv'), 'height,color,weight\n170,red,70\n');
    const renamed = await runCli(['predict', out, join(dir, 'renamed.csv')]);
    expect(renamed.code).toBe(2);
    expect(renamed.stderr).toMatch(/the column "colour" the model needs is missing, and the column "color" was not in the training file \(renamed\?\)/);
    // every cell it cannot take, not the first alone
    writeFileSync(join(dir, 'twobad.csv'), 'height,colour,weight\n170,purple,70\nabc,red,70\n');
    const twoBad = await runCli(['predict', out, join(dir, 'twobad.csv')]);
    expect(twoBad.code).toBe(2);
    expect(twoBad.stderr).toMatch(/twobad\.csv: 2 cells the model cannot take: line 2, column "colour": "purple" is a category the model never saw .*; line 3, column "height": "abc" is not a number/);
    expect(twoBad.stderr).toContain('or give --skip to predict the others');
    // --skip (walk 47: one unseen category refused a service's whole batch): the rows it can take
    // are predicted, the others keep their line with an empty prediction and why
    writeFileSync(join(dir, 'mixed.csv'), 'height,colour,weight\n170,purple,70\n165,red,60\nabc,red,70\n180,blue,85\n');
    const skipped = await runCli(['predict', out, join(dir, 'mixed.csv'), '--skip', '--out', join(dir, 'mixed-out.csv')]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toMatch(/^2 prediction\(s\) written to /);
    expect(skipped.stderr).toMatch(/Not predicted \(--skip\): 2 input\(s\) the model cannot take, .*line 2, column "colour": "purple" is a category the model never saw.*; line 4, column "height": "abc" is not a number/);
    const mixedOut = readFileSync(join(dir, 'mixed-out.csv'), 'utf8').trim().split('\n');
    expect(mixedOut[0]).toBe('height,colour,weight,prediction,probability,problem');
    expect(mixedOut).toHaveLength(5);
    expect(mixedOut[1]).toMatch(/^170,purple,70,,,"line 2, column ""colour"": ""purple"" is a category the model never saw/);
    expect(mixedOut[2]).toMatch(/^165,red,60,[^,]+,[01]\.\d{6},$/);
    expect(mixedOut[3]).toMatch(/^abc,red,70,,,"line 4, column ""height"": ""abc"" is not a number/);
    expect(mixedOut[4]).toMatch(/^180,blue,85,[^,]+,[01]\.\d{6},$/);
    // nothing it can take: refused, nothing written
    const none = await runCli(['predict', out, join(dir, 'unseen.csv'), '--skip', '--out', join(dir, 'none-out.csv')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/none of the 1 rows can be given to the model \(the first: line 2, column "colour": "purple"/);
    expect(existsSync(join(dir, 'none-out.csv'))).toBe(false);

    // the most accurate model ran on another machine (its model stayed there): the default export
    // takes the most accurate kept here, and says so (walk 43: another model, without a word)
    const w = new Store(db);
    const peopleStudy = w.requireStudy('people');
    const best = Math.max(...w.getTrials(peopleStudy.id).map((t) => t.metrics.accuracy ?? 0));
    const far = w.claimTrial(peopleStudy.id, { params: { units: 16, learning_rate: 0.02, epochs: 60 }, retryOf: null, worker: { host: 'gpu-box-2', pid: 4242 }, hardwareClass: 'abcd1234', budget: 3 })!;
    w.completeTrial(far.id, { metrics: { accuracy: Math.min(1, best + 0.01), infer_energy_j_per_sample: 0.001, train_energy_j: 3 }, windows: [], attrs: { model_dir: '/srv/ecopt/models/people/trial-2' }, backend: 'wasm', powerSamples: [] });
    w.close();
    const byDefault = await runCli(['export', 'people', '--db', db, '--out', join(dir, 'default')]);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    // the most accurate of the two kept here (ties to the less energy per prediction)
    const keptBest = Number(/^Trial (\d+) of "people" exported/.exec(byDefault.stdout)?.[1]);
    expect([0, 1]).toContain(keptBest);
    expect(byDefault.stderr).toContain(`Note: the most accurate model, #${far.number}, is not kept on this machine (it ran on gpu-box-2), so #${keptBest}, the most accurate with a kept model here, was exported; \`ecopt export people --trial ${far.number}\` says where #${far.number}'s model is.`);
  }, 300_000); // a study, export, predict and two re-measurements: minutes on a busy 2-core machine

  it('says which machine holds a shared study\'s model, and how to fetch it, when the model is not on this one', async () => {
    // a study that ran on PostgreSQL workers, copied here with `ecopt copy`: its models stayed on the workers
    const dir = tmpDir();
    const db = join(dir, 'copied.db');
    const parsed = parseStudySpec(quickSpec({ name: 'shared' }));
    if (!parsed.ok) throw new Error('bad spec');
    const store = new Store(db);
    const study = store.createStudy(parsed.spec);
    const t = store.claimTrial(study.id, { params: { units: 8, epochs: 2 }, retryOf: null, worker: { host: 'gpu-box-2', pid: 4242 }, hardwareClass: 'abcd1234', budget: 4 })!;
    store.completeTrial(t.id, {
      metrics: { accuracy: 0.9, infer_energy_j_per_sample: 0.001, train_energy_j: 3, train_duration_s: 1 },
      windows: [],
      attrs: { model_dir: '/srv/ecopt/models/shared/trial-0' },
      backend: 'cpu',
      powerSamples: [],
    });
    store.close();
    for (const args of [['export', 'shared', '--db', db], ['export', 'shared', '--trial', '0', '--db', db]]) {
      const r = await runCli(args, { ECOPT_HOSTNAME: 'laptop' });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/no kept model on this machine: trial 0's is in \/srv\/ecopt\/models\/shared\/trial-0 on gpu-box-2/);
      expect(r.stderr).toContain('scp -r gpu-box-2:/srv/ecopt/models/shared/trial-0 /srv/ecopt/models/shared/trial-0');
    }
  });
});
