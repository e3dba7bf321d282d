/** "The best model under 2 mJ", "at least 90% accurate": the model a budget in words picks. */
import { describe, expect, it } from 'vitest';
import { batchingText, littleLearnt, pickByBudget, pickTestText, spreadComparison, studyQuality, testClassesOf, testClassesText, weakestClass, type BudgetLimit } from '../../../src-main/shared/analysis';
import { parseBudget } from '../../../src-main/shared/budget';
import { budgetLines } from '../../../src-main/cli/present';
import { remeasuredHolds } from '../../../src-main/shared/remeasure';
import type { StudyRow } from '../../../src-main/engine/store/store';
import type { TrialRecord } from '../../../src-main/shared/types';

// the walk's study in small: #14 most accurate, #7 the cheapest above 90%, #3 cheapest of all
const trial = (number: number, accuracy: number, j: number) => ({ number, state: 'complete' as const, params: {}, metrics: { accuracy, infer_energy_j_per_sample: j } });
const trials = [trial(14, 0.921, 298e-6), trial(7, 0.905, 171e-6), trial(9, 0.93 - 0.04, 120e-6), trial(3, 0.62, 90e-6), trial(11, 0.915, 260e-6)];
const pick = (words: string) => {
  const r = parseBudget(words);
  if (!r.ok) throw new Error(r.error);
  return pickByBudget(trials, r.limits);
};

describe('picking a model by a budget', () => {
  it('under an energy cap: the most accurate model within it, naming a more frugal one that also fits', () => {
    const p = pick('at most 0.28 mJ per prediction');
    expect(p.trial).toBe(11);
    expect(p.sentence).toBe(
      'Model #11: accuracy 91.5%, inference energy per prediction 260 µJ. It is 0.6 points less accurate and uses 13% less energy per prediction than the most accurate model (#14). The most frugal model within this limit is #3: it is 29.5 points less accurate and uses 65% less energy per prediction than #11.',
    );
  });

  it('with only a quality floor: the most frugal model that reaches it, not the most accurate', () => {
    const p = pick('at least 90%');
    expect(p.trial).toBe(7);
    expect(p.mostAccurate).toBe(14);
    expect(p.sentence).toBe('Model #7: accuracy 90.5%, inference energy per prediction 171 µJ. It is the most frugal model that meets this limit: it is 1.6 points less accurate and uses 43% less energy per prediction than the most accurate model (#14).');
    // the floor met only by the most accurate model
    expect(pick('at least 92%').sentence).toBe('Model #14: accuracy 92.1%, inference energy per prediction 298 µJ. It is the most accurate model, and no model that meets this limit uses less energy per prediction.');
    // differences of the figures as shown: 92.0% and 90.5% are 1.5 points apart, whatever their third decimal
    const shown = pickByBudget([trial(1, 0.92018, 3e-4), trial(2, 0.90466, 2e-4)], [{ metric: 'accuracy', bound: 'min', value: 0.9 }]);
    expect(shown.sentence).toMatch(/it is 1\.5 points less accurate/);
  });

  it('with a floor and a cap: the most accurate within both', () => {
    expect(pick('≥ 90% accuracy, ≤ 0.3 mJ').trial).toBe(14);
    expect(pick('≥ 90% accuracy, ≤ 0.2 mJ').trial).toBe(7);
  });

  it('when nothing fits, names the closest model and what it misses', () => {
    const p = pick('at most 150 µJ and at least 90% accuracy');
    expect(p.trial).toBeNull();
    expect(p.sentence).toBe('No model meets these limits. Closest: #7 meets all but inference energy per prediction ≤ 150 µJ (it has 171 µJ); #9 meets all but accuracy ≥ 90% (it has 89.0%). Loosen a limit, or run more trials.');
    // the models it names, for the app's "Show model #N" buttons
    expect(p.closest).toEqual([7, 9]);
    expect(pick('at least 95%').sentence).toBe('No model meets this limit. Closest: #14 (it has 92.1%). Loosen a limit, or run more trials.');
    expect(pick('at least 95%').closest).toEqual([14]);
    expect(pick('≥ 90% accuracy, ≤ 0.2 mJ').closest).toEqual([]);
  });

  it('of equally near models, names the one better on the other goal', () => {
    // #2 and #5 are as accurate (92.1%), #5 at half the energy; #6 and #8 as frugal, #8 more accurate
    const tied = [trial(2, 0.921, 300e-6), trial(5, 0.921, 150e-6), trial(6, 0.8, 100e-6), trial(8, 0.85, 100e-6)];
    expect(pickByBudget(tied, [{ metric: 'accuracy', bound: 'min', value: 0.95 }]).closest).toEqual([5]);
    expect(pickByBudget(tied, [{ metric: 'infer_energy_j_per_sample', bound: 'max', value: 50e-6 }]).closest).toEqual([8]);
  });
});

// walk 39's regression study: RMSE in the target's units (lower is better), no accuracy at all
describe('picking a regression model by a budget', () => {
  const reg = (number: number, rmse: number, j: number) => ({ number, state: 'complete' as const, params: {}, metrics: { rmse, loss: (rmse / 120) ** 2, infer_energy_j_per_sample: j } });
  const houses = [reg(0, 16.43, 245e-6), reg(3, 16.21, 28.3e-6), reg(7, 17.95, 20.3e-6), reg(10, 35.25, 17.6e-6), reg(11, 40.1, 24e-6)];
  const quality = studyQuality([{ metric: 'rmse', direction: 'minimize' }, { metric: 'infer_energy_j_per_sample', direction: 'minimize' }]);
  const pickReg = (words: string) => {
    const r = parseBudget(words);
    if (!r.ok) throw new Error(r.error);
    return pickByBudget(houses, r.limits, quality);
  };

  it('under an energy cap: the lowest RMSE within it, as it picks the most accurate classifier', () => {
    const p = pickReg('at most 25 µJ per prediction');
    expect(p.trial).toBe(7);
    expect(p.mostAccurate).toBe(3);
    expect(p.sentence).toBe(
      "Model #7: RMSE 17.95 (in the target's units), inference energy per prediction 20.3 µJ. It has an RMSE 1.74 higher and uses 28% less energy per prediction than the most accurate model (#3). The most frugal model within this limit is #10: it has an RMSE 17.3 higher and uses 13% less energy per prediction than #7.",
    );
    // the target column named where the caller knows it (walk 45: "target units" told a filer nothing)
    const named = pickByBudget(houses, (parseBudget('at most 25 µJ per prediction') as { limits: BudgetLimit[] }).limits, quality, undefined, 'price_keur');
    expect(named.sentence).toMatch(/Model #7: RMSE 17\.95 \(in the units of "price_keur"\), inference energy/);
    // the quality inferred from the trials when no objectives are given: the same pick
    expect(pickByBudget(houses, (parseBudget('at most 25 µJ per prediction') as { limits: BudgetLimit[] }).limits).trial).toBe(7);
  });

  it('reads a limit on the RMSE, and with it alone picks the most frugal model that meets it', () => {
    const r = parseBudget('RMSE at most 20');
    expect(r).toEqual({ ok: true, limits: [{ metric: 'rmse', bound: 'max', value: 20 }], readAs: 'read as: RMSE ≤ 20' });
    expect(parseBudget('under 20 rmse and at most 1 mJ')).toMatchObject({ ok: true, readAs: 'read as: RMSE ≤ 20 and energy per prediction ≤ 1 mJ' });
    expect(parseBudget('error below 18')).toMatchObject({ ok: true, limits: [{ metric: 'rmse', bound: 'max', value: 18 }] });
    const p = pickReg('RMSE at most 20');
    expect(p.trial).toBe(7);
    expect(p.sentence).toMatch(/^Model #7: RMSE 17\.95 .* It is the most frugal model that meets this limit: it has an RMSE 1.74 higher/);
    const none = pickReg('RMSE at most 10');
    expect(none.trial).toBeNull();
    expect(none.sentence).toBe('No model meets this limit. Closest: #3 (it has 16.21). Loosen a limit, or run more trials.');
  });

  it('an accuracy limit on a study that measures none says what the study measures instead', () => {
    const p = pickReg('at least 95% accuracy');
    expect(p.trial).toBeNull();
    expect(p.sentence).toBe(`No model of this study measures accuracy: its models are compared by RMSE (in the target's units). State the limit on that, e.g. "RMSE at most 17", or leave quality out.`);
    const [limit] = (parseBudget('at least 95% accuracy') as { limits: BudgetLimit[] }).limits;
    expect(pickByBudget(houses, [limit!], quality, undefined, 'price_keur').sentence).toMatch(/compared by RMSE \(in the units of "price_keur"\)\./);
  });
});

describe('ecopt show --budget beside re-measurements', () => {
  it("adds a warning where the re-measurements overturn the sentence's energy comparison (walk 40)", async () => {
    const rec = (number: number, accuracy: number, j: number) => ({ id: number + 1, number, state: 'complete', params: {}, metrics: { accuracy, infer_energy_j_per_sample: j }, retryOf: null, backend: 'wasm', createdAt: '', startedAt: null, finishedAt: null, failure: null }) as TrialRecord;
    const study = { name: 'digits-mlp', spec: {}, objectives: [{ metric: 'accuracy', direction: 'maximize' }, { metric: 'infer_energy_j_per_sample', direction: 'minimize' }] } as unknown as StudyRow;
    const ts = [rec(3, 0.88, 166e-6), rec(8, 0.902, 185e-6), rec(11, 0.856, 148e-6)];
    const plain = await budgetLines(study, ts, 'at most 200 µJ per prediction', 'ecopt');
    expect(plain.join('\n')).toContain('The most frugal model within this limit is #11');
    expect(plain.join('\n')).not.toContain('Re-measured since');
    const lines = await budgetLines(study, ts, 'at most 200 µJ per prediction', 'ecopt', [], {}, new Map([[3, 136e-6], [8, 165e-6], [11, 171e-6]]));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}⚠ Re-measured since, the energy comparison above does not hold: #11's 171 µJ re-measured against #8's 165 µJ re-measured/));
  });

  it('names a PostgreSQL study in the commands it prints, and says where its password was hidden', async () => {
    const rec = (number: number, accuracy: number, j: number) => ({ id: number + 1, number, state: 'complete', params: {}, metrics: { accuracy, infer_energy_j_per_sample: j }, retryOf: null, backend: 'wasm', createdAt: '', startedAt: null, finishedAt: null, failure: null }) as TrialRecord;
    const study = { name: 'shared', spec: {}, objectives: [{ metric: 'accuracy', direction: 'maximize' }, { metric: 'infer_energy_j_per_sample', direction: 'minimize' }] } as unknown as StudyRow;
    const lines = await budgetLines(study, [rec(2, 0.9, 100e-6)], 'at most 1 mJ', 'ecopt', [], { url: 'postgresql://ecopt:***@db.lab/studies' });
    expect(lines[1]).toBe('  The commands below name the database with its password hidden: type yours where it shows ***.');
    expect(lines).toContain("  Take it away:   ecopt export shared --storage 'postgresql://ecopt:***@db.lab/studies' --trial 2");
    const open = await budgetLines(study, [rec(2, 0.9, 100e-6)], 'at most 1 mJ', 'ecopt', [], { url: 'postgresql://ecopt@db.lab/studies' });
    expect(open.join('\n')).not.toContain('password');
    // a command study whose command handed no model back: why, instead of an export that fails
    const command = { ...study, spec: { model: 'command' } } as unknown as StudyRow;
    const none = await budgetLines(command, [rec(2, 0.9, 100e-6)], 'at most 1 mJ', 'ecopt', [], {}, new Map(), async () => ({}));
    expect(none).toContain('  No model to take: its command handed none back (name a file or folder as "artifact" in its metrics line to keep one).');
    expect(none.join('\n')).not.toContain('Take it away');
    expect(none).toContain("  Its report:     ecopt report shared --trial 2 --budget 'at most 1 mJ'");
    // nothing within the budget: how to run more, for a study file and for a shared study (walk 56)
    const tight = { ...study, spec: { trials: 6 } } as unknown as StudyRow;
    const file = await budgetLines(tight, [rec(2, 0.9, 100e-6)], 'at most 1 µJ', 'ecopt', [], { db: 'team.db' });
    expect(file).toContain('  To run more: ecopt tune shared --db team.db --trials 16');
    const shared = await budgetLines(tight, [rec(2, 0.9, 100e-6)], 'at most 1 µJ', 'ecopt', [], { url: 'postgresql://ecopt@db.lab/studies' });
    expect(shared).toContain(
      `  To run more: raise "trials" in the study file, then start a worker with it: ecopt worker <study.json> --storage postgresql://ecopt@db.lab/studies (every worker then runs to the new budget)`,
    );
  });

  it('says what the pick scores on held-out test data, as the explorer does (walk 42)', async () => {
    const rec = (number: number, accuracy: number, j: number) => ({ id: number + 1, number, state: 'complete', params: {}, metrics: { accuracy, infer_energy_j_per_sample: j }, retryOf: null, backend: 'wasm', createdAt: '', startedAt: null, finishedAt: null, failure: null }) as TrialRecord;
    const study = { name: 'churn', spec: {}, objectives: [{ metric: 'accuracy', direction: 'maximize' }, { metric: 'infer_energy_j_per_sample', direction: 'minimize' }] } as unknown as StudyRow;
    const ts = [rec(1, 0.889, 171e-6), rec(8, 0.844, 135e-6)];
    const attrs = new Map<number, Record<string, unknown>>([[9, { test_accuracy: 0.744 }], [2, { test_accuracy: 0.8 }]]);
    const lines = await budgetLines(study, ts, 'at most 0,14 mJ', 'ecopt', [], {}, new Map(), async (id) => attrs.get(id) ?? {});
    expect(lines[1]).toMatch(/^ {2}Model #8: /);
    expect(lines[2]).toBe('  On held-out test data (examples used neither in training nor in choosing), model #8 scores 74.4%: what to expect on new data; the figure above is on the validation examples the search chose by, which flatter the model it picks.');
    // a regression's test RMSE, a command's reported test accuracy
    expect(pickTestText(3, { test_rmse: 18.24 }, { rmse: 17.95 })).toBe("On held-out test data (examples used neither in training nor in choosing), model #3's RMSE is 18.24 (in the target's units): what to expect on new data; the figure above is on the validation examples the search chose by, which flatter the model it picks.");
    expect(pickTestText(3, { test_rmse: 18.24 }, { rmse: 17.95 }, 'price_keur')).toMatch(/model #3's RMSE is 18\.24 \(in the units of "price_keur"\): what/);
    // better on the test rows than on the validation rows: no "flatter"
    expect(pickTestText(15, { test_accuracy: 0.936 }, { accuracy: 0.918 })).toBe('On held-out test data (examples used neither in training nor in choosing), model #15 scores 93.6%: what to expect on new data; the figure above is on the validation examples the search chose by.');
    expect(pickTestText(3, { reported_test_accuracy: 0.91 })).toBe('Your command reported a test accuracy of 91.0% for model #3, on data ECOpt does not know.');
    expect(pickTestText(3, {})).toBeNull();
  });
  it("warns where the sentence's energy comparison is inside the figures' own spread (walk 43)", async () => {
    const rec = (number: number, accuracy: number, j: number) => ({ id: number + 1, number, state: 'complete', params: {}, metrics: { accuracy, infer_energy_j_per_sample: j }, retryOf: null, backend: 'wasm', createdAt: '', startedAt: null, finishedAt: null, failure: null }) as TrialRecord;
    const study = { name: 'shared-digits', spec: {}, objectives: [{ metric: 'accuracy', direction: 'maximize' }, { metric: 'infer_energy_j_per_sample', direction: 'minimize' }] } as unknown as StudyRow;
    // #3 at 156 µJ ±18%, the most accurate #7 at 159 µJ ±12%: "2% less" is noise
    const ts = [rec(3, 0.869, 156e-6), rec(7, 0.894, 159e-6), rec(5, 0.6, 100e-6)];
    const spread = new Map<number, number>([[4, 0.18], [8, 0.12], [6, 0.05]]);
    const lines = await budgetLines(study, ts, 'at most 158 µJ per prediction', 'ecopt', [], {}, new Map(), async (id) => ({ energy_spread_rel: { infer_energy_j_per_sample: spread.get(id) } }));
    expect(lines.join('\n')).toContain('uses 2% less energy per prediction than the most accurate model (#7)');
    expect(lines).toContainEqual(
      "  ⚠ The energy comparison above is within the figures' own spread (between blocks of repeats): #3's 156 µJ ±18% against #7's 159 µJ ±12% per prediction. Another run may order them the other way: re-measure them before choosing between them by energy.",
    );
    // a difference larger than the spreads says nothing; a trial without a spread counts as exact
    const j = (n: number) => ({ 3: 156e-6, 5: 100e-6, 7: 159e-6 })[n];
    expect(spreadComparison([[5, 3]], j, (n) => ({ 3: 0.18, 5: 0.05 })[n], String)).toBeNull();
    expect(spreadComparison([[3, 7]], j, () => null, String)).toBeNull();
    expect(spreadComparison([[3, 7]], j, (n) => (n === 3 ? 0.05 : null), String)).toContain('(spread not measured)');
    // both re-measured since, in the same order: the comparison held, and the advice to re-measure is done (walk 56)
    const held = await budgetLines(study, ts, 'at most 158 µJ per prediction', 'ecopt', [], {}, new Map([[3, 150e-6], [7, 160e-6]]), async (id) => ({ energy_spread_rel: { infer_energy_j_per_sample: spread.get(id) } }));
    expect(held, held.join("\n")).toContain("  Re-measured since, the energy comparison above holds: #3's 150 µJ against #7's 160 µJ per prediction (means of the re-measurements).");
    expect(held.join('\n')).not.toContain('re-measure them before choosing');
    // only one of them re-measured: the warning stands
    const half = await budgetLines(study, ts, 'at most 158 µJ per prediction', 'ecopt', [], {}, new Map([[3, 150e-6]]), async (id) => ({ energy_spread_rel: { infer_energy_j_per_sample: spread.get(id) } }));
    expect(half.join('\n')).toContain('re-measure them before choosing');
    // a pair named either way round: the order held only where the re-measurements keep the first figures' order
    const first = (n: number) => ({ 3: 156e-6, 7: 159e-6 })[n];
    expect(remeasuredHolds([[7, 3]], first, new Map([[3, 150e-6], [7, 160e-6]]), String)).toMatch(/holds/);
    expect(remeasuredHolds([[7, 3]], first, new Map([[3, 170e-6], [7, 160e-6]]), String)).toBeNull();
    expect(remeasuredHolds([[3, 7]], first, new Map([[3, 170e-6], [7, 160e-6]]), String)).toBeNull();
  });
});

describe('the batching a budget on energy per prediction is for (walk 47)', () => {
  const energy = [{ metric: 'infer_energy_j_per_sample' as const }];
  it('says it under an energy limit of a built-in study, and nothing otherwise', () => {
    expect(batchingText(256, energy)).toBe(
      'Energy per prediction is measured in batches of up to 256 inputs (trial.inferBatchSize; the whole test set in one batch where it is smaller): a service that predicts one input per call spends more on each; a study with inferBatchSize 1 measures that.',
    );
    expect(batchingText(1, energy)).toBe('Energy per prediction is measured one input per call (trial.inferBatchSize 1).');
    // a command trial batches as its script does; a limit on accuracy alone says nothing of energy
    expect(batchingText(null, energy)).toBeNull();
    expect(batchingText(256, [{ metric: 'accuracy' }])).toBeNull();
  });
});

describe('what guessing would score, beside a classifier\'s test accuracy (walk 48)', () => {
  it('says what always answering the most frequent class scores, and warns where the model is not far above it', () => {
    expect(pickTestText(5, { test_accuracy: 0.52, guess_accuracy: { validation: 0.36, test: 0.36 } }, { accuracy: 0.6 })).toBe(
      'On held-out test data (examples used neither in training nor in choosing), model #5 scores 52.0% (always answering the most frequent class would score 36.0%): what to expect on new data; the figure above is on the validation examples the search chose by, which flatter the model it picks.',
    );
    // (0.45 − 0.36) / 0.64 = 0.14: under a fifth of the way from guessing to perfect
    expect(pickTestText(5, { test_accuracy: 0.45, guess_accuracy: { validation: 0.36, test: 0.36 } })).toMatch(/would score 36\.0%\): .* That is not far above guessing: the model has learnt little from this data/);
    expect(pickTestText(5, { test_accuracy: 0.208, guess_accuracy: { validation: 0.33, test: 0.333 } })).toMatch(/ That is no better than guessing: /);
    expect(littleLearnt(0.52, 0.36)).toBe(false);
    expect(littleLearnt(0.45, 0.36)).toBe(true);
    // a model worse than guessing, and guessing that is already perfect
    expect(littleLearnt(0.3, 0.36)).toBe(true);
    expect(littleLearnt(1, 1)).toBe(false);
  });
});

describe('class by class on the test data (walk 49: the scratches a model missed were the ones that mattered)', () => {
  const classes = [
    { class: 'ok', n: 18, correct: 18, mistakenFor: null },
    { class: 'scratch', n: 8, correct: 3, mistakenFor: { class: 'ok', n: 5 } },
  ];
  it('says each class\'s share right, and what a class was taken for', () => {
    expect(testClassesText(classes)).toBe('ok 18 of 18; scratch 3 of 8 (5 taken for ok)');
    // many classes: the worst named first, the rest counted
    const many = Array.from({ length: 15 }, (_, i) => ({ class: `c${i}`, n: 10, correct: 10 - (i === 7 ? 6 : 0), mistakenFor: i === 7 ? { class: 'c1', n: 6 } : null }));
    expect(testClassesText(many, 3)).toBe('c7 4 of 10 (6 taken for c1); c0 10 of 10; c1 10 of 10; and 12 more classes, none with a smaller share right');
    expect(testClassesOf({ test_classes: classes })).toEqual(classes);
    expect(testClassesOf({})).toBeNull();
  });
  it('names the weakest class in the pick\'s test sentence where it is well below the model\'s average', () => {
    // 21 of 26 overall (81%); scratch 38%: under half of it
    expect(weakestClass(classes)).toEqual(classes[1]);
    expect(pickTestText(3, { test_accuracy: 21 / 26, test_classes: classes })).toMatch(
      /scores 80\.8%: .* On the class it does worst on, "scratch", it gets 3 of 8 right \(5 taken for "ok"\): check that class matters less to you before taking this model\.$/,
    );
    // every class near the average: no sentence
    const even = [
      { class: 'a', n: 10, correct: 8, mistakenFor: { class: 'b', n: 2 } },
      { class: 'b', n: 10, correct: 7, mistakenFor: { class: 'a', n: 3 } },
    ];
    expect(weakestClass(even)).toBeNull();
    expect(pickTestText(3, { test_accuracy: 0.75, test_classes: even })).not.toMatch(/worst/);
  });
});
