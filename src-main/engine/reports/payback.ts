/**
 * The payback of a study's search, from the store: which reference to compare with, each
 * model's energy per prediction and its spread, the campaign's energy; the maths itself is the
 * shared `payback` function, so the CLI, the app and the reports agree to the digit.
 */
import { frontTrials, mostAccurateOf, studyQuality, type Quality } from '../../shared/analysis';
import { trialsOfClass } from '../../shared/classes';
import { payback, type PaybackResult } from '../../shared/payback';
import type { TrialRecord } from '../../shared/types';
import { formatSi } from '../../shared/format';
import { resolveIntensity, checkPue } from '../carbon/intensity';
import { UserError } from '../errors';
import type { Store } from '../store/store';
import { campaignFigures } from './campaign';

const hasEnergy = (t: TrialRecord) => t.state === 'complete' && t.metrics.infer_energy_j_per_sample !== undefined && Number.isFinite(t.metrics.infer_energy_j_per_sample);

/**
 * The most accurate complete trial (highest accuracy; in a regression study, lowest RMSE); ties go
 * to the one using less energy per prediction (as the budget picker).
 */
export function mostAccurateTrial(trials: readonly TrialRecord[], quality: Quality = studyQuality(null, trials)): TrialRecord | null {
  return mostAccurateOf(trials, quality);
}

/**
 * The first configuration tried, with a measured inference energy — what would have been trained
 * without tuning; a re-run (a trial interrupted and run again) stands in its original's place.
 */
function firstConfiguration(trials: readonly TrialRecord[]): { first: TrialRecord | undefined; original: (t: TrialRecord) => TrialRecord } {
  const byId = new Map(trials.map((t) => [t.id, t]));
  const original = (t: TrialRecord): TrialRecord => {
    let o = t;
    for (let hops = 0; o.retryOf !== null && byId.has(o.retryOf) && hops < trials.length; hops++) o = byId.get(o.retryOf)!;
    return o;
  };
  return { first: trials.filter(hasEnergy).sort((a, b) => original(a).number - original(b).number || a.number - b.number)[0], original };
}

/**
 * The reference a chosen model is compared with: the trial the user names; otherwise the most
 * accurate trial; when the chosen model is itself the most accurate, the study's first trial, the
 * configuration one would have trained without tuning; and when that too is the chosen model, the
 * chosen model itself: the search saved nothing against the untuned model, so it never pays back
 * (walk 54: it was compared with the other trial using the least energy, and said to pay back).
 * Where `trials` are one hardware class's and the study's first trial ran on another, the other
 * trial of the class using the least energy per prediction stands in, named as such.
 */
export function pickReference(
  trials: readonly TrialRecord[],
  chosen: TrialRecord,
  referenceNumber?: number,
  /** The whole study, where `trials` are one hardware class's: the untuned first trial is the study's, wherever it ran. */
  study: readonly TrialRecord[] = trials,
): { trial: TrialRecord; reason: string } {
  if (referenceNumber !== undefined) {
    const t = trials.find((x) => x.number === referenceNumber);
    if (!t) throw new UserError(`there is no trial ${referenceNumber} to compare with; pick a complete trial as the reference`);
    if (!hasEnergy(t)) throw new UserError(`trial ${referenceNumber} is ${t.state === 'complete' ? 'complete but has no inference energy' : t.state}: pick a complete trial with an inference measurement as the reference`);
    return { trial: t, reason: 'the reference picked' };
  }
  const top = mostAccurateTrial(trials.filter(hasEnergy));
  if (top && top.number !== chosen.number) return { trial: top, reason: 'the most accurate trial' };
  const others = trials.filter((t) => hasEnergy(t) && t.number !== chosen.number);
  const { first, original } = firstConfiguration(study);
  if (first && !trials.some((t) => t.number === first.number)) {
    // the study's first trial ran on another hardware class, whose energy is not comparable: the thriftiest of this class's others
    const thrifty = thriftiestOther(trials, chosen).thriftiest;
    if (thrifty) return { trial: thrifty, reason: "the other trial of this hardware class using the least energy per prediction; the study's first trial ran on another" };
    return { trial: chosen, reason: 'the only trial of this hardware class' };
  }
  if (first && first.number !== chosen.number) {
    const from = original(first);
    return {
      trial: first,
      reason: from.number === first.number ? 'the first trial: what would have been trained without tuning' : `the first configuration tried (trial ${from.number}, interrupted and re-run as trial ${first.number}): what would have been trained without tuning`,
    };
  }
  // the most accurate model was also the first tried: it is what would have been trained without tuning
  return { trial: chosen, reason: others.length ? 'the first trial: what would have been trained without tuning' : 'the only trial' };
}

/** The other trial with an inference figure using the least energy per prediction, and how many others have one. */
function thriftiestOther(trials: readonly TrialRecord[], chosen: TrialRecord): { thriftiest: TrialRecord | null; count: number } {
  const others = trials.filter((t) => hasEnergy(t) && t.number !== chosen.number);
  return { thriftiest: [...others].sort((a, b) => a.metrics.infer_energy_j_per_sample! - b.metrics.infer_energy_j_per_sample! || a.number - b.number)[0] ?? null, count: others.length };
}

export function inferenceSpread(store: Store, t: TrialRecord): number | null {
  const spread = store.getTrialAttrs(t.id).energy_spread_rel as Record<string, number> | undefined;
  const s = spread?.infer_energy_j_per_sample;
  return typeof s === 'number' && Number.isFinite(s) ? s : null;
}

/** The payback of `chosen` against its reference, with the campaign energy and carbon factor given. */
export function paybackOf(
  store: Store,
  trials: readonly TrialRecord[],
  chosen: TrialRecord,
  options: { referenceNumber?: number; campaignEnergyJ: number; gPerKWh: number | null; role?: 'chosen' | 'listed'; study?: readonly TrialRecord[] },
): PaybackResult | null {
  if (!hasEnergy(chosen)) return null;
  const study = options.study ?? trials;
  const ref = pickReference(trials, chosen, options.referenceNumber, study);
  const model = (t: TrialRecord) => ({
    trial: t.number,
    jPerPrediction: t.metrics.infer_energy_j_per_sample!,
    spreadRel: inferenceSpread(store, t),
    accuracy: t.metrics.accuracy ?? null,
    error: t.metrics.rmse !== undefined ? { metric: 'rmse' as const, value: t.metrics.rmse } : t.metrics.loss !== undefined ? { metric: 'loss' as const, value: t.metrics.loss } : null,
  });
  // the chosen model is the one that would have been trained without tuning: the sentence says what the payback is then against
  // (a reference the user named as the chosen model itself stays "pick another reference")
  const untuned = firstConfiguration(study).first?.number === chosen.number && (ref.trial.number !== chosen.number || options.referenceNumber === undefined);
  const others = untuned && ref.trial.number === chosen.number ? thriftiestOther(trials, chosen) : null;
  return payback({
    chosen: model(chosen),
    reference: model(ref.trial),
    referenceReason: ref.reason,
    campaignEnergyJ: options.campaignEnergyJ,
    gPerKWh: options.gPerKWh,
    ...(options.role ? { role: options.role } : {}),
    ...(untuned ? { chosenIsFirst: true } : {}),
    ...(others ? { others: { thriftiest: others.thriftiest ? model(others.thriftiest) : null, count: others.count } } : {}),
  });
}

export interface StudyPayback {
  study: string;
  campaignEnergyJ: number;
  /** Trials counted in the campaign, by state. */
  trials: Record<'complete' | 'pruned' | 'failed' | 'interrupted', number>;
  /** Idle baselines counted in the campaign, and those left out (taken while other programs kept the machine busy). */
  idle: { counted: number; underLoad: number };
  /** Re-measurements of kept models counted in the campaign (with their trials), where any were made. */
  remeasured?: { runs: number; trials: number; energyJ: number };
  /** gPerKWh: the grid's intensity × PUE, what the carbon figures use; gridGPerKWh: the grid's own. */
  intensity: { gPerKWh: number; gridGPerKWh: number; country: string; pue: number; worldFallback: boolean };
  /** The campaign's emissions at that intensity, g CO2e. */
  campaignG: number;
  /** The payback of each trial asked for (default: every trial on the study's Pareto front). */
  rows: PaybackResult[];
}

/** Payback of some trials of a study (the CLI's `show --payback` and the app's explorer). */
export function studyPayback(
  store: Store,
  studyName: string,
  options: { trials?: number[]; reference?: number; country?: string; intensityGPerKWh?: number; pue?: number } = {},
): StudyPayback {
  const study = store.requireStudy(studyName);
  const trials = store.getPlacedTrials(study.id);
  // a study over several hardware classes: each model is compared within its own class, and the front is each class's
  const classes = [...new Set(trials.map((t) => t.hardwareClass).filter((c): c is string => c != null))];
  const several = classes.length > 1;
  const pue = checkPue(options.pue ?? 1);
  const intensity = resolveIntensity({
    ...(options.country !== undefined ? { country: options.country } : {}),
    ...(options.intensityGPerKWh !== undefined ? { intensityGPerKWh: options.intensityGPerKWh } : {}),
  });
  const gPerKWh = intensity.intensityGPerKWh * pue;
  const campaign = campaignFigures(store.campaignWindows(study.id), gPerKWh, trials, store.processEnergies(study.id), store.remeasurements(study.id));
  const front = (several ? classes.flatMap((c) => frontTrials(trialsOfClass(trials, c), study.objectives)).sort((a, b) => a - b) : frontTrials(trials, study.objectives)).filter((n) =>
    hasEnergy(trials.find((t) => t.number === n)!),
  );
  const wanted = options.trials ?? (front.length ? front : trials.filter(hasEnergy).map((t) => t.number));
  const rows: PaybackResult[] = [];
  for (const n of wanted) {
    const t = trials.find((x) => x.number === n);
    if (!t) throw new UserError(`study "${study.name}" has no trial ${n}`);
    if (!hasEnergy(t)) throw new UserError(`trial ${n} of "${study.name}" is ${t.state === 'complete' ? 'complete but has no inference energy' : t.state}: its payback cannot be computed`);
    const pool = several ? trials.filter((x) => x.hardwareClass === t.hardwareClass) : trials;
    const named = options.reference !== undefined ? trials.find((x) => x.number === options.reference) : undefined;
    if (several && named && named.hardwareClass !== t.hardwareClass) {
      throw new UserError(`trial ${named.number} ran on another hardware class than trial ${n} (${named.hardwareClass} and ${t.hardwareClass}): energy is compared only within one; pick a reference of class ${t.hardwareClass}`);
    }
    const r = paybackOf(store, pool, t, { study: trials, ...(options.reference !== undefined ? { referenceNumber: options.reference } : {}), campaignEnergyJ: campaign.energyJ, gPerKWh, role: options.trials ? 'chosen' : 'listed' });
    if (r) rows.push(r);
  }
  return {
    study: study.name,
    campaignEnergyJ: campaign.energyJ,
    trials: { complete: campaign.byState.complete.trials, pruned: campaign.byState.pruned.trials, failed: campaign.byState.failed.trials, interrupted: campaign.byState.interrupted.trials },
    idle: { counted: campaign.idle.windows, underLoad: campaign.idle.underLoad },
    ...(campaign.remeasured ? { remeasured: { runs: campaign.remeasured.runs, trials: campaign.remeasured.trials, energyJ: campaign.remeasured.energyJ } } : {}),
    intensity: { gPerKWh, gridGPerKWh: intensity.intensityGPerKWh, country: intensity.country, pue, worldFallback: intensity.origin === 'world-fallback' },
    campaignG: campaign.emissionsG,
    rows,
  };
}

/**
 * "233 mg CO2e at 380.95 gCO2e/kWh (Germany) × PUE 1.2 = 457.14 gCO2e/kWh": the campaign's carbon, and
 * the grid's intensity apart from the facility's overhead (walk 56: "carbon at 457.14 gCO2e/kWh
 * (Germany, PUE 1.2)" read as Germany's intensity, and no grams followed).
 */
function carbonWords(p: StudyPayback): string {
  const i = p.intensity;
  const round = (x: number) => Number(x.toFixed(2));
  return `${formatSi(p.campaignG, 'g')} CO2e at ${round(i.gridGPerKWh)} gCO2e/kWh (${i.country})${i.pue !== 1 ? ` × PUE ${i.pue} = ${round(i.gPerKWh)} gCO2e/kWh` : ', PUE 1'}`;
}

/** "; 9 re-measurements of 3 models (570 J) included" — where the campaign holds any (walk 40: it grew by them unexplained). */
export function remeasuredWords(r: StudyPayback['remeasured']): string {
  if (!r) return '';
  return `; ${r.runs} re-measurement${r.runs === 1 ? '' : 's'} of ${r.trials} model${r.trials === 1 ? '' : 's'} (${formatSi(r.energyJ, 'J')}) included`;
}

/** ", 1 idle baseline (1 more, taken under load, not counted)" — what the campaign holds besides its trials. */
function idleWords(idle: StudyPayback['idle']): string {
  const counted = idle.counted ? ` and ${idle.counted} idle baseline${idle.counted === 1 ? '' : 's'}` : '';
  const left = idle.underLoad ? `; ${idle.underLoad} idle baseline${idle.underLoad === 1 ? '' : 's'} taken while other programs kept the machine busy not counted` : '';
  return `${counted}${left}`;
}

/** `ecopt show --payback`: the campaign, then one line per trial with its payback, then each sentence. */
export function paybackLines(p: StudyPayback): string[] {
  const t = p.trials;
  const head = `Payback of the search: the whole campaign used ${p.rows[0]?.text.campaign ?? `${p.campaignEnergyJ} J`} (${t.complete} complete, ${t.pruned} pruned, ${t.failed} failed, ${t.interrupted} interrupted trials${idleWords(p.idle)}${remeasuredWords(p.remeasured)}), ${carbonWords(p)}.`;
  if (p.rows.length === 0) return [head, '  No complete trial has an inference energy to compare.'];
  const errorMetric = p.rows.find((r) => r.errorChange)?.errorChange?.metric;
  const cols = ['trial', 'vs', 'saved per prediction', 'payback (predictions)', 'interval', errorMetric === 'rmse' ? 'RMSE' : errorMetric ?? 'accuracy'];
  const cells = p.rows.map((r) => [
    `#${r.chosenTrial}`,
    `#${r.referenceTrial}`,
    r.verdict === 'same-model' ? '—' : `${r.extraJPerPrediction > 0 ? 'uses ' : ''}${r.text.saved}${r.extraJPerPrediction > 0 ? ' more' : ''}`,
    r.untuned ? 'never (untuned)' : r.verdict === 'same-model' ? 'is the reference' : r.text.predictions,
    r.text.interval,
    r.accuracyGainPoints !== null
      ? `${r.accuracyGainPoints >= 0 ? '+' : ''}${r.accuracyGainPoints.toFixed(1)} pts`
      : r.errorChange
        ? `${r.errorChange.change >= 0 ? '+' : ''}${Number(r.errorChange.change.toPrecision(4))}`
        : '—',
  ]);
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => `  ${row.map((c, i) => c.padEnd(width[i]!)).join('  ')}`.trimEnd();
  return [head, line(cols), ...cells.map(line), '', ...p.rows.map((r) => `  ${r.sentence}`)];
}
