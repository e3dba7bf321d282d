/**
 * The one contract between the UI and the engine: every command (request schema → response)
 * and every event (payload) declared once. The Electron preload and IPC router, the HTTP +
 * WebSocket server of `ecopt serve`, and the renderer's client are all generic over it. Requests
 * are validated where they arrive; errors cross as data: `{ ok: false, error }`.
 */
import { z } from 'zod';
import type { DatasetSummaryView, MeterInfo, StudySummary, TrialRecord } from './types';
import type { EnergyReport } from './report';
import type { COMMAND_NAME_LIST } from './command-names';

const studyName = z.string().min(1).max(120);
const spec = z.unknown(); // validated in full by parseStudySpec, which names every problem
/** What picks a report: the study, the trial (default: the most accurate), the electricity. */
const reportFields = {
  name: studyName,
  trial: z.number().int().nonnegative().optional(),
  country: z.string().length(3).optional(),
  pue: z.number().min(1).optional(),
};

export const commands = {
  'app.info': { request: z.strictObject({}) },
  'meters.report': { request: z.strictObject({}) },
  'datasets.list': { request: z.strictObject({}) },
  'datasets.inspect': {
    request: z.strictObject({ csv: z.string().min(1), target: z.string().min(1).optional(), task: z.enum(['classification', 'regression']).optional() }),
  },
  'spec.validate': { request: z.strictObject({ spec }) },
  'spec.preset': {
    request: z.strictObject({ dataset: z.enum(['digits', 'iris']), preset: z.enum(['quick', 'standard', 'thorough']) }),
  },
  'studies.list': { request: z.strictObject({}) },
  'studies.openFile': { request: z.strictObject({ path: z.string().min(1) }) },
  'study.start': { request: z.strictObject({ spec, skipIdle: z.boolean().optional() }) },
  'study.control': { request: z.strictObject({ name: studyName, action: z.enum(['pause', 'resume', 'stop']) }) },
  'study.get': { request: z.strictObject({ name: studyName }) },
  'trial.get': { request: z.strictObject({ name: studyName, number: z.number().int().nonnegative() }) },
  'report.build': { request: z.strictObject({ ...reportFields, unit: z.enum(['inference', '1000-inferences', 'training-run']).optional() }) },
  'report.export': {
    request: z.strictObject({ ...reportFields, formats: z.array(z.enum(['pdf', 'json', 'md', 'csv', 'card', 'gpai'])).min(1), outDir: z.string().min(1) }),
  },
} as const;

export type CommandName = keyof typeof commands;
export type Request<N extends CommandName> = z.input<(typeof commands)[N]['request']>;

export interface StudyView {
  summary: StudySummary;
  objectives: { metric: string; direction: 'minimize' | 'maximize'; unit: string; threshold?: number }[];
  trials: TrialRecord[];
  /** Trial numbers on the Pareto front of the complete, feasible trials. */
  front: number[];
  /** Hypervolume (normalised objectives) after each finished trial. */
  hypervolume: { trial: number; value: number }[];
  running: { state: 'running' | 'paused' | 'stopping'; phase: string | null; trial: number | null; startedAt: string; etaS: number | null } | null;
  estimatedOnly: boolean;
  backend: string | null;
  spec: unknown;
  /** Trials whose windows carry warnings a user must see beside the figure (noisy, unreliable, net-meaningless…), by kind. */
  flagged: { trial: number; kinds: string[] }[];
}

export interface TrialView {
  trial: TrialRecord;
  attrs: Record<string, unknown>;
  windows: { phase: string; durationS: number; samples: number | null; domains: { domain: string; energyJ: number; netEnergyJ: number | null; attributedEnergyJ: number | null; unreliable: boolean; method: string; source: string; detail: string }[]; flags: { kind: string; message: string }[]; cpu: { treeS: number | null; machineBusyS: number; cores: number } | null }[];
  power: { tMs: number; domain: string; powerW: number }[];
}

export interface Responses {
  'app.info': { version: string; dbPath: string; dataDir: string; mode: 'electron' | 'serve' };
  'meters.report': { report: MeterInfo[]; estimatedOnly: boolean; verdict: string };
  'datasets.list': DatasetSummaryView[];
  'datasets.inspect': { columns: string[]; target: string; summary: DatasetSummaryView | null; notes: string[] };
  'spec.validate': { ok: boolean; issues: { path: string; message: string }[] };
  'spec.preset': unknown;
  'studies.list': StudySummary[];
  'studies.openFile': { dbPath: string; studies: StudySummary[] };
  'study.start': { name: string };
  'study.control': { state: string };
  'study.get': StudyView;
  'trial.get': TrialView;
  'report.build': EnergyReport;
  'report.export': { files: string[] };
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
