/**
 * The one contract between the UI and the engine: every command (request schema → response)
 * and every event (payload) declared once. The Electron preload and IPC router, the HTTP +
 * WebSocket server of `ecopt serve`, and the renderer's client are all generic over it. Requests
 * are validated where they arrive; errors cross as data: `{ ok: false, error }`.
 */
import { z } from 'zod';
import type { DatasetSummaryView, MeterInfo, StudySummary, TrialRecord } from './types';
import type { EnergyReport } from './report';
import type { PaybackResult } from './payback';
import type { StudyForecast } from './predictor';
import type { COMMAND_NAME_LIST } from './command-names';
import type { TrialColumns } from './columns';
import type { HardwareClassView } from './classes';

const studyName = z.string().min(1).max(120);
const spec = z.unknown(); // validated in full by parseStudySpec, which names every problem
/** What picks a report: the study, the trial (default: the most accurate), the electricity. */
const reportFields = {
  name: studyName,
  trial: z.number().int().nonnegative().optional(),
  /** ISO 3166 alpha-3 code or the country's name in the bundled table, any case. */
  country: z.string().trim().min(1).max(80).optional(),
  pue: z.number().min(1).optional(),
  trainingType: z.enum(['pre-training', 'fine-tuning']).optional(),
  /** The trial the payback is computed against. */
  reference: z.number().int().nonnegative().optional(),
  owner: z.string().max(200).optional(),
  organisation: z.string().max(200).optional(),
  approver: z.string().max(200).optional(),
  /** The report's functional unit; per training run for trials without an inference benchmark. */
  unit: z.enum(['inference', '1000-inferences', 'training-run']).optional(),
  /** The budget in words the model was picked by in the explorer: the report says why this model. */
  budget: z.string().trim().min(1).max(200).optional(),
};
const reportFormats = z.array(z.enum(['pdf', 'json', 'md', 'csv', 'card', 'gpai'])).min(1);

export const commands = {
  'app.info': { request: z.strictObject({}) },
  'meters.report': { request: z.strictObject({}) },
  'datasets.list': { request: z.strictObject({}) },
  'datasets.inspect': {
    request: z.strictObject({ csv: z.string().min(1), target: z.string().min(1).optional(), task: z.enum(['classification', 'regression']).optional() }),
  },
  'spec.validate': { request: z.strictObject({ spec }) },
  'spec.preset': {
    request: z.strictObject({ dataset: z.enum(['digits', 'iris']), preset: z.enum(['quick', 'standard', 'thorough']), model: z.enum(['mlp', 'cnn']).optional(), rows: z.number().int().positive().optional() }),
  },
  'studies.list': { request: z.strictObject({}) },
  'studies.openFile': { request: z.strictObject({ path: z.string().min(1) }) },
  'study.start': {
    request: z.strictObject({
      spec,
      skipIdle: z.boolean().optional(),
      /** Refuse, rather than resume, when a study of this name already exists (the wizard asks first). */
      mustBeNew: z.boolean().optional(),
    }),
  },
  'study.control': { request: z.strictObject({ name: studyName, action: z.enum(['pause', 'resume', 'stop']) }) },
  'study.get': { request: z.strictObject({ name: studyName }) },
  /** What the frontier explorer shows of a study: its trials as columns (ExploreView). */
  'study.explore': { request: z.strictObject({ name: studyName }) },
  /** The power stored with the study's most recent trial that has any (a finished study's "live" power). */
  'study.power': { request: z.strictObject({ name: studyName }) },
  /** Studies running on this machine now, whatever their study file (`ecopt tune` included). */
  'machine.runs': { request: z.strictObject({}) },
  /** A folder on the engine's machine, for the file and folder chooser; `~` is the home folder. */
  'files.browse': {
    request: z.strictObject({ path: z.string().max(4096).optional(), extensions: z.array(z.string().max(16)).max(16).optional() }),
  },
  /** A folder of images, one subfolder per class: its summary and a few thumbnails. */
  'datasets.inspectImages': {
    request: z.strictObject({ images: z.string().min(1), size: z.number().int().min(4).max(256).optional(), channels: z.union([z.literal(1), z.literal(3)]).optional() }),
  },
  'trial.get': { request: z.strictObject({ name: studyName, number: z.number().int().nonnegative() }) },
  'report.build': { request: z.strictObject(reportFields) },
  'report.export': {
    request: z.strictObject({ ...reportFields, formats: reportFormats, outDir: z.string().min(1) }),
  },
  'report.download': { request: z.strictObject({ ...reportFields, formats: reportFormats }) },
  'report.countries': { request: z.strictObject({}) },
  /** "Take this model": the kept model of a trial, with its model card, as one .zip. */
  'model.download': { request: z.strictObject({ name: studyName, trial: z.number().int().nonnegative() }) },
  'study.payback': {
    request: z.strictObject({
      name: studyName,
      trial: z.number().int().nonnegative(),
      reference: z.number().int().nonnegative().optional(),
      country: z.string().trim().min(1).max(80).optional(),
      pue: z.number().min(1).optional(),
    }),
  },
  /**
   * "Re-measure": the inference benchmark of kept models run again, `repeats` times each, in the
   * background (progress as `remeasure.progress` events); the new windows are stored beside the
   * trial's first. Refused while any study runs on this machine, or when a trial has no kept model.
   */
  'trial.remeasure': {
    request: z.strictObject({
      name: studyName,
      /** Trial numbers; default: the study's Pareto front. */
      trials: z.array(z.number().int().nonnegative()).min(1).max(50).optional(),
      repeats: z.number().int().min(1).max(10).optional(),
    }),
  },
  /**
   * Before a study starts: what it will cost on this machine ("about X kJ (±Y) and Z minutes for
   * N trials"), from the predictor fitted on the trials every study here measured. Nothing is run
   * or stored; without enough trials, the reason instead of a number.
   */
  'study.forecast': { request: z.strictObject({ spec }) },
} as const;

export type CommandName = keyof typeof commands;
export type Request<N extends CommandName> = z.input<(typeof commands)[N]['request']>;

export interface StudyView {
  summary: StudySummary;
  /** A CSV study's column to predict ("price_eur", "column 3"), which a regression's RMSE is in the units of; null for other data. */
  target?: string | null;
  objectives: { metric: string; direction: 'minimize' | 'maximize'; unit: string; threshold?: number }[];
  /** With where each ran (`host`, `hardwareClass`: null for trials run before workers). */
  trials: PlacedTrialRecord[];
  /**
   * Trial numbers on the Pareto front of the complete, feasible trials; when the study spans
   * several hardware classes, the front of the first of `classes` (energy is compared only within one).
   */
  front: number[];
  /** Only when the study spans several hardware classes: each with its own front, the one with the most complete trials first. */
  classes?: HardwareClassView[];
  /** Set when the study is read from a PostgreSQL database (a read-only snapshot, refreshed as the tab polls). */
  remote?: RemoteView;
  /** Hypervolume after each finished trial, as a share of the reference box: in [0, 1] (shared/analysis.ts). */
  hypervolume: { trial: number; value: number }[];
  /** First-order parameter importance per objective (shared/analysis.ts parameterImportance), computed by the server. */
  importance?: Record<string, Record<string, number>>;
  running: { state: 'running' | 'paused' | 'stopping'; phase: string | null; trial: number | null; startedAt: string; etaS: number | null } | null;
  estimatedOnly: boolean;
  backend: string | null;
  spec: unknown;
  /** Trials whose windows carry warnings a user must see beside the figure (noisy, unreliable, net-meaningless…), by kind. */
  flagged: { trial: number; kinds: string[] }[];
  /** What always answering the most frequent class scores on each classifier trial's validation examples, where its trainer recorded it: the trials table marks a model near it. */
  guesses?: { trial: number; validation: number }[];
  /** Other programs' work beside the study's measurements (Store.otherLoad): the run view and the explorer say so, as `show` does. */
  load?: OtherLoad;
}

/** The trials measured beside other programs' work (the largest share of the CPUs they used), and the latest idle baseline's under-load warning. */
export interface OtherLoad {
  trials: { trial: number; others: number }[];
  baselineUnderLoad: string | null;
}

/**
 * The frontier explorer's view of a study: StudyView's figures with the trials as columns
 * (shared/columns.ts) and the hypervolume history as its steps (hypervolumeSteps), the parts of a
 * 10,000-trial study that its first paint waits for (bench:frontier).
 */
export interface ExploreView {
  summary: StudySummary;
  /** As StudyView's. */
  target?: string | null;
  /** The inference benchmark's batch size (trial.inferBatchSize) of a built-in study; null for command trials. */
  inferBatchSize?: number | null;
  objectives: StudyView['objectives'];
  trials: TrialColumns;
  front: number[];
  classes?: HardwareClassView[];
  remote?: RemoteView;
  /** The hypervolume history's steps: its first entry, each change, its last. */
  hypervolume: { trial: number; value: number }[];
  importance: Record<string, Record<string, number>>;
  estimatedOnly: boolean;
  flagged: StudyView['flagged'];
  /** Each re-measured trial's mean inference energy per prediction since (J), for the budget pick's comparisons. */
  remeasuredMeans?: { trial: number; jPerSample: number }[];
  /** Each trial's inference spread between blocks of repeats (relative), where measured: the budget pick's comparisons are checked against it. */
  inferSpreads?: { trial: number; rel: number }[];
  /** As StudyView's. */
  load?: OtherLoad;
}

/** A trial with where it ran. */
export type PlacedTrialRecord = TrialRecord & { host: string | null; hardwareClass: string | null };

/** A study read from a database server: the location (password hidden) and when it was last read. */
export interface RemoteView {
  location: string;
  readAt: string;
}

export interface TrialView {
  trial: PlacedTrialRecord;
  /** The readable label of the trial's hardware class, where the study stored its inventory. */
  hardwareClassLabel: string | null;
  attrs: Record<string, unknown>;
  /** Whether the trial's model is kept on this machine, to be taken away (a command's only where it handed one back). */
  modelKept: boolean;
  /** Each domain's `uncertaintyRel`: an estimate's stated ± (relative); null for a measured one. */
  windows: { phase: string; startedAtMs: number; durationS: number; samples: number | null; domains: { domain: string; energyJ: number; netEnergyJ: number | null; attributedEnergyJ: number | null; unreliable: boolean; method: string; source: string; uncertaintyRel: number | null; detail: string }[]; flags: { kind: string; message: string }[]; cpu: { treeS: number | null; machineBusyS: number; cores: number } | null }[];
  power: { tMs: number; domain: string; powerW: number }[];
}

export interface Responses {
  /** `dbPath`: the study file this tab (window) reads; `defaultDbPath`: the one it reads unless it opened another. */
  'app.info': { version: string; dbPath: string; dataDir: string; mode: 'electron' | 'serve'; defaultDbPath?: string; remote?: boolean };
  'meters.report': { report: MeterInfo[]; estimatedOnly: boolean; verdict: string };
  'datasets.list': DatasetSummaryView[];
  /** `path`: the file as read (`~` expanded, absolute). */
  /** `target` null: no column was given and the last one cannot be predicted (`problem` says why); the user chooses. */
  'datasets.inspect': { path: string; columns: string[]; target: string | null; summary: DatasetSummaryView | null; notes: string[]; problem?: string };
  'datasets.inspectImages': { path: string; summary: DatasetSummaryView; notes: string[] };
  'spec.validate': { ok: boolean; issues: { path: string; message: string }[] };
  'spec.preset': unknown;
  'studies.list': StudySummary[];
  /** `dbPath`: the file as read, or a database URL with its password hidden (what the tab sends back). */
  'studies.openFile': { dbPath: string; studies: StudySummary[]; remote?: boolean };
  'study.start': { name: string };
  'study.control': { state: string };
  'study.get': StudyView;
  'study.explore': ExploreView;
  'study.power': { trial: number | null; samples: { tMs: number; domain: string; powerW: number }[] };
  'machine.runs': { runs: { study: string; dbPath: string; pid: number; startedAt: string; here: boolean }[] };
  'files.browse': { path: string; parent: string | null; home: string; entries: { name: string; path: string; kind: 'file' | 'folder' }[]; truncated: boolean };
  'trial.get': TrialView;
  'report.build': EnergyReport;
  'report.export': { files: string[] };
  /** The report's files in memory, for the browser to download: base64 content. */
  'report.download': { files: { name: string; mimeType: string; base64: string }[] };
  'report.countries': { iso3: string; name: string; year: number; intensityGPerKWh: number }[];
  /** `kind`: `ecopt`, a model ECOpt trained; `command`, what a command trial handed back, in its own format. */
  'model.download': { name: string; mimeType: 'application/zip'; base64: string; files: string[]; kind: 'ecopt' | 'command' };
  'study.payback': PaybackView;
  /** Started: the trials to be re-measured, in order, and how many times each. */
  'trial.remeasure': { trials: number[]; repeats: number };
  'study.forecast': ForecastView;
}

/** A study's forecast as the wizard shows it: the line, the lines under it, or why there is none. */
export type ForecastView = { ok: true; line: string; details: string[]; forecast: StudyForecast } | { ok: false; reason: string };

/** Did the search pay for itself: one trial's payback against its reference, and what it rests on. */
export interface PaybackView {
  payback: PaybackResult | null;
  campaignEnergyJ: number;
  trials: Record<'complete' | 'pruned' | 'failed' | 'interrupted', number>;
  /** Re-measurements counted in the campaign, where any were made. */
  remeasured?: { runs: number; trials: number; energyJ: number };
  intensity: { gPerKWh: number; country: string; pue: number; worldFallback: boolean };
}

export type Response<N extends CommandName> = Responses[N];
export type Result<T> = { ok: true; data: T } | { ok: false; error: string };

export const events = {
  'study.progress': z.object({
    name: studyName,
    kind: z.string(),
    done: z.number().optional(),
    budget: z.number().optional(),
    trial: z.number().optional(),
    phase: z.string().optional(),
    message: z.string().optional(),
  }),
  'power.samples': z.object({ name: studyName, samples: z.array(z.object({ tMs: z.number(), domain: z.string(), powerW: z.number() })) }),
  /** A re-measurement's progress: `done` of `total` measurements; `jPerSample` of the one just made. */
  'remeasure.progress': z.object({
    name: studyName,
    /** The study file, so a tab reading another file ignores it. */
    dbPath: z.string(),
    state: z.enum(['measuring', 'measured', 'finished', 'failed']),
    trial: z.number().optional(),
    repeat: z.number().optional(),
    done: z.number(),
    total: z.number(),
    jPerSample: z.number().optional(),
    message: z.string().optional(),
  }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<N extends EventName> = z.infer<(typeof events)[N]>;

export const COMMAND_NAMES = Object.keys(commands) as CommandName[];

// the preload's plain list must name exactly these commands
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesAgree: Same<(typeof COMMAND_NAME_LIST)[number], CommandName> = true;
void namesAgree;
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** Validates a request where it arrives; the message names the field. */
export function parseRequest<N extends CommandName>(name: string, payload: unknown): Result<z.output<(typeof commands)[N]['request']>> {
  const entry = (commands as Record<string, { request: z.ZodType }>)[name];
  if (!entry) return { ok: false, error: `unknown command "${name}"` };
  const r = entry.request.safeParse(payload ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.length ? issue.path.join('.') : '(request)';
    return { ok: false, error: `${name}: ${path}: ${issue.message}` };
  }
  return { ok: true, data: r.data as z.output<(typeof commands)[N]['request']> };
}
