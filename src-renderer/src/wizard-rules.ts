/**
 * The wizard's rules, apart from its screen so tests can call them: each box checked as typed
 * with a message in the box's own label and unit; the study file's issues (which name JSON paths
 * such as `space.units.high`) put back into the words on the screen; the duration estimate that
 * both the preset texts and the "Estimated duration" line use.
 */
import type { SpecIssue, StudySpecInput } from '../../src-main/shared/spec';
import type { ForecastView } from '../../src-main/shared/contract';
import { forecastDurationText } from '../../src-main/shared/predictor';

export interface FieldIssue {
  /** The box as the screen labels it, e.g. "Number of models to try" or "units, To". */
  label: string;
  message: string;
}

export interface FieldRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** Must be strictly above this. */
  above?: number;
  unit?: string;
  /** Empty means "no value" (an optional limit). */
  optional?: boolean;
  /** The message for an empty box that must be filled. */
  required?: string;
}

const withUnit = (v: number, unit?: string) => (unit ? (unit === '%' ? `${v}%` : `${v} ${unit}`) : String(v));

/** Checks one box's text; an empty box is an error unless optional, never a silent 0. */
export function fieldIssue(label: string, text: string, rule: FieldRule = {}): FieldIssue | null {
  const t = text.trim();
  const kind = rule.integer ? 'a whole number' : rule.unit === '%' ? 'a percentage' : 'a number';
  const wanted = `${kind}${rule.unit && rule.unit !== '%' ? ` of ${rule.unit}` : ''}`;
  if (t === '') return rule.optional ? null : { label, message: rule.required ?? `enter ${wanted}` };
  const v = Number(t.replace(/^\+/, ''));
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) || !Number.isFinite(v)) return { label, message: `“${t}” is not a number; enter ${wanted}` };
  if (rule.integer && !Number.isInteger(v)) return { label, message: `${t} is not a whole number; enter ${wanted}` };
  const { min, max, above, unit } = rule;
  if (above !== undefined && !(v > above)) return { label, message: `must be above ${withUnit(above, unit)}, got ${withUnit(v, unit)}` };
  if (min !== undefined && max !== undefined && (v < min || v > max)) return { label, message: `must be from ${withUnit(min, unit === '%' ? undefined : unit)} to ${withUnit(max, unit)}, got ${withUnit(v, unit)}` };
  if (min !== undefined && v < min) return { label, message: `must be ${withUnit(min, unit)} or more, got ${withUnit(v, unit)}` };
  if (max !== undefined && v > max) return { label, message: `must be ${withUnit(max, unit)} or less, got ${withUnit(v, unit)}` };
  return null;
}

const STEP_OF: [RegExp, number, (m: RegExpMatchArray) => string][] = [
  [/^name$/, 3, () => 'Study name'],
  [/^trials$/, 2, () => 'Number of models to try'],
  [/^timeBudgetS$/, 2, () => 'Stop after at most'],
  [/^meters\.idleBaselineS$/, 2, () => 'Measure the idle machine first for'],
  [/^space\.(\w+)\.low$/, 1, (m) => `${m[1]}, From`],
  [/^space\.(\w+)\.high$/, 1, (m) => `${m[1]}, To`],
  [/^space\.(\w+)\.log$/, 1, (m) => `${m[1]}, Log scale`],
  [/^space\.(\w+)/, 1, (m) => m[1]!],
  [/^space$/, 1, () => 'The search ranges'],
  [/^objectives\[0\]\.threshold$/, 2, () => 'Accuracy at least'],
  [/^objectives\[1\]\.threshold$/, 2, () => 'Energy per prediction at most'],
  [/^objectives/, 2, () => 'What matters'],
  [/^dataset/, 0, () => 'Data'],
  [/^command\.argv/, 1, () => 'Command line'],
  [/^command\.cwd$/, 1, () => 'Run it in the folder'],
  [/^command/, 1, () => 'Your training script'],
  [/^model$/, 1, () => 'Which kind of model?'],
];

/** A study-file issue in the screen's words: which box, on which step, and the fix. */
export function labelSpecIssue(issue: SpecIssue): FieldIssue & { step: number } {
  const message = issue.message
    .replace(/^low \((.*?)\) must be below high \((.*?)\)/, 'From ($1) must be below To ($2)')
    .replace(/a log-scaled range needs low > 0/, 'a log scale needs From above 0')
    .replace(/raise low or set "log": false/, 'raise From or untick Log scale')
    .replace(/\braise low to\b/, 'raise From to')
    .replace(/\blower high to\b/, 'lower To to')
    .replace(/\bset high to\b/, 'set To to');
  for (const [re, step, label] of STEP_OF) {
    const m = issue.path.match(re);
    if (m) return { label: label(m), message, step };
  }
  return { label: `The study file (${issue.path})`, message, step: 3 };
}

/** `name-2`, `name-3`, …: the first that no study has. */
export function freeName(name: string, taken: string[]): string {
  const base = name.replace(/-\d+$/, '');
  for (let i = 2; ; i++) if (!taken.includes(`${base}-${i}`)) return `${base}-${i}`;
}

/** A command line split into its arguments as a shell would (quotes group), without a shell. */
export function splitCommand(line: string): { ok: true; argv: string[] } | { ok: false; error: string } {
  const argv: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let started = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || cur) argv.push(cur);
      cur = '';
      started = false;
    } else cur += ch;
  }
  if (quote) return { ok: false, error: `a ${quote === '"' ? 'double' : 'single'} quote is not closed; close it or remove it` };
  if (started || cur) argv.push(cur);
  return { ok: true, argv };
}

/** The parameters a command line names as `{name}` (`{params_file}` is ECOpt's own), and the misspelt ones. */
export function placeholders(argv: string[]): { names: string[]; bad: string[] } {
  const names: string[] = [];
  const bad: string[] = [];
  for (const a of argv) {
    for (const m of a.matchAll(/\{([^{}\s]+)\}/g)) {
      const n = m[1]!;
      if (n === 'params_file') continue;
      const list = /^[a-z_][a-z0-9_]*$/.test(n) ? names : bad;
      if (!list.includes(n)) list.push(n);
    }
  }
  return { names, bad };
}

function epochsOf(spec: StudySpecInput): { low: number; high: number } | null {
  const e = spec.space?.epochs;
  if (!e) return null;
  if (e.type === 'int' || e.type === 'float') return { low: e.low, high: e.high };
  if (e.type === 'fixed' && typeof e.value === 'number') return { low: e.value, high: e.value };
  return null;
}

/** The values one input holds: an image folder's size² × channels (28 × 28 × 1 unless set), the bundled digits' 8 × 8; null for tables. */
function inputValues(spec: StudySpecInput): number | null {
  const d = spec.dataset as { builtin?: string; images?: string; size?: number; channels?: number } | undefined;
  if (d?.images !== undefined) return (d.size ?? 28) ** 2 * (d.channels ?? 1);
  return d?.builtin === 'digits' ? 64 : null;
}

/**
 * Minutes a study should take here, from its number of models, epochs, rows and the inference
 * benchmark's length (measured on a 2-core machine: about 6000 sample-epochs a second for the
 * default MLPs, a quarter of that for CNNs on the digits' 8 × 8 images). A CNN's rate falls with
 * the values in an image, as (values / 64)^0.55: measured here with one CNN (2 conv layers, 8
 * filters, 6 epochs, 420 training images) at 2,480 sample-epochs a second on 8 × 8, 765 on
 * 28 × 28 and 127 on 64 × 64 × 3 (walk 49: 28 × 28 photos, "under a minute" for a run of 1 min
 * 50 s). Null for a script: its duration is its own.
 */
export function estimateMinutes(spec: StudySpecInput, rows: number | null): number | null {
  if (spec.model === 'command' || rows === null) return null;
  const ep = epochsOf(spec);
  const epochs = ep ? (ep.low + ep.high) / 2 : 5;
  const n = Math.min(rows, spec.dataset?.maxSamples ?? Infinity);
  const values = inputValues(spec);
  const rate = spec.model === 'cnn' ? 1500 / Math.max(1, (values ?? 64) / 64) ** 0.55 : 6000;
  const perTrialS = 1.5 + (spec.trial?.minInferS ?? 1) + (epochs * n) / rate;
  return ((spec.trials ?? 0) * perTrialS + (spec.meters?.idleBaselineS ?? 10)) / 60;
}

export function formatMinutes(min: number): string {
  if (min < 1) return 'under a minute';
  if (min < 90) return `about ${Math.round(min)} min`;
  const h = Math.floor(min / 60);
  const m = Math.round(min - h * 60);
  return `about ${h} h${m ? ` ${m} min` : ''}`;
}

/** A preset in words, from the same estimate the wizard shows: "8 models of up to 4 epochs, about 2 min". */
export function presetText(spec: StudySpecInput, rows: number | null, script = false): string {
  if (script) return `${spec.trials} runs of your script`;
  const ep = epochsOf(spec);
  const est = estimateMinutes(spec, rows);
  // a preset that trains on a sample of a large set says so: the accuracy it reaches is of that sample
  const max = spec.dataset && 'maxSamples' in spec.dataset ? spec.dataset.maxSamples : undefined;
  const sample = max !== undefined && rows !== null && max < rows ? ` on ${max.toLocaleString('en-US')} of the ${rows.toLocaleString('en-US')} examples (a sample, for speed)` : '';
  return `${spec.trials} models${ep ? ` of up to ${ep.high} epochs` : ''}${sample}${est === null ? '' : `, ${formatMinutes(est)}`}`;
}

/**
 * The study's duration on step 3: the forecast from this machine's measured trials where there is
 * one (what the review shows), else the rule of thumb, said to be one.
 */
export function durationLine(trials: number, ruleOfThumb: number | null, forecast: ForecastView | null): string {
  if (ruleOfThumb === null) return `Duration: ${trials} runs of your script, each as long as it takes.`;
  const forecasted = forecast?.ok ? forecastDurationText(forecast.forecast) : null;
  if (forecasted) return `Estimated duration: ${forecasted}, forecast from the trials measured on this machine.`;
  return `Estimated duration: ${formatMinutes(ruleOfThumb)}, by a rule of thumb${forecast === null ? '' : ' (no forecast from trials measured on this machine yet)'}.`;
}
