/**
 * Did the search pay for itself? The energy payback of tuning: the number of predictions after
 * which the energy a chosen model saves per prediction, against a reference model, repays the
 * energy the whole tuning campaign used. One pure function, used by the CLI (`ecopt show
 * --payback`), the app's explorer and every report format, so the three always agree.
 *
 *   saved per prediction  Δ = E_ref − E_chosen                       (J)
 *   payback point         N = C / Δ          when Δ > 0              (predictions)
 *   interval              [C / Δ_high, C / Δ_low], Δ_high = E_ref(1 + s_ref) − E_chosen(1 − s_chosen),
 *                         Δ_low = E_ref(1 − s_ref) − E_chosen(1 + s_chosen); no upper end when Δ_low ≤ 0
 *
 * with C the campaign's energy and s the relative spread of each per-prediction figure (its
 * repeat-to-repeat variation). A systematic error of the energy source (the ±40% of a TDP
 * estimate) scales C and Δ alike and leaves N unchanged, so it is not added to the interval.
 * Carbon follows from energy × grid intensity × PUE; the payback point is the same in grams.
 */
import { formatSi } from './format';

export interface PaybackModel {
  trial: number;
  /** The model's own inference energy per prediction, J. */
  jPerPrediction: number;
  /** Relative spread of that figure (0.05 = ±5%); null when not measured (taken as 0, and said). */
  spreadRel: number | null;
  /** Accuracy as a fraction; null when the study has none. */
  accuracy: number | null;
  /** A regression study's quality instead (lower is better), in the target's units for RMSE. */
  error?: { metric: 'rmse' | 'loss'; value: number } | null;
}

export interface PaybackInput {
  chosen: PaybackModel;
  reference: PaybackModel;
  /** Why this reference: "the most accurate trial", "picked by the user", … */
  referenceReason: string;
  /** Energy of the whole tuning campaign (every trial whatever its state, idle baselines), J. */
  campaignEnergyJ: number;
  /** Grid carbon intensity × PUE, gCO2e per kWh; null for energy only. */
  gPerKWh: number | null;
  /** `listed`: one of several trials shown side by side (the front), not a model the user chose; the sentence then does not call it chosen. */
  role?: 'chosen' | 'listed';
  /** The chosen model is the study's first trial, what would have been trained without tuning: against that the search saved nothing, and the sentence says so. */
  chosenIsFirst?: boolean;
  /**
   * Where the chosen model is the untuned first trial and its own reference (no trial is more
   * accurate): the other model using the least energy per prediction and how many other models
   * have a figure, for the sentence's comparison (the payback itself is "never": nothing was saved).
   */
  others?: { thriftiest: PaybackModel | null; count: number };
}

export type PaybackVerdict = 'pays-back' | 'never' | 'same-model';

export interface PaybackResult {
  chosenTrial: number;
  referenceTrial: number;
  referenceReason: string;
  chosenJPerPrediction: number;
  referenceJPerPrediction: number;
  /** E_ref − E_chosen when positive, else 0, J per prediction (no energy is ever negative). */
  savedJPerPrediction: number;
  /** E_chosen − E_ref when the chosen model uses more, else 0, J per prediction. */
  extraJPerPrediction: number;
  /** ± half-width of the saved energy from the two spreads (worst case), J per prediction. */
  savedSpreadJ: number;
  /** Saved share of the reference's energy per prediction (negative: the chosen model uses more). */
  savedRel: number;
  /** False when a spread was not measured and was taken as zero. */
  spreadKnown: boolean;
  campaignEnergyJ: number;
  verdict: PaybackVerdict;
  /** The payback point, predictions; null unless the verdict is `pays-back`. */
  predictions: number | null;
  /** The payback point's interval from the spreads; `high` null: within the spreads it may never pay back. */
  interval: { low: number; high: number | null } | null;
  /** Chosen − reference accuracy, percentage points; null without accuracy. */
  accuracyGainPoints: number | null;
  /** A study without accuracy: chosen − reference of its error (RMSE or loss; negative: the chosen model errs less). */
  errorChange?: { metric: 'rmse' | 'loss'; change: number };
  /** Carbon at the report's intensity and PUE; null without one. */
  carbon: { gPerKWh: number; campaignG: number; savedGPerPrediction: number; extraGPerPrediction: number } | null;
  /** The figures as text, identical wherever they are shown. */
  text: { saved: string; campaign: string; predictions: string; interval: string };
  sentence: string;
  /** The chosen model is the untuned first trial and its own reference: the search saved nothing per prediction, so it never pays back (walk 54: it was compared with another trial and said to pay back). */
  untuned?: true;
}

const J_PER_KWH = 3.6e6;

export function payback(input: PaybackInput): PaybackResult {
  const { chosen, reference } = input;
  const c = Math.max(0, input.campaignEnergyJ);
  const eRef = reference.jPerPrediction;
  const eCho = chosen.jPerPrediction;
  const sRef = reference.spreadRel ?? 0;
  const sCho = chosen.spreadRel ?? 0;
  const saved = eRef - eCho;
  const same = chosen.trial === reference.trial;
  // a model against itself saves exactly nothing: no spread either ("0 J ± 44.4 µJ" said otherwise)
  const savedSpread = same ? 0 : eRef * sRef + eCho * sCho;
  const untuned = same && input.chosenIsFirst === true;
  const spreadKnown = chosen.spreadRel !== null && reference.spreadRel !== null;
  const verdict: PaybackVerdict = same ? 'same-model' : saved > 0 ? 'pays-back' : 'never';
  let predictions: number | null = null;
  let interval: PaybackResult['interval'] = null;
  if (verdict === 'pays-back') {
    predictions = c / saved;
    // a saving whose spread takes it to within 1% of nothing ("103 µJ ± 103 µJ") may never pay back
    const high = saved - savedSpread;
    // no spread to make one from, where a spread was not measured: no interval ("between 40.5
    // million and 40.5 million" said nothing); spreads measured as zero make it the point itself
    if (savedSpread > 0 || spreadKnown) interval = { low: c / (saved + savedSpread), high: high > 0.01 * saved ? c / high : null };
  }
  const gain = chosen.accuracy !== null && reference.accuracy !== null ? pointsBetween(reference.accuracy, chosen.accuracy) : null;
  const errorChange = gain === null && chosen.error && reference.error && chosen.error.metric === reference.error.metric ? { metric: chosen.error.metric, change: chosen.error.value - reference.error.value } : null;
  const errorWords = (d: number) => errorChangeWords(errorChange!.metric, d);
  const carbon =
    input.gPerKWh === null
      ? null
      : {
          gPerKWh: input.gPerKWh,
          campaignG: (c / J_PER_KWH) * input.gPerKWh,
          savedGPerPrediction: (Math.max(0, saved) / J_PER_KWH) * input.gPerKWh,
          extraGPerPrediction: (Math.max(0, -saved) / J_PER_KWH) * input.gPerKWh,
        };
  const text = {
    saved: `${formatSi(Math.abs(saved), 'J')}${savedSpread > 0 ? ` ± ${formatSi(savedSpread, 'J')}` : ''}`,
    campaign: formatSi(c, 'J'),
    predictions: predictions === null ? (verdict === 'never' || untuned ? 'never' : '—') : countText(predictions),
    interval: interval === null ? '—' : `${countText(interval.low)} to ${interval.high === null ? 'never' : countText(interval.high)}`,
  };
  const listed = input.role === 'listed';
  const names = `model #${chosen.trial}${listed ? '' : ' (chosen)'} against model #${reference.trial} (${input.referenceReason})`;
  let sentence: string;
  if (untuned) {
    sentence = `Model #${chosen.trial}${listed ? '' : ' (chosen)'} is the study's first trial, what would have been trained without tuning, and no model the search found is more accurate: against it the search saved no energy per prediction, so in energy the search (${text.campaign}) never pays back${untunedOthers(chosen, input.others)}`;
  } else if (verdict === 'same-model') {
    sentence = `Model #${chosen.trial} is itself the reference (${input.referenceReason}): there is nothing to pay back against; pick another reference.`;
  } else if (verdict === 'never') {
    const buys =
      gain === null
        ? errorChange === null
          ? 'it buys nothing measurable in return'
          : errorChange.change < 0
            ? `what it buys instead is ${errorWords(errorChange.change)}`
            : `and it is not more accurate either (${errorWords(errorChange.change)})`
        : gain > 0
          ? `what it buys instead is ${gain.toFixed(1)} accuracy points`
          : `and it is not more accurate either (${gain.toFixed(1)} points)`;
    // more by less than the spreads: the measurements cannot tell the two apart, and the sentence says so
    const unsure = saved < 0 && -saved < savedSpread ? ', a difference within the measurement spread (it may in fact use less),' : '';
    sentence = `${cap(names)}: ${listed ? 'it' : 'the chosen model'} uses ${saved === 0 ? 'as much energy' : `${text.saved} more`} per prediction${unsure ? `${unsure} so as measured` : ', so in energy'} the search (${text.campaign}) never pays back; ${buys}.`;
  } else {
    const within = interval === null ? '' : interval.high === null ? ` (at least ${countText(interval.low)}, and within the spreads it may never pay back)` : ` (between ${countText(interval.low)} and ${countText(interval.high)})`;
    sentence =
      `${cap(names)}: saves ${text.saved} per prediction${spreadKnown ? '' : ' (spread not measured)'}; ` +
      `the search used ${text.campaign}, so it pays back after ${text.predictions} predictions${within}` +
      (gain !== null && gain < 0 ? `, at a cost of ${(-gain).toFixed(1)} accuracy points.` : errorChange !== null && errorChange.change > 0 ? `, at a cost of ${errorWords(errorChange.change)}.` : '.');
  }
  if (input.chosenIsFirst && !same) {
    sentence += ` Model #${chosen.trial} is itself the study's first trial, what would have been trained without tuning: against that the search saved no energy per prediction, and its ${text.campaign} were the cost of learning how it compares with the models the search found.`;
  }
  return {
    chosenTrial: chosen.trial,
    referenceTrial: reference.trial,
    referenceReason: input.referenceReason,
    chosenJPerPrediction: eCho,
    referenceJPerPrediction: eRef,
    savedJPerPrediction: Math.max(0, saved),
    extraJPerPrediction: Math.max(0, -saved),
    savedSpreadJ: savedSpread,
    savedRel: eRef > 0 ? saved / eRef : 0,
    spreadKnown,
    campaignEnergyJ: c,
    verdict,
    predictions,
    interval,
    accuracyGainPoints: gain,
    ...(errorChange ? { errorChange } : {}),
    carbon,
    text,
    sentence,
    ...(untuned ? { untuned: true as const } : {}),
  };
}

/** "; they were the cost of learning how it compares with the 5 other models found. The other model using the least energy per prediction, #5, uses 41.1 µJ ± 52.8 µJ more." */
function untunedOthers(chosen: PaybackModel, others: PaybackInput['others']): string {
  if (!others || others.count === 0 || !others.thriftiest) return ': the study has no other model with an inference figure to compare it with.';
  const t = others.thriftiest;
  const d = t.jPerPrediction - chosen.jPerPrediction;
  const spread = t.jPerPrediction * (t.spreadRel ?? 0) + chosen.jPerPrediction * (chosen.spreadRel ?? 0);
  const amount = `${formatSi(Math.abs(d), 'J')}${spread > 0 ? ` ± ${formatSi(spread, 'J')}` : ''}`;
  const gain = t.accuracy !== null && chosen.accuracy !== null ? pointsBetween(chosen.accuracy, t.accuracy) : null;
  const error = gain === null && t.error && chosen.error && t.error.metric === chosen.error.metric ? errorChangeWords(t.error.metric, t.error.value - chosen.error.value) : null;
  const quality = gain !== null ? (gain === 0 ? ' at the same accuracy' : `, ${Math.abs(gain).toFixed(1)} accuracy points ${gain < 0 ? 'lower' : 'higher'}`) : error !== null ? ` with ${error}` : '';
  const uses = d === 0 ? 'uses as much' : d > 0 ? `uses ${amount} more` : `uses ${amount} less${quality}: to weigh that, choose #${t.trial} and compare it with #${chosen.trial}`;
  const n = others.count;
  return `; its energy was the cost of learning how it compares with the ${n === 1 ? 'other model' : `${n.toLocaleString('en-US')} other models`} found. The other model using the least energy per prediction, #${t.trial}, ${uses}${d > 0 ? quality : ''}.`;
}

/** "an RMSE 1.74 higher", "a loss 0.02 lower": one model's error against another's (b − a = `change`), as the budget pick, the report's trade-off and the payback all say it. */
export function errorChangeWords(metric: 'rmse' | 'loss', change: number): string {
  return `${metric === 'rmse' ? 'an RMSE' : 'a loss'} ${Number(Math.abs(change).toPrecision(4))} ${change < 0 ? 'lower' : 'higher'}`;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}


/**
 * b − a in percentage points, of the accuracies as every screen shows them (a percentage to one
 * decimal): "79.1% and 79.6%, 0.5 points apart" everywhere, never 0.4 in one place and 0.5 in another.
 */
export function pointsBetween(a: number, b: number): number {
  return (Math.round(b * 1000) - Math.round(a * 1000)) / 10;
}

/** A count of predictions in plain words: "4,800", "1.2 million"; three significant figures, no exponent. */
function countText(n: number): string {
  if (!Number.isFinite(n)) return 'never';
  if (n < 1) return n === 0 ? '0' : 'fewer than 1';
  const scales: [number, string][] = [
    [1e12, ' trillion'],
    [1e9, ' billion'],
    [1e6, ' million'],
  ];
  for (const [scale, word] of scales) if (n >= scale) return `${Number((n / scale).toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 2 })}${word}`;
  return Math.round(Number(n.toPrecision(3))).toLocaleString('en-US');
}
