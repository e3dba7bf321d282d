/**
 * The study file: its zod schema, the defaults, and error messages that name the JSON path and
 * the fix. Shared so the wizard validates as the user types with the same rules as the CLI.
 */
import { z } from 'zod';
import { METRICS, METRIC_NAMES, type MetricName, type ParamValue } from './types';
import { MAX_CNN_FILTERS, MODEL_FAMILIES, MODEL_FAMILY_NAMES, type FamilyParam } from './models';

/** Samplers the engine registers; the engine's registry test keeps the two in step. */
export const SAMPLER_NAMES = ['auto', 'random', 'sobol', 'nsga2', 'motpe', 'gp-ehvi'] as const;
export const BUILTIN_DATASETS = ['digits', 'iris'] as const;

const paramValue = z.union([z.number(), z.string(), z.boolean()]);

const floatParam = z.strictObject({
  type: z.literal('float'),
  low: z.number(),
  high: z.number(),
  log: z.boolean().default(false),
});
const intParam = z.strictObject({
  type: z.literal('int'),
  low: z.number().int(),
  high: z.number().int(),
  log: z.boolean().default(false),
  step: z.number().int().positive().default(1),
});
const categoricalParam = z.strictObject({
  type: z.literal('categorical'),
  choices: z.array(paramValue).min(1),
});
const fixedParam = z.strictObject({ type: z.literal('fixed'), value: paramValue });

const paramSpec = z
  .discriminatedUnion('type', [floatParam, intParam, categoricalParam, fixedParam])
  .superRefine((p, ctx) => {
    if (p.type === 'float' || p.type === 'int') {
      if (p.type === 'float' ? !(p.low < p.high) : p.low > p.high) {
        ctx.addIssue({
          code: 'custom',
          message: `low (${p.low}) must be below high (${p.high}); swap them`,
        });
        return;
      }
      if (p.log && p.low <= 0) {
        ctx.addIssue({
          code: 'custom',
          message: `a log-scaled range needs low > 0, got ${p.low}; raise low or set "log": false`,
        });
      }
    }
    if (p.type === 'int') {
      if (p.log && p.step !== 1) {
        ctx.addIssue({ code: 'custom', message: 'step and log cannot be combined; drop one of them' });
      } else if ((p.high - p.low) % p.step !== 0) {
        ctx.addIssue({
          code: 'custom',
          message: `high - low (${p.high - p.low}) must be a multiple of step (${p.step}); set high to ${p.low + Math.floor((p.high - p.low) / p.step) * p.step}`,
        });
      }
    }
    if (p.type === 'categorical') {
      const seen = new Set(p.choices.map((c) => JSON.stringify(c)));
      if (seen.size !== p.choices.length) {
        ctx.addIssue({ code: 'custom', message: 'choices must be distinct; remove the repeated ones' });
      }
    }
  });
export type ParamSpec = z.output<typeof paramSpec>;

const objectiveSpec = z
  .strictObject({
    metric: z.enum(METRIC_NAMES as [MetricName, ...MetricName[]]),
    direction: z.enum(['minimize', 'maximize']).optional(),
    unit: z.string().optional(),
    /** Feasibility bound: ≤ threshold when minimising, ≥ threshold when maximising. */
    threshold: z.number().optional(),
  })
  .superRefine((o, ctx) => {
    const known = METRICS[o.metric].unit;
    if (o.unit !== undefined && o.unit !== known) {
      ctx.addIssue({
        code: 'custom',
        path: ['unit'],
        message: `"${o.metric}" is measured in ${known}, not ${o.unit}; write "${known}" or leave unit out`,
      });
    }
  })
  .transform((o) => ({
    metric: o.metric,
    direction: o.direction ?? METRICS[o.metric].defaultDirection,
    unit: METRICS[o.metric].unit as string,
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
  }));
export type ObjectiveSpec = z.output<typeof objectiveSpec>;

const datasetSpec = z.union([
  z.strictObject({
    builtin: z.enum(BUILTIN_DATASETS),
    /** Use at most this many rows (seeded subsample), to keep a study quick. */
    maxSamples: z.number().int().positive().optional(),
  }),
  z.strictObject({
    /** Path of a CSV file, relative to the study file's folder or absolute. */
    csv: z.string().min(1),
    /** The column to predict: its header name, or its 1-based number. */
    target: z.string().min(1),
    /** Default: regression for a numeric target with more than 20 distinct values. */
    task: z.enum(['classification', 'regression']).optional(),
    /** Missing feature values: impute (mean / most frequent; default) or drop the row. */
    missing: z.enum(['impute', 'drop']).optional(),
    maxSamples: z.number().int().positive().optional(),
  }),
  z.strictObject({
    /** A folder with one subfolder of PNG/JPEG images per class, relative to the study file. */
    images: z.string().min(1),
    /** Images are resized to size × size pixels. */
    size: z.number().int().min(4).max(256).optional(),
    channels: z.union([z.literal(1), z.literal(3)]).optional(),
    requireSameSize: z.boolean().optional(),
    maxSamples: z.number().int().positive().optional(),
  }),
]);
export type DatasetSpec = z.output<typeof datasetSpec>;

/**
 * A command trial: any program run as the trial, without a shell. `{name}` in an argument is
 * replaced by that parameter's value and `{params_file}` by the path of a JSON file holding all
 * of them; each parameter is also in the environment as ECOPT_PARAM_<NAME>.
 */
const commandSpec = z.strictObject({
  argv: z.array(z.string().min(1)).min(1),
  /** Working directory, relative to the study file's folder (or absolute). */
  cwd: z.string().optional(),
  /** A file the command writes its metrics to (JSON), instead of the last line of stdout. */
  metricsFile: z.string().optional(),
  env: z.record(z.string(), z.string()).default({}),
});
export type CommandSpec = z.output<typeof commandSpec>;

const samplerSpec = z
  .union([
    z.enum(SAMPLER_NAMES),
    z.strictObject({ name: z.enum(SAMPLER_NAMES), options: z.record(z.string(), z.unknown()).default({}) }),
  ])
  .transform((s) => (typeof s === 'string' ? { name: s, options: {} as Record<string, unknown> } : s));

const trialSettings = z
  .strictObject({
    /** A trial running longer than this is stopped and marked failed. */
    timeoutS: z.number().positive().default(600),
    /** The inference window is repeated until it lasts at least this long. */
    minInferS: z.number().positive().default(1),
    /** Batch size used for the inference benchmark; stored with each trial. */
    inferBatchSize: z.number().int().positive().default(256),
    /** Share of the training steps profiled before projecting the whole training's energy. */
    profileFraction: z.number().gt(0).lt(1).default(0.1),
  })
  .prefault({});

const pruningSettings = z
  .strictObject({
    /** Stop trials predicted, with confidence, to be dominated or to break a limit. */
    enabled: z.boolean().default(false),
    minTrials: z.number().int().min(3).default(5),
    minEpochs: z.number().int().min(1).default(1),
    /** Confidence in standard deviations: a trial stops when it ends dominated with probability Φ(z) (1.64: 95%); higher prunes less, more surely. */
    z: z.number().positive().default(1.64),
  })
  .prefault({});

const modelSettings = z
  .strictObject({
    /** Which trained models are kept beside the database: every complete trial's, the front's, or none. */
    keep: z.enum(['all', 'front', 'none']).default('all'),
  })
  .prefault({});

const meterSettings = z
  .strictObject({
    /** Seconds of idle machine measured before the study, for net energy; 0 skips it. */
    idleBaselineS: z.number().nonnegative().max(600).default(10),
  })
  .prefault({});

export const studySpecSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(120)
      .regex(/^[\w.\- ]+$/, 'use letters, digits, spaces, dots, dashes and underscores only'),
    dataset: datasetSpec.optional(),
    model: z.enum(['command', ...MODEL_FAMILY_NAMES] as unknown as [string, ...string[]]).default('mlp'),
    command: commandSpec.optional(),
    space: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/, 'parameter names are lower_snake_case'), paramSpec),
    objectives: z.array(objectiveSpec).min(1).max(4),
    sampler: samplerSpec.prefault('auto'),
    trials: z.number().int().positive().max(100000),
    /** Stop starting new trials after this many seconds (optional). */
    timeBudgetS: z.number().positive().optional(),
    seed: z.number().int().nonnegative().default(0),
    trial: trialSettings,
    meters: meterSettings,
    pruning: pruningSettings,
    models: modelSettings,
  })
  .superRefine((s, ctx) => {
    if (s.model === 'command') {
      if (!s.command) ctx.addIssue({ code: 'custom', path: ['command'], message: 'a command study needs "command": {"argv": ["python3", "train.py", "--lr", "{lr}"]}' });
      return;
    }
    if (s.command) ctx.addIssue({ code: 'custom', path: ['command'], message: `only a study with "model": "command" runs a command; remove it or set the model` });
    if (!s.dataset) ctx.addIssue({ code: 'custom', path: ['dataset'], message: 'is required (expected e.g. {"builtin": "digits"})' });
    const family = MODEL_FAMILIES[s.model as keyof typeof MODEL_FAMILIES];
    if (!family) return;
    const known = Object.keys(family.params);
    for (const name of Object.keys(s.space)) {
      if (!known.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['space', name],
          message: `"${name}" is not a parameter of model "${s.model}"; known: ${known.join(', ')}`,
        });
      }
    }
    checkFamilyLimits(s.model, family.params, s.space, ctx);
    const metrics = s.objectives.map((o) => o.metric);
    metrics.forEach((m, i) => {
      if (metrics.indexOf(m) !== i) {
        ctx.addIssue({ code: 'custom', path: ['objectives', i, 'metric'], message: `"${m}" is listed twice; keep one` });
      }
    });
  });

interface Ctx {
  addIssue(issue: { code: 'custom'; path: PropertyKey[]; message: string }): void;
}

/** A range that breaks its own rules (low above high, log through zero) already has its issue. */
function rangeIsSound(p: ParamSpec): boolean {
  return p.type !== 'float' && p.type !== 'int' ? true : (p.type === 'float' ? p.low < p.high : p.low <= p.high) && !(p.log && p.low <= 0);
}

/** Refuses values a model of the family cannot take, before a trial fails on every one of them. */
function checkFamilyLimits(model: string, params: Record<string, FamilyParam>, space: Record<string, ParamSpec>, ctx: Ctx): void {
  for (const [name, p] of Object.entries(space)) {
    const limit = params[name];
    if (!limit || !rangeIsSound(p)) continue;
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path: ['space', name, ...path], message });
    const what = `model "${model}" takes ${name} from ${limit.min} to ${limit.max}${limit.unit ? ` (${limit.unit})` : ''}`;
    const checkValue = (v: ParamValue, path: PropertyKey[], fix: string) => {
      if (limit.choices) {
        if (!limit.choices.includes(String(v))) issue(path, `model "${model}" takes ${name} ${limit.choices.join(', ')}, not ${JSON.stringify(v)}; change or remove this choice`);
        return;
      }
      if (typeof v !== 'number') return issue(path, `${name} is a number, got ${JSON.stringify(v)}; ${fix}`);
      if (limit.integer && !Number.isInteger(v)) return issue(path, `${name} takes whole numbers, got ${v}; ${fix}`);
      if ((limit.min !== undefined && v < limit.min) || (limit.max !== undefined && v > limit.max)) issue(path, `${v} is out of range: ${what}; ${fix}`);
    };
    switch (p.type) {
      case 'float':
      case 'int':
        if (limit.choices) {
          issue(['type'], `${name} is categorical; use {"type": "categorical", "choices": [${limit.choices.map((c) => JSON.stringify(c)).join(', ')}]}`);
          break;
        }
        if (limit.integer && p.type === 'float') issue(['type'], `${name} takes whole numbers; use "type": "int"`);
        if (limit.min !== undefined && p.low < limit.min) issue(['low'], `${p.low} is out of range: ${what}; raise low to ${limit.min}`);
        if (limit.max !== undefined && p.high > limit.max) issue(['high'], `${p.high} is out of range: ${what}; lower high to ${limit.max}`);
        break;
      case 'categorical':
        p.choices.forEach((c, i) => checkValue(c, ['choices', i], 'change or remove this choice'));
        break;
      case 'fixed':
        checkValue(p.value, ['value'], 'change the value');
        break;
    }
  }
  // filters double in each block: the last block is the one that has to fit
  if (model === 'cnn') {
    const top = (name: string, fallback: number) => {
      const p = space[name];
      if (!p) return fallback;
      if (p.type === 'float' || p.type === 'int') return p.high;
      const values = p.type === 'fixed' ? [p.value] : p.choices;
      return Math.max(...values.map(Number).filter(Number.isFinite), 0);
    };
    const filters = top('filters', Number(params.filters?.default));
    const blocks = top('conv_layers', Number(params.conv_layers?.default));
    const widest = filters * 2 ** Math.max(0, blocks - 1);
    if (widest > MAX_CNN_FILTERS && filters <= (params.filters?.max ?? Infinity) && blocks <= (params.conv_layers?.max ?? Infinity)) {
      ctx.addIssue({
        code: 'custom',
        path: ['space', space.filters ? 'filters' : 'conv_layers'],
        message: `${filters} filters doubled over ${blocks} conv_layers make a last block of ${widest} filters, more than model "cnn" can take (${MAX_CNN_FILTERS}); keep filters × 2^(conv_layers − 1) at most ${MAX_CNN_FILTERS}, e.g. filters up to ${Math.max(1, Math.floor(MAX_CNN_FILTERS / 2 ** Math.max(0, blocks - 1)))}`,
      });
    }
  }
}

/** A short label for the study's data: `builtin:digits`, or `command` for command trials. */
export function datasetLabel(spec: StudySpec): string {
  if (!spec.dataset) return 'command';
  if ('csv' in spec.dataset) return `csv:${spec.dataset.csv.split(/[\\/]/).pop()}`;
  if ('images' in spec.dataset) return `images:${spec.dataset.images.split(/[\\/]/).filter(Boolean).pop()}`;
  return `builtin:${spec.dataset.builtin}`;
}

/** The inference benchmark's batch size of a study the built-in trainer runs (trial.inferBatchSize); null for command trials, whose script batches as it does. */
export function inferBatchSizeOf(spec: { dataset?: unknown; trial?: { inferBatchSize?: number } }): number | null {
  return spec.dataset ? (spec.trial?.inferBatchSize ?? 256) : null;
}

/** A CSV study's target as a person names it ("price_eur", or "column 3" where given by number); null for other data. */
export function targetName(spec: Pick<StudySpec, 'dataset'>): string | null {
  const d = spec.dataset;
  if (!d || !('csv' in d)) return null;
  return /^\d+$/.test(d.target) ? `column ${d.target}` : d.target;
}

/**
 * The units a regression's RMSE is in: "in the units of "price_eur"" where the target is known,
 * else "in the target's units" (walks 39, 41, 45: a filer could not tell 31.46 meant euros).
 */
export function targetUnitsText(target: string | null | undefined): string {
  if (!target) return "in the target's units";
  return target.startsWith('column ') ? `in the units of the target (${target})` : `in the units of "${target}"`;
}

/** A stored dataset label as a person reads it: a command study's data is whatever its command reads. */
export function datasetText(label: string): string {
  return label === 'command' ? "the command's own" : label;
}

export type StudySpecInput = z.input<typeof studySpecSchema>;
export type StudySpec = z.output<typeof studySpecSchema>;

export interface SpecIssue {
  /** Dotted JSON path, e.g. `space.lr` or `objectives[1].metric`. */
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** zod's type names in a reader's words ("record" meant nothing to walk 42). */
const TYPE_WORDS: Record<string, string> = { record: 'an object of named entries', object: 'an object', array: 'a list', string: 'text', number: 'a number', boolean: 'true or false' };

/** What a required top-level field looks like, for the message that says it is missing. */
const REQUIRED_EXAMPLES: Record<string, string> = {
  space:
    'the parameters to search, one entry each, e.g. {"units": {"type": "int", "low": 8, "high": 256, "log": true}, "learning_rate": {"type": "float", "low": 0.0003, "high": 0.03, "log": true}} (README, "The study file"); parameters not listed take the family\'s defaults',
  objectives: 'e.g. [{"metric": "accuracy"}, {"metric": "infer_energy_j_per_sample"}]',
};

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (issue.input === undefined) {
        const example = issue.path.length === 1 ? REQUIRED_EXAMPLES[String(issue.path[0])] : undefined;
        return `is required: ${example ?? `expected ${expected}`}`;
      }
      return `expected ${expected}, got ${JSON.stringify(issue.input)}`;
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove or correct ${issue.keys.length > 1 ? 'them' : 'it'}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}`;
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator) {
        return `"${issue.discriminator}" must be one of float, int, categorical, fixed`;
      }
      return issue.message;
    case 'too_small':
      return issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item(s)` : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'array' ? `allows at most ${String(issue.maximum)} item(s)` : `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

export type SpecResult = { ok: true; spec: StudySpec } | { ok: false; issues: SpecIssue[] };

/**
 * A union without a discriminator (the dataset: builtin, csv or images) fails as a whole; report
 * the problems of the branch that came closest, so the user reads "dataset.builtin: must be one
 * of …" rather than "invalid input".
 */
function closestBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || ('discriminator' in issue && issue.discriminator) || !issue.errors?.length) return [issue];
  const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
  return best.flatMap((i) => closestBranch({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue));
}

/** Validates a parsed study file. Never throws for bad input: returns every issue found. */
export function parseStudySpec(input: unknown): SpecResult {
  const result = studySpecSchema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, spec: result.data };
  return {
    ok: false,
    issues: result.error.issues.flatMap(closestBranch).map((i) => ({ path: formatPath(i.path), message: describe(i) })),
  };
}

export function formatSpecIssues(issues: SpecIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}
