/**
 * Study analysis shared by the CLI, the server and the renderer: the feasible Pareto front,
 * hypervolume history, parameter importance, and picking a model by a budget.
 */
import { dominates, hypervolume, paretoFrontIndices, toMinimisation } from './pareto';
import type { TrialLike } from './columns';
import type { Direction, MetricName } from './types';
import { METRICS } from './types';
import { formatMetric } from './format';
import { errorChangeWords, pointsBetween } from './payback';
import { targetUnitsText } from './spec';

export interface ObjectiveLike {
  metric: string;
  direction: Direction;
  threshold?: number;
}

function values(t: Pick<TrialLike, 'metrics'>, objectives: readonly ObjectiveLike[]): number[] | null {
  const v = objectives.map((o) => t.metrics[o.metric as MetricName]);
  return v.every((x) => x !== undefined && Number.isFinite(x)) ? (v as number[]) : null;
}

export function feasible(t: Pick<TrialLike, 'metrics'>, objectives: readonly ObjectiveLike[]): boolean {
  return objectives.every((o) => {
    if (o.threshold === undefined) return true;
    const v = t.metrics[o.metric as MetricName];
    if (v === undefined) return false;
    return o.direction === 'minimize' ? v <= o.threshold : v >= o.threshold;
  });
}

/** Trial numbers on the Pareto front of the complete trials that meet every limit. */
export function frontTrials(trials: readonly TrialLike[], objectives: readonly ObjectiveLike[]): number[] {
  const directions = objectives.map((o) => o.direction);
  const numbers: number[] = [];
  const pts: number[][] = [];
  for (const t of trials) {
    if (t.state !== 'complete' || !feasible(t, objectives)) continue;
    const v = values(t, objectives);
    if (!v) continue;
    numbers.push(t.number);
    pts.push(toMinimisation(v, directions));
  }
  return paretoFrontIndices(pts).map((i) => numbers[i]!);
}

/**
 * Hypervolume after each finished trial, as a share of the reference box: objectives scaled to
 * [0, 1] by the range seen over the whole study's feasible trials (the ideal point 0, the
 * reference point 1.1 in each), the dominated volume divided by the box's volume 1.1^m. Every
 * point lies in the box, so the value is in [0, 1] by construction, and the curve is comparable
 * within a study.
 */
export function hypervolumeHistory(trials: readonly TrialLike[], objectives: readonly ObjectiveLike[]): { trial: number; value: number }[] {
  const done = [...trials].sort((a, b) => a.number - b.number);
  const directions = objectives.map((o) => o.direction);
  const pts = done.map((t) => {
    const v = t.state === 'complete' && feasible(t, objectives) ? values(t, objectives) : null;
    return v ? toMinimisation(v, directions) : null;
  });
  const mins = objectives.map(() => Infinity);
  const maxs = objectives.map(() => -Infinity);
  for (const p of pts) {
    if (!p) continue;
    p.forEach((c, k) => {
      if (c < mins[k]!) mins[k] = c;
      if (c > maxs[k]!) maxs[k] = c;
    });
  }
  const ref = objectives.map(() => 1.1);
  const box = ref.reduce((a, r) => a * r, 1);
  // keep only the running front: a dominated newcomer leaves the hypervolume unchanged
  let front: number[][] = [];
  let value = 0;
  const out: { trial: number; value: number }[] = [];
  done.forEach((t, i) => {
    const v = pts[i];
    if (v) {
      const x = v.map((c, k) => (maxs[k]! > mins[k]! ? Math.min(Math.max((c - mins[k]!) / (maxs[k]! - mins[k]!), 0), 1) : 0));
      if (!front.some((q) => dominates(q, x) || q.every((c, k) => c === x[k]))) {
        front = [...front.filter((q) => !dominates(x, q)), x];
        value = Math.min(hypervolume(front, ref) / box, 1);
      }
    }
    if (t.state === 'complete' || t.state === 'failed' || t.state === 'pruned') out.push({ trial: t.number, value });
  });
  return out;
}

/**
 * The vertices of a hypervolume history drawn as a step function: the first entry, each entry
 * whose value differs from the one before, and the last. A plot with these and a horizontal-then-
 * vertical line shape shows exactly the history.
 */
export function hypervolumeSteps(history: readonly { trial: number; value: number }[]): { trial: number; value: number }[] {
  return history.filter((h, i) => i === 0 || i === history.length - 1 || h.value !== history[i - 1]!.value);
}

/**
 * First-order parameter importance per objective ("binned ANOVA"): each parameter's values are
 * split into up to 4 equal-count bins (categories are their own bins), and its importance is the
 * share of the objective's variance explained by the bin means; shares are normalised to sum to 1
 * per objective. Parameters that took one value in the trials used (fixed in the space) are left
 * out. A simple, documented stand-in for fANOVA: it ignores interactions.
 */
export function parameterImportance(trials: readonly TrialLike[], objectives: readonly ObjectiveLike[]): Record<string, Record<string, number>> {
  const done = trials.filter((t) => t.state === 'complete');
  const out: Record<string, Record<string, number>> = {};
  if (done.length < 4) return out;
  const params = Object.keys(done[0]!.params);
  for (const o of objectives) {
    const ys = done.map((t) => t.metrics[o.metric as MetricName]);
    const rows = done.filter((_, i) => ys[i] !== undefined && Number.isFinite(ys[i]));
    if (rows.length < 4) continue;
    const y = rows.map((t) => t.metrics[o.metric as MetricName]!);
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const total = y.reduce((a, b) => a + (b - mean) ** 2, 0);
    const raw: Record<string, number> = {};
    for (const p of params) {
      const xs = rows.map((t) => t.params[p]);
      // one that never varied explains nothing: left out rather than drawn as a zero bar
      if (xs.every((x) => x === xs[0])) continue;
      let keys: string[];
      if (xs.every((x) => typeof x === 'number')) {
        const sorted = [...(xs as number[])].sort((a, b) => a - b);
        const cuts = [1, 2, 3].map((q) => sorted[Math.floor((q * sorted.length) / 4)]!);
        keys = (xs as number[]).map((x) => String(cuts.filter((c) => x >= c).length));
      } else {
        keys = xs.map((x) => String(x));
      }
      const groups = new Map<string, number[]>();
      keys.forEach((k, i) => {
        const g = groups.get(k);
        if (g) g.push(y[i]!);
        else groups.set(k, [y[i]!]);
      });
      let between = 0;
      for (const g of groups.values()) {
        const m = g.reduce((a, b) => a + b, 0) / g.length;
        between += g.length * (m - mean) ** 2;
      }
      raw[p] = total > 0 ? between / total : 0;
    }
    const sum = Object.values(raw).reduce((a, b) => a + b, 0);
    out[o.metric] = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, sum > 0 ? v / sum : 0]));
  }
  return out;
}

/** The metrics that say how good a model's predictions are, in the order a study's quality is taken from. */
export const QUALITY_METRICS = ['accuracy', 'rmse', 'loss'] as const satisfies readonly MetricName[];
export type QualityMetric = (typeof QUALITY_METRICS)[number];

/** How a study's models are compared for quality: accuracy (higher is better), RMSE or loss (lower is better). */
export interface Quality {
  metric: QualityMetric;
  direction: Direction;
}

/** The quality a person means by "the most accurate model": "accuracy", "RMSE", "loss". */
export function qualityName(metric: QualityMetric): string {
  return metric === 'rmse' ? 'RMSE' : metric;
}

function isQuality(m: string): m is QualityMetric {
  return (QUALITY_METRICS as readonly string[]).includes(m);
}

/**
 * A study's quality: its first objective that measures predictions (a regression study's RMSE);
 * for objectives with none (energy only), the first quality its complete trials measured; accuracy
 * when nothing says otherwise.
 */
export function studyQuality(objectives: readonly ObjectiveLike[] | null, trials: readonly Pick<TrialLike, 'state' | 'metrics'>[] = []): Quality {
  const o = objectives?.find((x) => isQuality(x.metric));
  if (o) return { metric: o.metric as QualityMetric, direction: o.direction };
  const m = QUALITY_METRICS.find((q) => trials.some((t) => t.state === 'complete' && t.metrics[q] !== undefined)) ?? 'accuracy';
  return { metric: m, direction: METRICS[m].defaultDirection };
}

/** Whether `a` is better than `b` in this quality. */
export function qualityBetter(quality: Quality, a: number, b: number): boolean {
  return quality.direction === 'maximize' ? a > b : a < b;
}

/** The most accurate complete trial (of equally accurate ones, the one using the least energy per prediction); null when none measured the quality. */
export function mostAccurateOf<T extends Pick<TrialLike, 'state' | 'metrics'>>(trials: readonly T[], quality: Quality = studyQuality(null, trials)): T | null {
  const q = (t: T) => t.metrics[quality.metric]!;
  const e = (t: T) => t.metrics.infer_energy_j_per_sample ?? Infinity;
  return trials
    .filter((t) => t.state === 'complete' && t.metrics[quality.metric] !== undefined)
    .reduce<T | null>((a, b) => (!a || qualityBetter(quality, q(b), q(a)) || (q(b) === q(a) && e(b) < e(a)) ? b : a), null);
}

/** A regression's result: an RMSE and no accuracy (what the report, the model's detail and the Reports screen show instead of accuracy). */
export function isRegressionResult(metrics: Partial<Record<MetricName, number>>): boolean {
  return metrics.accuracy === undefined && metrics.rmse !== undefined;
}

/** A trial's quality in a few words: "accuracy 93.2%" ("acc" when short), "RMSE 17.95", "loss 0.31"; null when it measured none. */
export function qualityText(metrics: Partial<Record<MetricName, number>>, short = false): string | null {
  if (metrics.accuracy !== undefined) return `${short ? 'acc' : 'accuracy'} ${formatMetric(metrics.accuracy, 'fraction')}`;
  if (metrics.rmse !== undefined) return `RMSE ${formatMetric(metrics.rmse, METRICS.rmse.unit)}`;
  if (metrics.loss !== undefined) return `loss ${formatMetric(metrics.loss, METRICS.loss.unit)}`;
  return null;
}

export interface BudgetLimit {
  metric: MetricName;
  /** `max`: the metric must not exceed value (energy); `min`: must reach it (accuracy). */
  bound: 'max' | 'min';
  value: number;
}

export interface BudgetPick {
  trial: number | null;
  mostAccurate: number | null;
  /** The most frugal model within the limits, where the sentence names it beside the pick. */
  frugal?: number;
  /** A limit on a quality the study does not measure (accuracy on a regression): a wrong budget, not a hard one. */
  unmeasured?: true;
  sentence: string;
  /** Where no model meets the budget: the trials the sentence names as closest, one per limit (none otherwise). */
  closest: number[];
}

/** The energy comparisons a pick's sentence makes, as [the one said to use less, the other]: the pick against the most accurate model, the most frugal one against the pick. */
export function pickComparisons(pick: BudgetPick): [number | null | undefined, number | null | undefined][] {
  return [
    [pick.trial, pick.mostAccurate],
    [pick.frugal, pick.trial],
  ];
}

/** Whether a trial's metric is within a budget's limit (a missing metric is not). */
function meets(t: TrialLike, l: BudgetLimit): boolean {
  const v = t.metrics[l.metric];
  return v !== undefined && (l.bound === 'max' ? v <= l.value : v >= l.value);
}

/**
 * The model a budget asks for, and the trade-off in a sentence. With a cap on energy per
 * prediction ("the best model under 2 mJ") or no limit on quality: the most accurate complete
 * trial within the limits (highest accuracy; lowest RMSE or loss in a study that measures those).
 * With a limit on quality and no energy cap ("at least 90% accurate", "RMSE at most 20"): the most
 * frugal trial that meets it, since the limit already says how accurate is enough. Either way the
 * sentence names the other choice when it differs, and when nothing fits, the closest trial and
 * what it misses by; a limit on a quality the study does not measure says which it does.
 */
export function pickByBudget(
  trials: readonly TrialLike[],
  limits: readonly BudgetLimit[],
  quality: Quality = studyQuality(null, trials),
  energyMetric: MetricName = 'infer_energy_j_per_sample',
  /** A CSV study's target column, to name an RMSE's units (spec.ts targetName). */
  target: string | null = null,
): BudgetPick {
  const qualityMetric = quality.metric;
  const done = trials.filter((t) => t.state === 'complete' && t.metrics[qualityMetric] !== undefined);
  const q = (t: TrialLike) => t.metrics[qualityMetric]!;
  const e = (t: TrialLike) => t.metrics[energyMetric] ?? Infinity;
  const top = mostAccurateOf(done, quality);
  const these = limits.length === 1 ? 'this limit' : 'these limits';
  // "at least 95% accuracy" on a regression study: no trial can meet it, and "loosen a limit" would mislead
  const unmeasured = limits.find((l) => isQuality(l.metric) && !trials.some((t) => t.state === 'complete' && t.metrics[l.metric] !== undefined));
  if (unmeasured) {
    // an example some model meets: the best figure rounded up to 2 significant digits (walk 41: "at most 8700" under a best of 8747)
    const up = (v: number) => {
      const p = 10 ** (Math.floor(Math.log10(v)) - 1);
      return Number((Math.ceil(v / p) * p).toPrecision(2));
    };
    const example = qualityMetric === 'accuracy' ? '"at least 90% accuracy"' : `"${qualityName(qualityMetric)} at most ${top && q(top) > 0 ? up(q(top)) : 1}"`;
    return {
      trial: null,
      mostAccurate: top?.number ?? null,
      sentence: `No model of this study measures ${limitName(unmeasured.metric)}: its models are compared by ${qualityName(qualityMetric)}${METRICS[qualityMetric].unit === 'target units' ? ` (${targetUnitsText(target)})` : ''}. State the limit on that, e.g. ${example}, or leave quality out.`,
      closest: [],
      unmeasured: true,
    };
  }
  const within = done.filter((t) => limits.every((l) => meets(t, l)));
  const mostFrugal = (xs: TrialLike[]) => xs.reduce<TrialLike | null>((a, b) => (!a || e(b) < e(a) || (e(b) === e(a) && qualityBetter(quality, q(b), q(a))) ? b : a), null);
  if (within.length === 0) {
    const near = closest(done, limits, quality, q, e);
    return { trial: null, mostAccurate: top?.number ?? null, sentence: `No model meets ${these}.${near.text} Loosen a limit, or run more trials.`, closest: near.trials };
  }
  const enough = quality.direction === 'maximize' ? 'min' : 'max';
  const frugalFirst = limits.some((l) => l.metric === qualityMetric && l.bound === enough) && !limits.some((l) => l.metric === energyMetric && l.bound === 'max');
  const accurate = mostAccurateOf(within, quality)!;
  const frugal = mostFrugal(within)!;
  const pick = frugalFirst ? frugal : accurate;
  const fraction = METRICS[qualityMetric].unit === 'fraction';
  /** "is 1.5 points less accurate and uses 43% less energy per prediction than"; "has an RMSE 1.74 higher and uses …" */
  const versus = (a: TrialLike, b: TrialLike) => {
    const energyPart = Number.isFinite(e(a)) && Number.isFinite(e(b)) && e(b) > 0 ? ` and uses ${Math.abs((1 - e(a) / e(b)) * 100).toFixed(0)}% ${e(a) <= e(b) ? 'less' : 'more'} energy per prediction` : '';
    if (fraction) return `is ${pointsBetween(q(a), q(b)).toFixed(1)} points less accurate${energyPart} than`;
    return `has ${errorChangeWords(qualityMetric as 'rmse' | 'loss', q(a) - q(b))}${energyPart} than`;
  };
  // the picked model's own figures first: the answer, then how it compares (a new user had to look them up, then find them)
  const own = [
    `${fraction ? METRICS[qualityMetric].label.toLowerCase() : qualityName(qualityMetric)} ${fraction ? `${(Math.round(q(pick) * 1000) / 10).toFixed(1)}%` : limitValue(q(pick), METRICS[qualityMetric].unit)}${METRICS[qualityMetric].unit === 'target units' ? ` (${targetUnitsText(target)})` : ''}`,
    Number.isFinite(e(pick)) ? `${METRICS[energyMetric].label.toLowerCase()} ${limitValue(e(pick), METRICS[energyMetric].unit)}` : null,
  ].filter(Boolean);
  let sentence = `Model #${pick.number}: ${own.join(', ')}.`;
  if (frugalFirst) {
    sentence +=
      top && top.number !== pick.number
        ? ` It is the most frugal model that meets ${these}: it ${versus(pick, top)} the most accurate model (#${top.number}).`
        : ` It is the most accurate model, and no model that meets ${these} uses less energy per prediction.`;
  } else {
    sentence += !top || top.number === pick.number ? ` It is the most accurate model and it meets ${these}.` : ` It ${versus(pick, top)} the most accurate model (#${top.number}).`;
    if (frugal.number !== pick.number) sentence += ` The most frugal model within ${these} is #${frugal.number}: it ${versus(frugal, pick)} #${pick.number}.`;
  }
  return { trial: pick.number, mostAccurate: top?.number ?? null, ...(frugal.number !== pick.number ? { frugal: frugal.number } : {}), sentence, closest: [] };
}

/**
 * " Closest: #7 meets all but energy per prediction ≤ 150 µJ (it has 171 µJ); #13 all but
 * accuracy ≥ 90% (it has 81.8%)." — for each limit, the trial that meets every other limit and
 * comes nearest to this one (limits on different quantities are not compared with each other).
 */
function closest(done: readonly TrialLike[], limits: readonly BudgetLimit[], quality: Quality, q: (t: TrialLike) => number, e: (t: TrialLike) => number): { text: string; trials: number[] } {
  const limitText = (l: BudgetLimit) => `${limitName(l.metric)} ${l.bound === 'max' ? '≤' : '≥'} ${limitValue(l.value, METRICS[l.metric].unit)}`;
  const parts: string[] = [];
  const trials: number[] = [];
  for (const l of limits) {
    const others = done.filter((t) => t.metrics[l.metric] !== undefined && limits.every((o) => o === l || meets(t, o)));
    if (!others.length) continue;
    // equally near: the better on the other goal (of two as accurate, the more frugal; of two as frugal, the more accurate), as the pick itself chooses
    const v = (t: TrialLike) => t.metrics[l.metric]!;
    const nearer = (a: TrialLike, b: TrialLike) => (l.bound === 'max' ? v(b) < v(a) : v(b) > v(a));
    const otherBetter = (a: TrialLike, b: TrialLike) => (l.metric === quality.metric ? e(b) < e(a) : qualityBetter(quality, q(b), q(a)));
    const near = others.reduce((a, b) => (nearer(a, b) || (v(b) === v(a) && otherBetter(a, b)) ? b : a));
    const has = `(it has ${formatMetric(near.metrics[l.metric], METRICS[l.metric].unit)})`;
    parts.push(limits.length === 1 ? `#${near.number} ${has}` : `#${near.number} meets all but ${limitText(l)} ${has}`);
    if (!trials.includes(near.number)) trials.push(near.number);
  }
  return { text: parts.length ? ` Closest: ${parts.join('; ')}.` : '', trials };
}

/**
 * Under a budget on energy per prediction, the batching its figures are for (a small MLP: 57.6 µJ
 * per prediction in one batch of 72, 2.72 mJ one row per call). `inferBatchSize` null for a
 * command study, whose script batches as it does: nothing said.
 */
export function batchingText(inferBatchSize: number | null, limits: readonly { metric: MetricName }[]): string | null {
  if (inferBatchSize === null || !limits.some((l) => l.metric === 'infer_energy_j_per_sample')) return null;
  if (inferBatchSize <= 1) return 'Energy per prediction is measured one input per call (trial.inferBatchSize 1).';
  return `Energy per prediction is measured in batches of up to ${inferBatchSize} inputs (trial.inferBatchSize; the whole test set in one batch where it is smaller): a service that predicts one input per call spends more on each; a study with inferBatchSize 1 measures that.`;
}

/** A limited metric in a sentence: "energy per prediction", "accuracy", "RMSE". */
function limitName(metric: MetricName): string {
  return isQuality(metric) && metric !== 'accuracy' ? qualityName(metric) : METRICS[metric].label.toLowerCase();
}

/** A limit as the budget's reading writes it: "90%", "150 µJ". */
function limitValue(v: number, unit: string): string {
  return unit === 'fraction' ? `${Number((v * 100).toPrecision(4))}%` : formatMetric(v, unit);
}

/** What a study's data is counted in, by its label: "rows" of a CSV, "images" of a folder, else "samples". */
export function dataUnit(label: string): string {
  return label.startsWith('csv:') ? 'rows' : label.startsWith('images:') ? 'images' : 'samples';
}

/** A built-in trial's parts as its trainer recorded them (attrs `split`), or null where not recorded. */
export function splitOf(attrs: Record<string, unknown>): { train: number; validation: number; test: number } | null {
  const s = attrs.split as Record<string, unknown> | undefined;
  const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  return s && count(s.train) && count(s.validation) && count(s.test) ? { train: s.train as number, validation: s.validation as number, test: s.test as number } : null;
}

/** "112 images to train, 25 to choose among trials (validation), 25 held out (test)": a built-in trial's parts, as its trainer split them. */
export function partsText(rows: { train: number; validation: number; test: number }, unit: string): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return `${n(rows.train)} ${unit} to train, ${n(rows.validation)} to choose among trials (validation), ${n(rows.test)} held out (test)`;
}

/** What always answering the most frequent class scores on a part (the trainer's guess_accuracy), or null where not recorded. */
export function guessOf(attrs: Record<string, unknown>, part: 'validation' | 'test'): number | null {
  const g = attrs.guess_accuracy as Record<string, unknown> | undefined;
  return g && typeof g[part] === 'number' && Number.isFinite(g[part]) ? (g[part] as number) : null;
}

/**
 * A classifier that closes less than a fifth of the gap between guessing the most frequent class
 * and a perfect score (Cohen's kappa-like (acc − guess) / (1 − guess) < 0.2) has learnt little.
 */
export function littleLearnt(accuracy: number, guess: number): boolean {
  return guess < 1 && (accuracy - guess) / (1 - guess) < 0.2;
}

/** One class of a classifier's test part (the trainer's attrs.test_classes). */
export interface TestClass {
  class: string;
  /** Test examples of the class, and how many the model got right. */
  n: number;
  correct: number;
  /** The class it most often took them for, and how often; null where it got them all. */
  mistakenFor: { class: string; n: number } | null;
}

/** A classifier trial's per-class test results, where its trainer recorded them (trials before this have none). */
export function testClassesOf(attrs: Record<string, unknown>): TestClass[] | null {
  const t = attrs.test_classes;
  return Array.isArray(t) && t.every((c) => c && typeof c === 'object' && typeof (c as TestClass).class === 'string' && Number.isInteger((c as TestClass).n)) ? (t as TestClass[]) : null;
}

/**
 * "circle 9 of 9; square 5 of 9 (4 taken for circle)": each class's test examples the model got
 * right, the classes it does worst on first where there are many (`max` named, the rest counted),
 * so a model good on average and poor on the class that matters says so (walk 49).
 */
export function testClassesText(classes: readonly TestClass[], max = 12): string {
  const one = (c: TestClass) =>
    `${c.class} ${c.correct} of ${c.n}${c.mistakenFor && c.correct < c.n ? ` (${c.mistakenFor.n} taken for ${c.mistakenFor.class})` : ''}`;
  const seen = classes.filter((c) => c.n > 0);
  if (seen.length <= max) return seen.map(one).join('; ');
  const worst = [...seen].sort((a, b) => a.correct / a.n - b.correct / b.n || b.n - a.n).slice(0, max);
  return `${worst.map(one).join('; ')}; and ${seen.length - max} more classes, none with a smaller share right`;
}

/** The class a classifier does worst on, where it is well below the model's average (half or less of its test share right, at least 2 examples): worth a sentence of its own. */
export function weakestClass(classes: readonly TestClass[]): TestClass | null {
  const seen = classes.filter((c) => c.n >= 2);
  const total = seen.reduce((a, c) => a + c.n, 0);
  const right = seen.reduce((a, c) => a + c.correct, 0);
  if (!total) return null;
  const worst = [...seen].sort((a, b) => a.correct / a.n - b.correct / b.n || b.n - a.n)[0]!;
  return worst.correct / worst.n <= 0.5 * (right / total) ? worst : null;
}

/**
 * A trials table's mark beside a validation accuracy where `littleLearnt` holds (walk 49: the
 * table listed a model at guessing level as any other): "⚠ guess-level (44.0%)", null otherwise.
 */
export function guessMark(accuracy: number | undefined, guess: number | null | undefined): string | null {
  return accuracy === undefined || guess == null || !littleLearnt(accuracy, guess) ? null : `⚠ guess-level (${formatMetric(guess, 'fraction')})`;
}

/** The sentence under a trials table that marked some trials with `guessMark`. */
export const GUESS_MARK_NOTE =
  '⚠ guess-level: the model closes less than a fifth of the gap between always answering the most frequent class (its score in brackets, on the same validation examples) and a perfect score.';

/** The warning where `littleLearnt` holds: "not far above" or "no better than" guessing. */
export function littleLearntText(accuracy: number, guess: number): string {
  return `That is ${accuracy > guess ? 'not far above' : 'no better than'} guessing: the model has learnt little from this data (more epochs, more data or another model family may do better).`;
}

/**
 * What the budget's pick scores on data the search never saw, in a sentence (walk 42: the pick
 * said 84.4%, and its held-out test rows gave 74.4%); null where the trial has no test figure.
 */
export function pickTestText(number: number, attrs: Record<string, unknown>, metrics: Partial<Record<string, number>> = {}, target: string | null = null): string | null {
  const unseen = 'examples used neither in training nor in choosing';
  // "flatter" only where they did: the test rows can also score the model better (the fresh clone's #15: 91.8% validation, 93.6% test)
  const chosenBy = (flattered: boolean) => `the figure above is on the validation examples the search chose by${flattered ? ', which flatter the model it picks' : ''}`;
  if (typeof attrs.test_accuracy === 'number') {
    const flattered = metrics.accuracy !== undefined && attrs.test_accuracy < metrics.accuracy;
    const guess = guessOf(attrs, 'test');
    const beside = guess === null ? '' : ` (always answering the most frequent class would score ${formatMetric(guess, 'fraction')})`;
    const classes = testClassesOf(attrs);
    const weak = classes ? weakestClass(classes) : null;
    // the class it does worst on, where well below its average (walk 49: the scratches missed were the ones that mattered)
    const weakText = weak ? ` On the class it does worst on, "${weak.class}", it gets ${weak.correct} of ${weak.n} right${weak.mistakenFor ? ` (${weak.mistakenFor.n} taken for "${weak.mistakenFor.class}")` : ''}: check that class matters less to you before taking this model.` : '';
    return `On held-out test data (${unseen}), model #${number} scores ${formatMetric(attrs.test_accuracy, 'fraction')}${beside}: what to expect on new data; ${chosenBy(flattered)}.${guess !== null && littleLearnt(attrs.test_accuracy, guess) ? ` ${littleLearntText(attrs.test_accuracy, guess)}` : ''}${weakText}`;
  }
  if (typeof attrs.test_rmse === 'number') {
    const flattered = metrics.rmse !== undefined && attrs.test_rmse > metrics.rmse;
    return `On held-out test data (${unseen}), model #${number}'s RMSE is ${formatMetric(attrs.test_rmse, 'target units')} (${targetUnitsText(target)}): what to expect on new data; ${chosenBy(flattered)}.`;
  }
  if (typeof attrs.reported_test_accuracy === 'number') return `Your command reported a test accuracy of ${formatMetric(attrs.reported_test_accuracy, 'fraction')} for model #${number}, on data ECOpt does not know.`;
  return null;
}

/**
 * A warning where the budget sentence's energy comparison is smaller than the figures' own spread
 * (walk 43: "uses 2% less energy per prediction" between 156 µJ ±18% and 159 µJ ±12%): the
 * difference is inside one combined standard error, so another run may order them the other way.
 * `spreadOf`: a trial's inference spread between blocks of repeats (relative), where measured.
 */
export function spreadComparison(
  pairs: readonly (readonly [number | null | undefined, number | null | undefined])[],
  energyOf: (trial: number) => number | undefined,
  spreadOf: (trial: number) => number | null | undefined,
  unit: (j: number) => string,
): string | null {
  const notes: string[] = [];
  const figure = (n: number, j: number, s: number | null) => `#${n}'s ${unit(j)}${s === null ? ' (spread not measured)' : ` ±${Math.round(s * 100)}%`}`;
  for (const [a, b] of pairs) {
    if (a == null || b == null || a === b) continue;
    const ea = energyOf(a);
    const eb = energyOf(b);
    if (ea === undefined || eb === undefined) continue;
    const sa = spreadOf(a) ?? null;
    const sb = spreadOf(b) ?? null;
    if (sa === null && sb === null) continue;
    if (Math.abs(ea - eb) >= Math.hypot((sa ?? 0) * ea, (sb ?? 0) * eb)) continue;
    notes.push(`${figure(a, ea, sa)} against ${figure(b, eb, sb)}`);
  }
  return notes.length
    ? `The energy comparison above is within the figures' own spread (between blocks of repeats): ${notes.join('; ')} per prediction. Another run may order them the other way: re-measure them before choosing between them by energy.`
    : null;
}

/**
 * Why a trial has no model to take away, from its attributes (the explorer's trial detail, and
 * `show --budget` in place of an export command that would only fail).
 */
export function noModelText(attrs: Record<string, unknown>, commandStudy: boolean): string {
  if (typeof attrs.artifact_missing === 'string') return `No model to take: ${attrs.artifact_missing}.`;
  if (typeof attrs.model_dir === 'string') return 'Its kept model is no longer in the models folder (moved or deleted).';
  if (commandStudy) return 'No model to take: its command handed none back (name a file or folder as "artifact" in its metrics line to keep one).';
  return "No model kept for it (the study keeps only the front's models, or it ran before models were kept).";
}
