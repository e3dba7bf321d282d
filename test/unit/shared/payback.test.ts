import { describe, expect, it } from 'vitest';
import { payback, pointsBetween, type PaybackModel } from '../../../src-main/shared/payback';

const model = (trial: number, jPerPrediction: number, spreadRel: number | null = 0, accuracy: number | null = 0.9): PaybackModel => ({ trial, jPerPrediction, spreadRel, accuracy });

describe('energy payback of a search', () => {
  it('works the ECOpt paper-style example: 18 J of search repaid by 1 mJ saved per prediction after 18,000 predictions', () => {
    const p = payback({ chosen: model(3, 0.002, 0.1, 0.95), reference: model(7, 0.003, 0.1, 0.97), referenceReason: 'the most accurate trial', campaignEnergyJ: 18, gPerKWh: 360 });
    expect(p.verdict).toBe('pays-back');
    expect(p.savedJPerPrediction).toBeCloseTo(0.001, 15);
    expect(p.predictions).toBeCloseTo(18_000, 6);
    // worst case within the spreads: saved between 1.5 mJ (0.0033 − 0.0018) and 0.5 mJ (0.0027 − 0.0022)
    expect(p.savedSpreadJ).toBeCloseTo(0.0005, 15);
    expect(p.interval!.low).toBeCloseTo(18 / 0.0015, 6);
    expect(p.interval!.high).toBeCloseTo(18 / 0.0005, 6);
    expect(p.text.predictions).toBe('18,000');
    expect(p.text.interval).toBe('12,000 to 36,000');
    expect(p.sentence).toBe(
      'Model #3 (chosen) against model #7 (the most accurate trial): saves 1 mJ ± 500 µJ per prediction; the search used 18 J, so it pays back after 18,000 predictions (between 12,000 and 36,000), at a cost of 2.0 accuracy points.',
    );
    // one row of several (ecopt show --payback lists the front): not called the chosen one
    const listed = payback({ chosen: model(3, 0.002, 0.1, 0.95), reference: model(7, 0.003, 0.1, 0.97), referenceReason: 'the most accurate trial', campaignEnergyJ: 18, gPerKWh: 360, role: 'listed' });
    expect(listed.sentence).toBe(p.sentence.replace('Model #3 (chosen) against', 'Model #3 against'));
    // the chosen model is the untuned first trial: the sentence says the search saved nothing against that
    const untuned = payback({ chosen: model(0, 0.002, 0.1, 0.95), reference: model(7, 0.003, 0.1, 0.97), referenceReason: 'the most accurate trial', campaignEnergyJ: 18, gPerKWh: 360, chosenIsFirst: true });
    expect(untuned.verdict).toBe('pays-back');
    expect(untuned.sentence).toMatch(/pays back after 18,000 predictions .*\. Model #0 is itself the study's first trial, what would have been trained without tuning: against that the search saved no energy per prediction, and its 18 J were the cost of learning how it compares with the models the search found\.$/);
    // carbon: the same factor on both sides, so the same payback point
    expect(p.carbon!.campaignG).toBeCloseTo((18 / 3.6e6) * 360, 15);
    expect(p.carbon!.campaignG / p.carbon!.savedGPerPrediction).toBeCloseTo(p.predictions!, 6);
  });

  it('a regression study states the RMSE it costs, not accuracy points it lacks (walk 39)', () => {
    const reg = (trial: number, j: number, rmse: number): PaybackModel => ({ trial, jPerPrediction: j, spreadRel: 0.1, accuracy: null, error: { metric: 'rmse', value: rmse } });
    const p = payback({ chosen: reg(7, 20.3e-6, 17.95), reference: reg(3, 28.3e-6, 16.21), referenceReason: 'the most accurate trial', campaignEnergyJ: 2320, gPerKWh: null });
    expect(p.accuracyGainPoints).toBeNull();
    expect(p.errorChange).toEqual({ metric: 'rmse', change: 17.95 - 16.21 });
    expect(p.sentence).toMatch(/pays back after [\d.]+ million predictions .*, at a cost of an RMSE 1\.74 higher\.$/);
    const never = payback({ chosen: reg(3, 28.3e-6, 16.21), reference: reg(7, 20.3e-6, 17.95), referenceReason: 'the reference picked', campaignEnergyJ: 2320, gPerKWh: null });
    expect(never.sentence).toMatch(/never pays back; what it buys instead is an RMSE 1\.74 lower\.$/);
  });

  it('says when "uses more" is within the measurement spread', () => {
    const p = payback({
      chosen: { trial: 5, jPerPrediction: 153.5e-6, spreadRel: 0.2, accuracy: 0.875 },
      reference: { trial: 2, jPerPrediction: 100e-6, spreadRel: 0.3, accuracy: 0.86 },
      referenceReason: 'the most accurate trial',
      campaignEnergyJ: 1070,
      gPerKWh: null,
    });
    expect(p.verdict).toBe('never');
    expect(p.sentence).toMatch(/uses 53\.5 µJ ± 60\.7 µJ more per prediction, a difference within the measurement spread \(it may in fact use less\), so as measured the search \(1\.07 kJ\) never pays back;/);
  });

  it('says a model that uses more energy per prediction never pays back, and what it buys instead', () => {
    const p = payback({ chosen: model(2, 0.004, 0.05, 0.98), reference: model(5, 0.003, 0.05, 0.95), referenceReason: 'the reference picked', campaignEnergyJ: 100, gPerKWh: null });
    expect(p.verdict).toBe('never');
    expect(p.predictions).toBeNull();
    expect(p.interval).toBeNull();
    // no energy is ever negative: what it costs is named for itself
    expect(p.savedJPerPrediction).toBe(0);
    expect(p.extraJPerPrediction).toBeCloseTo(0.001, 15);
    expect(p.savedRel).toBeCloseTo(-1 / 3, 12);
    expect(p.text.predictions).toBe('never');
    expect(p.carbon).toBeNull();
    expect(p.sentence).toMatch(/uses 1 mJ ± 350 µJ more per prediction, so in energy the search \(100 J\) never pays back; what it buys instead is 3\.0 accuracy points\.$/);
    // not more accurate either
    const worse = payback({ chosen: model(2, 0.004, 0, 0.9), reference: model(5, 0.003, 0, 0.95), referenceReason: 'r', campaignEnergyJ: 100, gPerKWh: null });
    expect(worse.sentence).toMatch(/and it is not more accurate either \(-5\.0 points\)\.$/);
  });

  it('collapses the interval to the point when both spreads are zero', () => {
    const p = payback({ chosen: model(1, 0.001, 0), reference: model(0, 0.003, 0), referenceReason: 'r', campaignEnergyJ: 50, gPerKWh: 100 });
    expect(p.predictions).toBeCloseTo(25_000, 9);
    expect(p.interval).toEqual({ low: p.predictions, high: p.predictions });
    expect(p.savedSpreadJ).toBe(0);
    expect(p.text.saved).toBe('2 mJ');
    expect(p.spreadKnown).toBe(true);
  });

  it('gives no interval when no spread was measured, rather than "between N and N"', () => {
    const p = payback({ chosen: model(1, 0.001, null), reference: model(0, 0.003, null), referenceReason: 'r', campaignEnergyJ: 50, gPerKWh: null });
    expect(p.predictions).toBeCloseTo(25_000, 9);
    expect(p.interval).toBeNull();
    expect(p.text.interval).toBe('—');
    expect(p.sentence).toMatch(/saves 2 mJ per prediction \(spread not measured\); the search used 50 J, so it pays back after 25,000 predictions\.$/);
  });

  it('treats an unmeasured spread as zero and says so', () => {
    const p = payback({ chosen: model(1, 0.001, null), reference: model(0, 0.003, 0.1), referenceReason: 'r', campaignEnergyJ: 50, gPerKWh: null });
    expect(p.spreadKnown).toBe(false);
    expect(p.savedSpreadJ).toBeCloseTo(0.0003, 15);
    expect(p.sentence).toContain('(spread not measured)');
  });

  it('has no upper end when, within the spreads, the saving could vanish', () => {
    const p = payback({ chosen: model(1, 0.0025, 0.2), reference: model(0, 0.003, 0.2), referenceReason: 'r', campaignEnergyJ: 10, gPerKWh: null });
    expect(p.verdict).toBe('pays-back');
    expect(p.interval!.high).toBeNull();
    expect(p.text.interval).toMatch(/ to never$/);
    expect(p.sentence).toMatch(/within the spreads it may never pay back/);
  });

  it('has no upper end either when the spread takes the saving to within 1% of nothing ("103 µJ ± 103 µJ", seen in a walk)', () => {
    // saved 103 µJ, spread 102.5 µJ: the lower end, 0.5 µJ, once gave "20.1 billion"
    const p = payback({ chosen: model(1, 0.000187, 0), reference: model(0, 0.00029, 0.3534), referenceReason: 'r', campaignEnergyJ: 2000, gPerKWh: null });
    expect(p.verdict).toBe('pays-back');
    expect(p.interval!.high).toBeNull();
    expect(p.sentence).toMatch(/within the spreads it may never pay back/);
  });

  it('has nothing to pay back when the model is its own reference, or the two use the same energy', () => {
    const same = payback({ chosen: model(4, 0.002), reference: model(4, 0.002), referenceReason: 'the only trial', campaignEnergyJ: 10, gPerKWh: null });
    expect(same.verdict).toBe('same-model');
    expect(same.predictions).toBeNull();
    const equal = payback({ chosen: model(4, 0.002, 0), reference: model(5, 0.002, 0), referenceReason: 'r', campaignEnergyJ: 10, gPerKWh: null });
    expect(equal.verdict).toBe('never');
    expect(equal.sentence).toContain('uses as much energy per prediction');
  });

  it('never pays back when the chosen model is the untuned first trial and its own reference, and says how the others compare (walk 54)', () => {
    // walk 54: #0, first tried and most accurate, was put 'against model #5 (the trial using the least energy per prediction)' and said to pay back after 26.3 million predictions
    const m = (trial: number, j: number, s: number, acc: number) => ({ ...model(trial, j, s, acc) });
    const p = payback({ chosen: m(0, 175e-6, 0.1, 1), reference: m(0, 175e-6, 0.1, 1), referenceReason: 'the first trial: what would have been trained without tuning', campaignEnergyJ: 1080, gPerKWh: 475, chosenIsFirst: true, others: { thriftiest: m(5, 216e-6, 0.1, 1), count: 5 } });
    expect(p).toMatchObject({ verdict: 'same-model', untuned: true, predictions: null, savedJPerPrediction: 0, extraJPerPrediction: 0, savedSpreadJ: 0 });
    expect(p.text.predictions).toBe('never');
    expect(p.sentence).toBe(
      "Model #0 (chosen) is the study's first trial, what would have been trained without tuning, and no model the search found is more accurate: against it the search saved no energy per prediction, so in energy the search (1.08 kJ) never pays back; its energy was the cost of learning how it compares with the 5 other models found. The other model using the least energy per prediction, #5, uses 41 µJ ± 39.1 µJ more at the same accuracy.",
    );
    // a thriftier but less accurate model: the sentence names it and how to weigh it
    const less = payback({ chosen: m(0, 175e-6, 0, 1), reference: m(0, 175e-6, 0, 1), referenceReason: 'r', campaignEnergyJ: 1080, gPerKWh: null, chosenIsFirst: true, role: 'listed', others: { thriftiest: m(7, 100e-6, 0, 0.97), count: 1 } });
    expect(less.sentence).toMatch(/^Model #0 is the study's first trial, .* with the other model found\. The other model using the least energy per prediction, #7, uses 75 µJ less, 3\.0 accuracy points lower: to weigh that, choose #7 and compare it with #0\.$/);
    // no other model at all
    const alone = payback({ chosen: m(0, 175e-6, 0, 1), reference: m(0, 175e-6, 0, 1), referenceReason: 'the only trial', campaignEnergyJ: 10, gPerKWh: null, chosenIsFirst: true, others: { thriftiest: null, count: 0 } });
    expect(alone.sentence).toMatch(/never pays back: the study has no other model with an inference figure to compare it with\.$/);
    // the reference the user named as the model itself stays 'pick another reference'
    expect(payback({ chosen: m(0, 175e-6, 0, 1), reference: m(0, 175e-6, 0, 1), referenceReason: 'the reference picked', campaignEnergyJ: 10, gPerKWh: null }).sentence).toMatch(/pick another reference/);
  });

  it('pays back at once when the campaign cost nothing, and writes large counts in words', () => {
    expect(payback({ chosen: model(1, 0.001), reference: model(0, 0.002), referenceReason: 'r', campaignEnergyJ: 0, gPerKWh: null }).predictions).toBe(0);
    const big = payback({ chosen: model(1, 0.0001), reference: model(0, 0.0001001), referenceReason: 'r', campaignEnergyJ: 2650, gPerKWh: null });
    expect(big.text.predictions).toBe('26.5 billion');
  });
});

describe('accuracy differences in points', () => {
  it('are of the percentages as shown, so the budget sentence, the payback line and the report agree', () => {
    // 79.11% and 79.55% are shown as 79.1% and 79.6%: 0.5 points apart everywhere (0.44 exactly)
    expect(pointsBetween(0.7911, 0.7955)).toBeCloseTo(0.5, 12);
    expect(pointsBetween(0.7955, 0.7911)).toBeCloseTo(-0.5, 12);
    expect(pointsBetween(0.9, 0.9)).toBe(0);
  });
});
