/**
 * A budget in words: "at most 2 mJ per prediction", "under 0.5 J per 1000 predictions",
 * "at least 95% accuracy", "≥ 0.9 accuracy and ≤ 1 mJ", "RMSE at most 20" (a regression study's error,
 * in the target's units; "loss" likewise). Read into the limits pickByBudget takes,
 * echoed back in plain words ("read as: energy per prediction ≤ 2 mJ"), or refused with a message
 * saying what could not be read — never a silent guess. Pure: shared by the app and the CLI.
 */
import type { BudgetLimit } from './analysis';

export type BudgetReading = { ok: true; limits: BudgetLimit[]; readAs: string } | { ok: false; error: string };

/** Joules per unit; Wh = 3600 J. */
const ENERGY_UNITS: Record<string, number> = {
  nj: 1e-9,
  µj: 1e-6,
  μj: 1e-6,
  uj: 1e-6,
  mj: 1e-3,
  j: 1,
  kj: 1e3,
  mwh: 3.6,
  wh: 3600,
  kwh: 3.6e6,
};

const MAX_WORDS = /^(at most|no more than|not more than|up to|under|below|less than|lower than|max(imum)?|<=|≤|<|=<)\s*/;
const MIN_WORDS = /^(at least|no less than|not less than|over|above|more than|higher than|min(imum)?|>=|≥|>|=>)\s*/;

const EXAMPLE = 'e.g. "at most 2 mJ per prediction", "under 0.5 J per 1000 predictions" or "at least 95% accuracy"';

/** "2 mJ" → J, in words a person reads back. */
export function formatEnergyJ(j: number): string {
  const abs = Math.abs(j);
  const [scale, unit] = abs >= 1e3 ? [1e-3, 'kJ'] : abs >= 1 ? [1, 'J'] : abs >= 1e-3 ? [1e3, 'mJ'] : abs >= 1e-6 ? [1e6, 'µJ'] : [1e9, 'nJ'];
  return `${Number((j * scale).toPrecision(4))} ${unit}`;
}

/** Units written out ("200 microjoules", "1 kilowatt-hour") to their symbols. */
function spellUnits(text: string): string {
  const prefixes: Record<string, string> = { nano: 'n', micro: 'µ', milli: 'm', '': '', kilo: 'k' };
  return text
    .replace(/\b(nano|micro|milli|kilo|)joules?\b/g, (_, p: string) => `${prefixes[p]}j`)
    .replace(/\b(milli|kilo|)watt[- ]?hours?\b/g, (_, p: string) => `${prefixes[p]}wh`);
}

function readClause(raw: string): { limit: BudgetLimit; words: string } | { error: string } {
  let text = spellUnits(raw.trim().toLowerCase().replace(/\s+/g, ' '));
  // "accuracy at least 95%", "energy per prediction under 2 mJ": the metric first
  const accuracyFirst = /^(?:accuracy|acc)\s+(.+)$/.exec(text);
  if (accuracyFirst) return readClause(`${accuracyFirst[1]} accuracy`);
  // "rmse at most 20", "error under 20", "loss below 0.3": a regression study's quality, the metric first
  const errorFirst = /^(rmse|root[- ]mean[- ]square(?:d)? error|(?:prediction )?error|loss)\s+(.+)$/.exec(text);
  if (errorFirst) return readClause(`${errorFirst[2]} ${errorFirst[1]!.startsWith('loss') ? 'loss' : 'rmse'}`);
  const trainingFirst = /^training(?: energy)?\s+(.+)$/.exec(text);
  if (trainingFirst) return readClause(`${trainingFirst[1]} for training`);
  const energyFirst = /^energy(?: per (?:prediction|inference|sample))?\s+(.+)$/.exec(text);
  if (energyFirst) return readClause(energyFirst[1]!);
  let bound: 'max' | 'min' | null = null;
  const max = MAX_WORDS.exec(text);
  const min = MIN_WORDS.exec(text);
  if (max) {
    bound = 'max';
    text = text.slice(max[0].length);
  } else if (min) {
    bound = 'min';
    text = text.slice(min[0].length);
  }
  const num = /^(-?\d+(?:,\d{3})+(?![\d.,])|-?\d+(?:[.,]\d+)?(?:e-?\d+)?)\s*(.*)$/.exec(text);
  if (!num) return { error: `could not read "${raw.trim()}": expected a number with a unit, ${EXAMPLE}` };
  // "1,500 µJ" groups thousands; "0,14 mJ", "2,5 mJ" and "0,140 mJ" have a decimal comma (walk 42).
  // The reading says which it took ("read as: … ≤ 1500 µJ").
  const thousands = /^-?[1-9]\d{0,2}(?:,\d{3})+$/.test(num[1]!);
  const value = Number(thousands ? num[1]!.replace(/,/g, '') : num[1]!.replace(',', '.'));
  const rest = num[2]!.trim();

  const percent = /^%\s*(accuracy|acc)?$/.exec(rest.replace(/\s*accuracy$/, ' accuracy'));
  const accuracyWord = /^(accuracy|acc)$/.exec(rest);
  if (percent || accuracyWord) {
    const fraction = percent ? value / 100 : value > 1 ? value / 100 : value;
    if (!(fraction >= 0 && fraction <= 1)) return { error: `"${raw.trim()}": accuracy must be between 0% and 100%` };
    const b = bound ?? 'min';
    return { limit: { metric: 'accuracy', bound: b, value: fraction }, words: `accuracy ${b === 'min' ? '≥' : '≤'} ${Number((fraction * 100).toPrecision(4))}%` };
  }

  const errorWord = /^(rmse|root[- ]mean[- ]square(?:d)? error|(?:prediction )?error|loss)$/.exec(rest);
  if (errorWord) {
    const metric = errorWord[1] === 'loss' ? 'loss' : 'rmse';
    if (value < 0) return { error: `"${raw.trim()}": ${metric === 'rmse' ? 'an RMSE' : 'a loss'} cannot be negative` };
    const b = bound ?? 'max';
    return { limit: { metric, bound: b, value }, words: `${metric === 'rmse' ? 'RMSE' : 'loss'} ${b === 'max' ? '≤' : '≥'} ${Number(value.toPrecision(4))}` };
  }

  const energy = /^([nµμumk]?j|[mk]?wh)\b\s*(.*)$/.exec(rest);
  if (!energy) return { error: `could not read the unit in "${raw.trim()}": use µJ, mJ, J, kJ, Wh or kWh for energy, % for accuracy, or "RMSE" for a regression study's error (${EXAMPLE}, "RMSE at most 20")` };
  if (value < 0) return { error: `"${raw.trim()}": an energy cannot be negative` };
  if (value === 0) return { error: `"${raw.trim()}": no model runs on 0 J; give a budget above zero` };
  const joules = value * ENERGY_UNITS[energy[1]!]!;
  const per = energy[2]!.trim();
  const b = bound ?? 'max';
  const sign = b === 'max' ? '≤' : '≥';
  if (per === '' || /^(per|a|each|\/)\s*(prediction|inference|sample|call)s?$/.test(per)) {
    return { limit: { metric: 'infer_energy_j_per_sample', bound: b, value: joules }, words: `energy per prediction ${sign} ${formatEnergyJ(joules)}` };
  }
  const perN = /^(?:per|for|a|every|\/)\s*(?:a\s+)?(\d+(?:\.\d+)?)?\s*(k|thousand|m|million)?\s*(prediction|inference|sample|call)s?$/.exec(per.replace(/(\d),(\d{3})/g, '$1$2'));
  if (perN && (perN[1] !== undefined || perN[2] !== undefined)) {
    const n = Number(perN[1] ?? 1) * (perN[2] === 'k' || perN[2] === 'thousand' ? 1e3 : perN[2] === 'm' || perN[2] === 'million' ? 1e6 : 1);
    if (!(n > 0)) return { error: `"${raw.trim()}": the number of predictions must be above zero` };
    return {
      limit: { metric: 'infer_energy_j_per_sample', bound: b, value: joules / n },
      words: `energy per prediction ${sign} ${formatEnergyJ(joules / n)} (${formatEnergyJ(joules)} per ${n.toLocaleString('en-US')} predictions)`,
    };
  }
  if (/^(for|of|in|per)?\s*(the\s+)?(training|train)( run)?$|^to train$/.test(per)) {
    return { limit: { metric: 'train_energy_j', bound: b, value: joules }, words: `training energy ${sign} ${formatEnergyJ(joules)}` };
  }
  return { error: `could not read "${per}" in "${raw.trim()}": say "per prediction", "per 1000 predictions" or "for training"` };
}

/**
 * Words before the limits that name what the picker finds anyway: "the best model under 2 mJ per
 * prediction" (the product's own phrase, refused until walk 46), "the most accurate model at most
 * 0.56 mJ", "a model that uses at most 1 mJ".
 */
const PREAMBLE = /^(?:(?:the|a|an)\s+)?(?:(?:most\s+accurate|best|cheapest|most\s+frugal)\s+)?(?:model|one)\s+(?:(?:that|which)\s+(?:uses|needs|takes|has|is)\s+|(?:with|using)\s+)?/i;

/** Reads a whole budget: clauses joined by "and", commas or semicolons. */
export function parseBudget(text: string): BudgetReading {
  const t = text.trim().replace(PREAMBLE, '');
  if (!t) return { ok: false, error: `type a budget, ${EXAMPLE}` };
  // a comma between digits is part of a number ("0,14 mJ", "1,000 predictions"), not a new clause
  const clauses = t.split(/\s*(?:(?<!\d),|,(?!\d)|;|\band\b|&)\s*/i).filter(Boolean);
  const limits: BudgetLimit[] = [];
  const words: string[] = [];
  for (const c of clauses) {
    const r = readClause(c);
    if ('error' in r) return { ok: false, error: r.error };
    if (limits.some((l) => l.metric === r.limit.metric && l.bound === r.limit.bound)) {
      return { ok: false, error: `"${t}" sets the same limit twice; keep one` };
    }
    limits.push(r.limit);
    words.push(r.words);
  }
  return { ok: true, limits, readAs: `read as: ${words.join(' and ')}` };
}
