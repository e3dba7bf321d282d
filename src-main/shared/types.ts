/**
 * Domain types shared by the engine, the transports and the renderer.
 * Pure TypeScript: no node:, no electron.
 */

export const TRIAL_STATES = ['queued', 'running', 'complete', 'pruned', 'failed', 'interrupted'] as const;
export type TrialState = (typeof TRIAL_STATES)[number];

/** States a trial may move to from each state. Finished states are terminal. */
export const TRIAL_TRANSITIONS: Readonly<Record<TrialState, readonly TrialState[]>> = {
  queued: ['running', 'interrupted', 'failed'],
  running: ['complete', 'pruned', 'failed', 'interrupted'],
  complete: [],
  pruned: [],
  failed: [],
  interrupted: [],
};

export const FINISHED_STATES: readonly TrialState[] = ['complete', 'pruned', 'failed'];

export const PHASES = ['train', 'infer', 'evaluate'] as const;
export type Phase = (typeof PHASES)[number] | 'idle';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

/** How one energy figure was obtained. Never absent: a figure without provenance is a bug. */
export type Provenance =
  | {
      method: 'measured';
      /** Meter id, e.g. `rapl`, `nvml`. */
      source: string;
      /** The counter read, e.g. `/sys/class/powercap/intel-rapl:0/energy_uj`. */
      counter: string;
      /** Smallest energy step the counter can resolve, joules. */
      resolutionJ: number | null;
      /** Relative uncertainty (0.05 = ±5%) where the counter's documentation states one. */
      uncertaintyRel: number | null;
    }
  | {
      method: 'estimated';
      source: string;
      /** The model, e.g. `tdp-linear-utilisation`. */
      model: string;
      /** The model's inputs, e.g. TDP and where it came from. */
      inputs: Record<string, string | number>;
      /** Relative uncertainty, ±. */
      uncertaintyRel: number;
    };

export interface DomainEnergy {
  /** `cpu-package`, `dram`, `gpu:0`, … */
  domain: string;
  /** Gross energy: everything the domain drew during the window. */
  energyJ: number;
  /**
   * Energy above the idle baseline (gross − idle power × duration); absent without a baseline,
   * and absent (with a `net-meaningless` flag) where it would be negative.
   */
  netEnergyJ?: number;
  /**
   * The trial's own share of the domain's energy (see meters/attribution.ts): what objectives,
   * fronts and reports use. Absent on idle windows and on windows measured before attribution.
   */
  attributedEnergyJ?: number;
  /**
   * Set when a fault spoiled this figure (stale, reset, unreadable, gap, short-window, aliasing;
   * the window's flags say which and why): do not trust it. A `mismatch` alone does not set it:
   * the counter is kept, and the cross-check (integrated polled power) is the weaker reading.
   */
  unreliable?: boolean;
  provenance: Provenance;
}

/** CPU time seen over a window, core-seconds: whose work the machine was doing. */
export interface WindowCpu {
  /** The trial's process tree (all its processes and threads); null when no trial was tracked. */
  treeS: number | null;
  /** All processes on the machine (busy time from /proc/stat). */
  machineBusyS: number;
  /** Logical cores. */
  cores: number;
}

/** A self-check that failed while a window was open: shown to the user beside the figure. */
export interface MeterFlag {
  domain: string;
  kind: MeterFlagKind;
  message: string;
}

/**
 * What a self-check found. Counter faults: `stale` (stopped moving), `reset` (went backwards
 * or jumped: not a wrap), `mismatch` (two readings of one domain disagree), `unreadable` (the
 * file or call failed), `gap` (polls further apart than a wrap period: wraps may be missed),
 * `short-window` (window shorter than the counter's update step), `aliasing` (polled power
 * sampled too slowly for the window). Figures: `net-meaningless` (net of idle would be negative:
 * background load), `baseline-under-load` (the idle baseline was taken on a busy machine),
 * `noisy` (inference repeats spread more than 20%), `shared-gpu` (other processes used the GPU),
 * `no-own-share` (the trial used no CPU time in the window), `coarse-share` (a window under
 * 0.1 s: the CPU-time share is read from a few 10 ms ticks).
 */
export const METER_FLAG_KINDS = [
  'stale',
  'reset',
  'mismatch',
  'unreadable',
  'gap',
  'short-window',
  'aliasing',
  'net-meaningless',
  'baseline-under-load',
  'noisy',
  'shared-gpu',
  'no-own-share',
  'coarse-share',
] as const;
export type MeterFlagKind = (typeof METER_FLAG_KINDS)[number];

/** One measurement window: a phase of a trial, or an idle baseline. */
export interface EnergyWindow {
  phase: Phase;
  startedAtMs: number;
  durationS: number;
  domains: DomainEnergy[];
  flags?: MeterFlag[];
  /** CPU time of the trial's process tree and of the machine over the window (attribution). */
  cpu?: WindowCpu;
  /** The machine that took it, for an idle baseline: a shared study's workers each take their own. */
  host?: string;
}

export type Direction = 'minimize' | 'maximize';

/** Metrics a trial can produce, with their units; objectives pick from these. */
export const METRICS = {
  accuracy: { unit: 'fraction', label: 'Accuracy', defaultDirection: 'maximize' },
  /** On the validation rows for the built-in trainer; as a command reported it for a command (the label says neither). */
  loss: { unit: 'nats', label: 'Loss', defaultDirection: 'minimize' },
  rmse: { unit: 'target units', label: 'Root-mean-square error (regression)', defaultDirection: 'minimize' },
  /** The trial's own (attributed) energy: what fronts, budgets and reports use. */
  infer_energy_j_per_sample: { unit: 'J', label: 'Inference energy per prediction', defaultDirection: 'minimize' },
  infer_samples_per_j: { unit: 'samples/J', label: 'Inference samples per joule', defaultDirection: 'maximize' },
  train_energy_j: { unit: 'J', label: 'Training energy', defaultDirection: 'minimize' },
  train_energy_net_j: { unit: 'J', label: 'Training energy above idle', defaultDirection: 'minimize' },
  train_energy_gross_j: { unit: 'J', label: 'Training energy, whole machine', defaultDirection: 'minimize' },
  infer_energy_gross_j_per_sample: { unit: 'J', label: 'Inference energy per prediction, whole machine', defaultDirection: 'minimize' },
  infer_energy_net_j_per_sample: { unit: 'J', label: 'Inference energy per prediction above idle', defaultDirection: 'minimize' },
  train_duration_s: { unit: 's', label: 'Training time', defaultDirection: 'minimize' },
  infer_latency_s_per_sample: { unit: 's', label: 'Inference time per prediction', defaultDirection: 'minimize' },
  param_count: { unit: 'parameters', label: 'Trainable parameters', defaultDirection: 'minimize' },
  flops_per_inference: { unit: 'FLOP', label: 'FLOPs per inference', defaultDirection: 'minimize' },
} as const satisfies Record<string, { unit: string; label: string; defaultDirection: Direction }>;
export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export type Metrics = Partial<Record<MetricName, number>>;

/** A trial as read back from the store. */
export interface TrialRecord {
  id: number;
  number: number;
  state: TrialState;
  params: Params;
  metrics: Metrics;
  retryOf: number | null;
  backend: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  failure: { kind: string; message: string } | null;
}

export interface StudySummary {
  id: number;
  name: string;
  model: string;
  dataset: string;
  sampler: string;
  backend: string | null;
  createdAt: string;
  updatedAt: string;
  counts: Record<TrialState, number>;
  budget: number;
}

export interface MeterInfo {
  id: string;
  domains: string[];
  /** `ok`, `unavailable`, `error`. */
  status: string;
  /** What it reads, or why it cannot, with the fix. */
  detail: string;
}

/** A dataset as the wizard shows it before a study starts. */
export interface DatasetSummaryView {
  name: string;
  kind: 'tabular' | 'image';
  task: 'classification' | 'regression';
  rows: number;
  features: number;
  inputShape: number[];
  classes: { name: string; count: number }[];
  warnings: string[];
  /** A few rows (tabular) or a few images as 0–255 greyscale arrays. */
  preview: { columns: string[]; rows: (string | number)[][] } | { images: { label: string; width: number; height: number; pixels: number[] }[] };
}
