/**
 * The energy report: one versioned structure built from a study and a chosen trial, from which
 * every renderer (PDF, JSON, Markdown, model card, CodeCarbon CSV, GPAI form view) is made.
 * The JSON Schema in resources/schemas is generated from this zod schema (a test keeps it current).
 */
import { z } from 'zod';
import type { PaybackResult } from './payback';
import { countryAlias } from './country-aliases';

/**
 * 2: phase `energyJ` is the trial's own (attributed) energy, `grossEnergyJ` the machine's.
 * 3: `campaign` (the whole study's energy), `gpai` (the form's rows in its units), a structured
 * `hardware` with GPUs, SCI with E including PUE and M given or excluded with a reason,
 * `modelCard`, `document` (owner, sign-off), `payback`; phase `flops` null when not known.
 * 4: `inference`, `gpai.inference` and `emissions.inferencePer1000G` are null for a trial that ran
 * no inference benchmark (a training-only study, reported per training run): not applicable,
 * never a zero.
 */
export const REPORT_VERSION = 5;

const provenance = z.union([
  z.object({
    method: z.literal('measured'),
    source: z.string(),
    counter: z.string(),
    resolutionJ: z.number().nullable(),
    uncertaintyRel: z.number().nullable(),
  }),
  z.object({
    method: z.literal('estimated'),
    source: z.string(),
    model: z.string(),
    inputs: z.record(z.string(), z.union([z.string(), z.number()])),
    uncertaintyRel: z.number(),
  }),
]);

const domainFigure = z.object({
  domain: z.string(),
  /** The machine's energy in this domain (gross). */
  energyJ: z.number(),
  /** The trial's own share; null for windows measured before attribution. */
  attributedEnergyJ: z.number().nullable(),
  /** Above the idle baseline; null without a trusted baseline or where it would be negative. */
  netEnergyJ: z.number().nullable(),
  /** A self-check touched this figure (stale, unreadable, reset…). */
  unreliable: z.boolean(),
  provenance,
});

const energyMethod = z.enum(['measured', 'estimated', 'mixed']);

const phase = z.object({
  /** The trial's own energy of the phase (attributed), all domains; platform-wide domains that contain others are not added. */
  energyJ: z.number(),
  energyKWh: z.number(),
  /** The whole machine's energy over the phase, same domains. */
  grossEnergyJ: z.number(),
  /** Above the idle baseline; null without one. */
  netEnergyKWh: z.number().nullable(),
  durationS: z.number(),
  /** The processors the phase ran on: its GPUs when it used any, otherwise the CPU packages measured. */
  processors: z.object({ kind: z.enum(['GPU', 'CPU']), count: z.number().int() }),
  /** Processor-seconds: wall-clock × processors. */
  hardwareTimeS: z.number(),
  /** Floating-point operations; null when not known (`flopsMethod` says why). */
  flops: z.number().nullable(),
  /** How `flops` was obtained, or why it is not known. */
  flopsMethod: z.string(),
  method: energyMethod,
  /** Relative uncertainty of the total, ±; null where a measured counter states none. */
  uncertaintyRel: z.number().nullable(),
  domains: z.array(domainFigure),
  flags: z.array(z.object({ domain: z.string(), kind: z.string(), message: z.string() })),
});

const stateFigures = z.object({
  trials: z.number().int(),
  windows: z.number().int(),
  /** The trials' own (attributed) energy, J. */
  energyJ: z.number(),
  /** The whole machine's energy over the same windows, J. */
  grossEnergyJ: z.number(),
  /** Measured time (sum of the windows), s. */
  durationS: z.number(),
});

/** One run of the campaign: a trial (all its windows) or an idle baseline; CodeCarbon's rows are these. */
const campaignRun = z.object({
  /** Trial number; null for an idle baseline. */
  trial: z.number().int().nullable(),
  /** The trial's state, or `idle-baseline`. */
  state: z.string(),
  startedAtMs: z.number(),
  durationS: z.number(),
  /** The trial's own energy (the machine's for an idle baseline), J; split below by component. */
  energyJ: z.number(),
  grossEnergyJ: z.number(),
  cpuEnergyJ: z.number(),
  gpuEnergyJ: z.number(),
  ramEnergyJ: z.number(),
  gpuCount: z.number().int(),
  /** Share of the machine's CPU capacity in use over the run (0–1); null when not recorded. */
  cpuBusyShare: z.number().nullable(),
  method: energyMethod,
  sources: z.array(z.string()),
  uncertaintyRel: z.number().nullable(),
  /**
   * The machine: the host that ran the trial (a worker's, in a study run on several machines; a
   * re-measurement made elsewhere counts with its trial), or that took the idle baseline; null
   * where none was recorded. Absent from reports written before it was stated.
   */
  host: z.string().nullable().optional(),
});

/** The whole tuning campaign: what developing the model cost, every trial and the idle baselines. */
const campaign = z.object({
  /**
   * Every trial's own energy (whatever its state) plus the idle baselines' machine energy, J; a
   * baseline taken while other programs kept the machine busy is not counted (`idle.underLoad`).
   */
  energyJ: z.number(),
  energyKWh: z.number(),
  /** The whole machine's energy over the same windows, J. */
  grossEnergyJ: z.number(),
  /** Measured time, sum of every window, s. */
  durationS: z.number(),
  /** From the first measurement to the last, s (includes pauses between sessions); null without windows. */
  spanS: z.number().nullable(),
  /**
   * Whether windows of different trials (or a baseline and a trial) were open at once: several
   * workers or devices. Absent from reports written before it was stated.
   */
  concurrent: z.boolean().optional(),
  byState: z.object({ complete: stateFigures, pruned: stateFigures, failed: stateFigures, interrupted: stateFigures }),
  /**
   * The idle baselines counted (`windows`, their machine energy and time), and those taken under
   * load (`underLoad`): other programs kept the machine busy, so their energy (`underLoadGrossJ`,
   * the machine's, in `grossEnergyJ` only) was not the study's and is not counted.
   */
  idle: z.object({
    windows: z.number().int(),
    energyJ: z.number(),
    durationS: z.number(),
    underLoad: z.number().int(),
    underLoadGrossJ: z.number(),
    underLoadDurationS: z.number(),
    /** The machine of each baseline taken under load, where it was recorded (a shared study's workers each take their own). */
    underLoadHosts: z.array(z.string()).optional(),
  }),
  /** Share of the campaign's energy spent on trials that were pruned or failed. */
  prunedOrFailedShare: z.number(),
  /** Share spent on trials interrupted (and run again). */
  interruptedShare: z.number(),
  /** Windows measured before attribution: counted at the machine's figure. */
  unattributedWindows: z.number().int(),
  method: energyMethod,
  uncertaintyRel: z.number().nullable(),
  /** Emissions of the campaign at the report's intensity and PUE, g CO2e. */
  emissionsG: z.number(),
  /** Run by run: every trial that measured anything, and every idle baseline counted, in order. */
  runs: z.array(campaignRun),
  /**
   * What the trials' processes used outside their phases' windows (start-up, imports, saving the
   * model), counted above: each trial's whole process was measured beside its phases. `trials`:
   * how many were; trials measured before this existed count their phases only. Absent in reports
   * of studies none of whose trials was.
   */
  outsidePhases: z.object({ trials: z.number().int(), energyJ: z.number(), durationS: z.number() }).optional(),
  /**
   * Re-measurements of kept models (`ecopt remeasure`), included in the figures above with their
   * trial's: how many runs of how many trials, their own energy (inference windows, and their
   * whole processes where measured: `wholeProcess` of the runs) and measured time.
   */
  remeasured: z.object({ runs: z.number().int(), trials: z.number().int(), energyJ: z.number(), durationS: z.number(), wholeProcess: z.number().int() }).optional(),
});

const gpu = z.object({ index: z.string(), model: z.string(), driver: z.string().nullable(), memoryMiB: z.number().nullable() });

const payback = z.object({
  chosenTrial: z.number().int(),
  referenceTrial: z.number().int(),
  referenceReason: z.string(),
  chosenJPerPrediction: z.number(),
  referenceJPerPrediction: z.number(),
  savedJPerPrediction: z.number(),
  extraJPerPrediction: z.number(),
  savedSpreadJ: z.number(),
  savedRel: z.number(),
  spreadKnown: z.boolean(),
  campaignEnergyJ: z.number(),
  verdict: z.enum(['pays-back', 'never', 'same-model']),
  predictions: z.number().nullable(),
  interval: z.object({ low: z.number(), high: z.number().nullable() }).nullable(),
  accuracyGainPoints: z.number().nullable(),
  /** A study without accuracy (regression): chosen − reference of its error; negative: the chosen model errs less. */
  errorChange: z.object({ metric: z.enum(['rmse', 'loss']), change: z.number() }).optional(),
  carbon: z.object({ gPerKWh: z.number(), campaignG: z.number(), savedGPerPrediction: z.number(), extraGPerPrediction: z.number() }).nullable(),
  text: z.object({ saved: z.string(), campaign: z.string(), predictions: z.string(), interval: z.string() }),
  sentence: z.string(),
  /** The chosen model is the untuned first trial and its own reference: nothing saved, never repaid. */
  untuned: z.literal(true).optional(),
});

export const TRAINING_TYPES = ['pre-training', 'fine-tuning'] as const;
export type TrainingType = (typeof TRAINING_TYPES)[number];
export const FUNCTIONAL_UNITS = ['inference', '1000-inferences', 'training-run'] as const;

export const reportSchema = z.object({
  schema: z.literal('ecopt-energy-report'),
  version: z.literal(REPORT_VERSION),
  generatedAt: z.string(),
  generator: z.object({ name: z.literal('ECOpt'), version: z.string() }),
  options: z.object({
    trialNumber: z.number().int(),
    country: z.string().nullable(),
    intensityGPerKWh: z.number().nullable(),
    pue: z.number(),
    /** Water usage effectiveness, L/kWh (CodeCarbon's `wue`). */
    wue: z.number(),
    functionalUnit: z.enum(FUNCTIONAL_UNITS),
    /** SCI's embodied inputs as given: TE (g), EL (years), RR/ToR (share of the machine reserved). */
    embodied: z.object({ totalG: z.number(), lifespanYears: z.number(), share: z.number() }).nullable(),
    embodiedExcludedReason: z.string().nullable(),
    trainingType: z.enum(TRAINING_TYPES).nullable(),
    referenceTrial: z.number().int().nullable(),
    /** The budget in words the model was chosen by, where it was given. */
    budget: z.string().optional(),
    owner: z.string().nullable(),
    organisation: z.string().nullable(),
    approver: z.string().nullable(),
  }),
  /** Who the report is for and who signs it off. */
  document: z.object({ owner: z.string().nullable(), organisation: z.string().nullable(), approver: z.string().nullable(), date: z.string() }),
  study: z.object({
    name: z.string(),
    createdAt: z.string(),
    model: z.string(),
    dataset: z.string(),
    /** A CSV study's column to predict (a regression's RMSE is in its units); null for other data. Absent from reports written before it was stated. */
    target: z.string().nullable().optional(),
    sampler: z.string(),
    objectives: z.array(z.object({ metric: z.string(), direction: z.string(), unit: z.string(), threshold: z.number().nullable() })),
    trials: z.object({ complete: z.number(), failed: z.number(), pruned: z.number(), interrupted: z.number() }),
  }),
  trial: z.object({
    number: z.number().int(),
    /** `builtin`: ECOpt's trainer; `command`: the user's own training command. */
    kind: z.enum(['builtin', 'command']),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    backend: z.string().nullable(),
    metrics: z.record(z.string(), z.number()),
    paramCount: z.number().nullable(),
    /**
     * SHA-256 of the trained weights' values, as ECOpt recorded it after training and as the
     * exported model card states it: what ties this report to a model taken away. Null when not
     * recorded (a command's model); absent in reports written before it was added.
     */
    weightsSha256: z.string().nullable().optional(),
    /**
     * SHA-256 of the kept weights file (`weights.bin`, exported byte for byte): what `sha256sum`
     * prints for the model taken away. Absent where none was kept, and in reports written before.
     */
    weightsFileSha256: z.string().optional(),
    /**
     * A command trial's model: SHA-256 of each file its command handed back as its artifact, as
     * ECOpt kept it (what the exported model card lists). Absent when it handed none back, for a
     * built-in trial, and in reports written before it was added.
     */
    artifactSha256: z.record(z.string(), z.string()).optional(),
    /**
     * Accuracy on the held-out test rows, which neither training nor choosing among trials saw:
     * what to expect on new data. A command's trial: the `test_accuracy` its metrics line reported
     * (on a split ECOpt does not know). Absent where none was held out or reported, and in
     * reports written before it was added.
     */
    testAccuracy: z.number().optional(),
    /** A built-in regression's RMSE on the held-out test rows, in the target's units. */
    testRmse: z.number().optional(),
    /**
     * A command trial's command as it ran: its argv (the parameters file at the path it had
     * then), its folder, and the SHA-256 of each file in that folder the command line names (the
     * script), taken as the trial started. What ties this report to the code that made the model.
     * Absent for a built-in trial, and in reports written before it was added.
     */
    command: z.object({ argv: z.array(z.string()), cwd: z.string(), files: z.record(z.string(), z.string()) }).optional(),
    /**
     * A built-in trial's data as its trainer read it: the rows (or images) in each part, the
     * scaling, what loading did (cells filled and from what, columns left out as identifiers, rows
     * dropped, files skipped: null where the trial ran before ECOpt recorded it) and the SHA-256
     * of the data as loaded. Absent for a command trial, and in reports written before it was added.
     */
    data: z
      .object({
        rows: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() }).nullable(),
        preparation: z.string().nullable(),
        notes: z.array(z.string()).nullable(),
        sha256: z.string().nullable(),
      })
      .optional(),
  }),
  software: z.record(z.string(), z.string()),
  hardware: z.object({
    cpuModel: z.string(),
    cpuLogicalCores: z.number().nullable(),
    memoryGiB: z.number().nullable(),
    os: z.string(),
    gpus: z.array(gpu),
    /** Where the GPU list came from (nvidia-smi, amdgpu sysfs, the meters), or null without GPUs. */
    gpuSource: z.string().nullable(),
    /** GPUs the chosen trial's windows measured. */
    gpusUsed: z.number().int(),
    drivers: z.record(z.string(), z.string()),
    /** One line: "1 × NVIDIA H200 (driver 550.54), AMD EPYC … (16 logical cores), 128 GiB, linux …". */
    summary: z.string(),
    /** The study's inventory as recorded. */
    recorded: z.record(z.string(), z.string()),
    /**
     * The hardware class of the machine that ran the trial (CPU, GPUs, counters; `ecopt show`
     * lists them): energy is compared only within one. Absent for a trial that recorded none, and
     * in reports written before it was added.
     */
    hardwareClass: z.object({ id: z.string(), label: z.string().nullable() }).optional(),
  }),
  meters: z.array(
    z.object({
      id: z.string(),
      domains: z.array(z.string()),
      status: z.string(),
      detail: z.string(),
      /** The same in words a compliance reader can follow, with the fix where one is needed. */
      words: z.string(),
    }),
  ),
  boundary: z.object({ domains: z.array(z.string()), description: z.string(), pue: z.number() }),
  idleBaseline: z.object({ durationS: z.number(), powerW: z.record(z.string(), z.number()) }).nullable(),
  /** The chosen model's own training (not the campaign: see `campaign`). */
  training: phase.extend({
    /** Training energy in MWh to two significant figures, plain decimal, as the GPAI form asks. */
    energyMWh2sf: z.string(),
    epochs: z.number().nullable(),
    samples: z.number().nullable(),
  }),
  /**
   * The chosen model's inference benchmark; null when the trial ran none (a training-only study,
   * whose report is per training run): not applicable, never a zero.
   */
  inference: phase.extend({
    samples: z.number(),
    batchSize: z.number().nullable(),
    repeats: z.number().nullable(),
    jPerSample: z.number(),
    /** Null when the model's own inference energy was 0 J (its window says why): not a number, never 0. */
    samplesPerJ: z.number().nullable(),
    jPer1000: z.number(),
    /** Spread of the inference energy per prediction between blocks of repeats (relative); null when not measured. */
    spreadRel: z.number().nullable(),
    task: z.string(),
  }).nullable(),
  campaign,
  gpai: z.object({
    trainingTime: z.object({ wallClockDays: z.number(), hardwareDays: z.number(), hardwareKind: z.enum(['GPU', 'CPU']), hardwareCount: z.number().int(), range: z.string() }),
    trainingCompute: z.object({ flops: z.number().nullable(), text: z.string(), method: z.string() }),
    trainingEnergy: z.object({ mwh2sf: z.string(), method: energyMethod, methodology: z.string() }),
    developmentEnergy: z.object({ mwh2sf: z.string(), text: z.string() }),
    /** Null without an inference benchmark; the form's row then says it is not applicable. */
    inference: z.object({ benchmark: z.string(), task: z.string(), hardware: z.string(), flops: z.number().nullable(), text: z.string() }).nullable(),
    rows: z.array(z.object({ field: z.string(), value: z.string() })),
  }),
  emissions: z.object({
    intensityGPerKWh: z.number(),
    country: z.string(),
    iso3: z.string().nullable(),
    year: z.number().nullable(),
    source: z.string(),
    licence: z.string(),
    basis: z.string(),
    origin: z.enum(['table', 'user', 'world-fallback']),
    pue: z.number(),
    trainingG: z.number(),
    /** Null without an inference benchmark. */
    inferencePer1000G: z.number().nullable(),
    campaignG: z.number(),
  }),
  sci: z.object({
    functionalUnit: z.string(),
    /** E: energy per functional unit including the facility's overhead (IT energy × PUE), kWh. */
    energyKWh: z.number(),
    /** The IT energy before PUE, kWh. */
    itEnergyKWh: z.number(),
    pue: z.number(),
    /** I: the grid's carbon intensity, gCO2e/kWh (PUE is in E, not here). */
    intensityGPerKWh: z.number(),
    /** E × I, g CO2e. */
    operationalG: z.number(),
    embodied: z.object({
      included: z.boolean(),
      /** TE: the hardware's total embodied emissions, g CO2e. */
      totalG: z.number().nullable(),
      /** TR: time the functional unit reserves the hardware, s. */
      timeReservedS: z.number().nullable(),
      /** EL: the hardware's expected lifespan, s. */
      lifespanS: z.number().nullable(),
      /** RR/ToR: share of the hardware reserved. */
      share: z.number().nullable(),
      /** M = TE × TR/EL × RR/ToR, g CO2e; 0 when excluded. */
      embodiedG: z.number(),
      /** Why M is excluded; null when included. */
      excludedReason: z.string().nullable(),
    }),
    scoreG: z.number(),
    formula: z.string(),
    text: z.string(),
  }),
  modelCard: z.object({
    trainingType: z.enum(TRAINING_TYPES),
    /** Where the training type came from: the report options, the trial, or a default (flagged). */
    trainingTypeSource: z.string(),
    hardwareUsed: z.string(),
    /** Fallbacks and assumptions a reader of the card must see. */
    notes: z.array(z.string()),
  }),
  /**
   * Why this model: the budget in words it was chosen by, as the budget picker read it, and the
   * picker's sentence over the study's trials (of the reported class); `picked` is the model the
   * budget picks now (null: none meets it), which may differ from the reported trial. Absent when
   * no budget was given.
   */
  selection: z
    .object({
      budget: z.string(),
      readAs: z.string(),
      sentence: z.string(),
      picked: z.number().int().nullable(),
      /** Where the sentence's energy comparison is within the figures' own spread: that it may not hold on another run, or, re-measured since, whether it held. */
      caveat: z.string().optional(),
    })
    .optional(),
  pareto: z
    .object({
      mostAccurateTrial: z.number().int(),
      /** A study measuring accuracy; a regression study states `quality` instead. */
      accuracyChosen: z.number().optional(),
      accuracyMostAccurate: z.number().optional(),
      /** A study whose quality is not accuracy (regression: RMSE in the target's units, lower is better). */
      quality: z
        .object({
          metric: z.enum(['rmse', 'loss']),
          chosen: z.number(),
          mostAccurate: z.number(),
          /** The two models' RMSE on the held-out test rows, where both kept it (built-in regressions): it can rank them otherwise. */
          test: z.object({ chosen: z.number(), mostAccurate: z.number() }).optional(),
        })
        .optional(),
      jPerSampleChosen: z.number(),
      jPerSampleMostAccurate: z.number(),
      /** Share of inference energy saved against the most accurate trial (negative: uses more). */
      inferenceEnergySavedRel: z.number(),
      sentence: z.string(),
    })
    .nullable(),
  /** Did the search pay for itself: the chosen model's savings per prediction against a reference, and when they repay the campaign. */
  payback: payback.nullable(),
  methodology: z.array(z.string()),
  digest: z.object({ algorithm: z.literal('sha256'), rows: z.number().int(), value: z.string() }),
});

export type EnergyReport = z.infer<typeof reportSchema>;
export type PhaseFigures = z.infer<typeof phase>;
export type CampaignFigures = z.infer<typeof campaign>;
export type CampaignRun = z.infer<typeof campaignRun>;
export type FunctionalUnit = EnergyReport['options']['functionalUnit'];

// the report's payback block is exactly what the shared payback function returns
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const paybackAgrees: Same<z.infer<typeof payback>, PaybackResult> = true;
void paybackAgrees;

export interface CountryChoice {
  iso3: string;
  name: string;
}

/**
 * The report inputs a person types in the app, checked in the screen's own words before they
 * are sent: a country from the bundled list (ISO 3166 alpha-3 code or name, any case) and a
 * PUE of at least 1. Returns the resolved values, or one message per field.
 */
export function checkReportInputs(
  input: { country: string; pue: string },
  countries: readonly CountryChoice[],
): { ok: true; country: string | null; pue: number } | { ok: false; errors: { country?: string; pue?: string } } {
  const errors: { country?: string; pue?: string } = {};
  const typed = input.country.trim();
  let country: string | null = null;
  if (typed !== '') {
    const key = typed.toLowerCase();
    const alias = countryAlias(key);
    const hit = countries.find((c) => c.iso3.toLowerCase() === key) ?? countries.find((c) => c.name.toLowerCase() === key) ?? (alias ? countries.find((c) => c.iso3 === alias) : undefined);
    if (hit) country = hit.iso3;
    // the list not loaded yet: the engine checks the name itself
    else if (countries.length === 0) country = typed;
    else {
      const close = countries.filter((c) => c.name.toLowerCase().startsWith(key)).slice(0, 3);
      errors.country =
        `"${typed}" is not a country in the list. Type a country's name or its three-letter code` +
        (close.length ? ` (did you mean ${close.map((c) => `${c.name}, ${c.iso3}`).join('; ')}?)` : ' (for example France or FRA)') +
        ', or leave it empty to use the world average.';
    }
  }
  const pue = Number(input.pue.trim());
  if (input.pue.trim() === '' || !Number.isFinite(pue)) errors.pue = 'PUE must be a number such as 1.0 or 1.4.';
  else if (pue < 1) errors.pue = `PUE cannot be below 1.0 (you typed ${input.pue.trim()}): 1.0 means no overhead beyond the computer itself; a data centre is typically 1.1 to 1.6.`;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, country, pue };
}
