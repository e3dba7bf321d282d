/**
 * The energy report: one versioned structure built from a study and a chosen trial, from which
 * every renderer (PDF, JSON, Markdown, model card, CodeCarbon CSV, GPAI form view) is made.
 * The JSON Schema in resources/schemas is generated from this zod schema (a test keeps it current).
 */
import { z } from 'zod';

/** 2: phase `energyJ` is the trial's own (attributed) energy, `grossEnergyJ` the machine's. */
export const REPORT_VERSION = 2;

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

const phase = z.object({
  /** The trial's own energy of the phase (attributed), all domains; platform-wide domains that contain others are not added. */
  energyJ: z.number(),
  energyKWh: z.number(),
  /** The whole machine's energy over the phase, same domains. */
  grossEnergyJ: z.number(),
  /** Above the idle baseline; null without one. */
  netEnergyKWh: z.number().nullable(),
  durationS: z.number(),
  /** Processor-seconds: wall-clock × processors measured (CPU packages and GPUs). */
  hardwareTimeS: z.number(),
  flops: z.number(),
  /** `measured`, `estimated`, or `mixed` when domains differ. */
  method: z.enum(['measured', 'estimated', 'mixed']),
  /** Relative uncertainty of the total, ±; null where a measured counter states none. */
  uncertaintyRel: z.number().nullable(),
  domains: z.array(domainFigure),
  flags: z.array(z.object({ domain: z.string(), kind: z.string(), message: z.string() })),
});

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
    functionalUnit: z.enum(['inference', '1000-inferences', 'training-run']),
    embodiedG: z.number().nullable(),
  }),
  study: z.object({
    name: z.string(),
    createdAt: z.string(),
    model: z.string(),
    dataset: z.string(),
    sampler: z.string(),
    objectives: z.array(z.object({ metric: z.string(), direction: z.string(), unit: z.string(), threshold: z.number().nullable() })),
    trials: z.object({ complete: z.number(), failed: z.number(), pruned: z.number(), interrupted: z.number() }),
  }),
  trial: z.object({
    number: z.number().int(),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    backend: z.string().nullable(),
    metrics: z.record(z.string(), z.number()),
    paramCount: z.number().nullable(),
  }),
  software: z.record(z.string(), z.string()),
  hardware: z.record(z.string(), z.string()),
  meters: z.array(z.object({ id: z.string(), domains: z.array(z.string()), status: z.string(), detail: z.string() })),
  boundary: z.object({ domains: z.array(z.string()), description: z.string(), pue: z.number() }),
  idleBaseline: z.object({ durationS: z.number(), powerW: z.record(z.string(), z.number()) }).nullable(),
  training: phase.extend({
    /** Training energy in MWh to two significant figures, as the GPAI form asks. */
    energyMWh2sf: z.string(),
    epochs: z.number().nullable(),
    samples: z.number().nullable(),
  }),
  inference: phase.extend({
    samples: z.number(),
    batchSize: z.number().nullable(),
    repeats: z.number().nullable(),
    jPerSample: z.number(),
    samplesPerJ: z.number(),
    jPer1000: z.number(),
    /** Spread of the repeats' durations (relative sd); the energy per repeat varies with it. */
    repeatSpreadRel: z.number().nullable(),
    task: z.string(),
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
    inferencePer1000G: z.number(),
  }),
  sci: z.object({
    functionalUnit: z.string(),
    energyKWh: z.number(),
    intensityGPerKWh: z.number(),
    embodiedG: z.number(),
    embodiedStated: z.boolean(),
    scoreG: z.number(),
    formula: z.string(),
  }),
  pareto: z
    .object({
      mostAccurateTrial: z.number().int(),
      accuracyChosen: z.number(),
      accuracyMostAccurate: z.number(),
      jPerSampleChosen: z.number(),
      jPerSampleMostAccurate: z.number(),
      /** Share of inference energy saved against the most accurate trial (negative: uses more). */
      inferenceEnergySavedRel: z.number(),
      sentence: z.string(),
    })
    .nullable(),
  methodology: z.array(z.string()),
  digest: z.object({ algorithm: z.literal('sha256'), rows: z.number().int(), value: z.string() }),
});

export type EnergyReport = z.infer<typeof reportSchema>;
export type PhaseFigures = z.infer<typeof phase>;
export type FunctionalUnit = EnergyReport['options']['functionalUnit'];
