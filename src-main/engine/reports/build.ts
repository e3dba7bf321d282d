/**
 * Builds the energy report of one trial from the study database. Every figure comes from stored
 * measurement rows, each with its provenance; a SHA-256 digest of those rows lets
 * `ecopt verify` tell later whether the report still matches its data.
 */
import { createHash } from 'node:crypto';
import { arch, platform, release } from 'node:os';
import { REPORT_VERSION, type EnergyReport, type FunctionalUnit } from '../../shared/report';
import { datasetLabel } from '../../shared/spec';
import { METRICS, type Provenance, type TrialRecord } from '../../shared/types';
import { checkPue, resolveIntensity } from '../carbon/intensity';
import { UserError } from '../errors';
import { ECOPT_VERSION, type StoredWindow, type Store, type StudyRow } from '../store/store';
import { countedDomains } from '../trials/energy';

export interface ReportOptions {
  trialNumber?: number;
  country?: string;
  intensityGPerKWh?: number;
  pue?: number;
  functionalUnit?: FunctionalUnit;
  /** Embodied emissions per functional unit, grams (SCI's M); omitted = not included, and said so. */
  embodiedG?: number;
  /** Fixed timestamp (verification rebuilds with the report's own). */
  generatedAt?: string;
}

const J_PER_KWH = 3.6e6;

function isProcessor(domain: string): boolean {
  return domain.startsWith('cpu-package') || domain.startsWith('gpu');
}

function describeProvenance(p: Provenance): string {
  if (p.method === 'measured') return `measured by ${p.source} (${p.counter})`;
  const tdp = p.inputs.tdpW !== undefined ? `, TDP ${p.inputs.tdpW} W from ${p.inputs.tdpSource}` : '';
  return `estimated by ${p.source} with model ${p.model}${tdp}, ±${Math.round(p.uncertaintyRel * 100)}%`;
}

/** The trial's own energy of a phase (attributed share), with the machine's figure beside it. */
function phaseFigures(w: StoredWindow, flops: number) {
  const counted = countedDomains(w);
  const parts = w.domains.filter((d) => counted(d.domain));
  const energyJ = parts.reduce((a, d) => a + (d.attributedEnergyJ ?? d.energyJ), 0);
  const grossEnergyJ = parts.reduce((a, d) => a + d.energyJ, 0);
  const hasNet = parts.length > 0 && parts.every((d) => d.netEnergyJ !== undefined);
  const methods = new Set(w.domains.map((d) => d.provenance.method));
  // linear sum of absolute uncertainties: conservative when estimates are correlated
  const unknown = parts.some((d) => d.provenance.uncertaintyRel === null);
  const absU = parts.reduce((a, d) => a + Math.abs(d.attributedEnergyJ ?? d.energyJ) * (d.provenance.uncertaintyRel ?? 0), 0);
  return {
    energyJ,
    energyKWh: energyJ / J_PER_KWH,
    grossEnergyJ,
    netEnergyKWh: hasNet ? parts.reduce((a, d) => a + d.netEnergyJ!, 0) / J_PER_KWH : null,
    durationS: w.durationS,
    hardwareTimeS: w.durationS * Math.max(1, w.domains.filter((d) => isProcessor(d.domain)).length),
    flops,
    method: methods.size > 1 ? ('mixed' as const) : ([...methods][0] ?? 'estimated'),
    uncertaintyRel: unknown ? null : energyJ > 0 ? absU / energyJ : 0,
    domains: w.domains.map((d) => ({
      domain: d.domain,
      energyJ: d.energyJ,
      attributedEnergyJ: d.attributedEnergyJ ?? null,
      netEnergyJ: d.netEnergyJ ?? null,
      unreliable: d.unreliable ?? false,
      provenance: d.provenance,
    })),
    flags: w.flags ?? [],
  };
}

function twoSignificant(x: number): string {
  if (x === 0) return '0.0';
  return x.toPrecision(2).includes('e') ? Number(x.toPrecision(2)).toExponential(1) : x.toPrecision(2);
}

/** The rows the report rests on, in a canonical order: what the digest covers. */
export function measurementRows(store: Store, study: StudyRow, trial: TrialRecord, mostAccurate: TrialRecord | null): unknown[] {
  const rows: unknown[] = [];
  const windowRows = (w: StoredWindow) => {
    rows.push(['window', w.phase, w.startedAtMs, w.durationS, w.samples]);
    for (const d of w.domains) rows.push(['energy', w.phase, d.domain, d.energyJ, d.attributedEnergyJ ?? null, d.netEnergyJ ?? null, d.unreliable ?? false, d.provenance]);
    for (const f of w.flags ?? []) rows.push(['flag', w.phase, f.domain, f.kind, f.message]);
  };
  rows.push(['trial', study.name, trial.number, trial.state, trial.params, Object.entries(trial.metrics).sort()]);
  for (const w of store.getWindows({ trialId: trial.id })) windowRows(w);
  const idle = store.latestIdle(study.id);
  if (idle) windowRows(idle);
  if (mostAccurate && mostAccurate.id !== trial.id) rows.push(['reference-trial', mostAccurate.number, Object.entries(mostAccurate.metrics).sort()]);
  return rows;
}

export function digestRows(rows: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

export function buildReport(store: Store, studyName: string, options: ReportOptions = {}): EnergyReport {
  const study = store.requireStudy(studyName);
  const trials = store.getTrials(study.id);
  const complete = trials.filter((t) => t.state === 'complete');
  if (complete.length === 0) {
    throw new UserError(`study "${study.name}" has no complete trial yet: run \`ecopt tune\` until at least one trial completes`);
  }
  const pue = checkPue(options.pue ?? 1);
  const intensity = resolveIntensity({
    ...(options.country !== undefined ? { country: options.country } : {}),
    ...(options.intensityGPerKWh !== undefined ? { intensityGPerKWh: options.intensityGPerKWh } : {}),
  });
  const accuracyOf = (t: TrialRecord) => t.metrics.accuracy ?? -Infinity;
  const mostAccurate = complete.some((t) => t.metrics.accuracy !== undefined)
    ? complete.reduce((a, b) => (accuracyOf(b) > accuracyOf(a) ? b : a))
    : null;
  let trial: TrialRecord;
  if (options.trialNumber !== undefined) {
    const t = trials.find((x) => x.number === options.trialNumber);
    if (!t) throw new UserError(`study "${study.name}" has no trial ${options.trialNumber}; \`ecopt show ${study.name}\` lists them`);
    if (t.state !== 'complete') {
      throw new UserError(`trial ${t.number} of "${study.name}" is ${t.state}${t.failure ? ` (${t.failure.message})` : ''}: pick a complete trial`);
    }
    trial = t;
  } else {
    trial = mostAccurate ?? complete[0]!;
  }
  const windows = store.getWindows({ trialId: trial.id });
  const trainW = windows.find((w) => w.phase === 'train');
  const inferW = windows.find((w) => w.phase === 'infer');
  if (!inferW || !inferW.samples) {
    throw new UserError(`trial ${trial.number} of "${study.name}" has no inference measurement window: pick a trial that completed its inference benchmark`);
  }
  if (!trainW) throw new UserError(`trial ${trial.number} of "${study.name}" has no training measurement window`);
  const attrs = store.getTrialAttrs(trial.id) as {
    settings?: { epochs?: number };
    split?: { train?: number };
    infer_batch_size?: number;
    infer_repeats?: number;
    infer_rep_duration_s?: { mean: number; sd: number };
  };
  const flopsPerInference = trial.metrics.flops_per_inference ?? 0;
  const epochs = attrs.settings?.epochs ?? null;
  const trainSamples = attrs.split?.train ?? null;
  // forward + backward ≈ 3 × forward per training sample
  const trainFlops = epochs !== null && trainSamples !== null ? 3 * flopsPerInference * trainSamples * epochs : 0;
  const training = phaseFigures(trainW, trainFlops);
  const inference = phaseFigures(inferW, flopsPerInference * inferW.samples);
  const jPerSample = inference.energyJ / inferW.samples;

  const unit: FunctionalUnit = options.functionalUnit ?? '1000-inferences';
  const sciEnergyKWh = unit === 'inference' ? jPerSample / J_PER_KWH : unit === '1000-inferences' ? (1000 * jPerSample) / J_PER_KWH : training.energyKWh;
  const embodied = options.embodiedG ?? 0;
  const gPerKWh = intensity.intensityGPerKWh * pue;

  const idle = store.latestIdle(study.id);
  const meters = store.getMeters(study.id);
  const hardware = store.getHardware(study.id);
  const rows = measurementRows(store, study, trial, mostAccurate);

  let pareto: EnergyReport['pareto'] = null;
  if (mostAccurate && mostAccurate.metrics.infer_energy_j_per_sample !== undefined && trial.metrics.accuracy !== undefined) {
    const ref = mostAccurate.metrics.infer_energy_j_per_sample;
    const saved = 1 - jPerSample / ref;
    const dAcc = (mostAccurate.metrics.accuracy! - trial.metrics.accuracy) * 100;
    pareto = {
      mostAccurateTrial: mostAccurate.number,
      accuracyChosen: trial.metrics.accuracy,
      accuracyMostAccurate: mostAccurate.metrics.accuracy!,
      jPerSampleChosen: jPerSample,
      jPerSampleMostAccurate: ref,
      inferenceEnergySavedRel: saved,
      sentence:
        mostAccurate.id === trial.id
          ? `Trial ${trial.number} is the most accurate model of the study.`
          : `Trial ${trial.number} is ${dAcc.toFixed(1)} points less accurate and uses ${Math.abs(saved * 100).toFixed(0)}% ${saved >= 0 ? 'less' : 'more'} energy per prediction than the most accurate model (trial ${mostAccurate.number}).`,
    };
  }

  const allDomains = [...new Set([...training.domains, ...inference.domains].map((d) => d.domain))];
  const provenanceLines = [...new Map([...training.domains, ...inference.domains].map((d) => [d.domain, `${d.domain}: ${describeProvenance(d.provenance)}`])).values()];
  const methodology = [
    `Energy was read per phase (training, inference benchmark, evaluation) in measurement windows opened and closed around each phase by ECOpt ${ECOPT_VERSION}; counters were polled every 100 ms or faster.`,
    ...provenanceLines,
    `Inference benchmark: the held-out test set (${inferW.samples / Math.max(1, attrs.infer_repeats ?? 1)} samples) in batches of ${attrs.infer_batch_size ?? '?'}, one warm-up pass outside the window, then ${attrs.infer_repeats ?? '?'} passes (${inferW.samples} samples) over ${inferW.durationS.toFixed(2)} s.`,
    `Figures are this model's own energy: each window's energy per domain is attributed to the trial by its process tree's CPU time (CPU and DRAM) and the GPU it holds (${String(store.getTrialAttrs(trial.id).attribution ?? 'the whole machine: no per-process accounting')}); the whole machine's energy over the same windows is given beside them.`,
    idle
      ? `An idle baseline of ${idle.durationS.toFixed(1)} s was measured before the study; net energy = gross − idle power × duration, per domain, given only where the baseline was taken on a quiet machine and the result is not negative.${(idle.flags ?? []).some((f) => f.kind === 'baseline-under-load') ? ' The baseline was taken under load, so no net figures are given.' : ''}`
      : 'No idle baseline was measured: no net-of-idle figures are given.',
    `Emissions = energy × PUE (${pue}) × grid carbon intensity (${intensity.intensityGPerKWh} gCO2e/kWh, ${intensity.country}${intensity.year ? `, ${intensity.year}` : ''}; ${intensity.basis}; source: ${intensity.source}).`,
    `SCI (ISO/IEC 21031:2024) = (E × I + M) / R with R = one ${unit.replace('-', ' ')}; E includes PUE; M ${options.embodiedG !== undefined ? `= ${embodied} g per functional unit as stated by the user` : 'is not included (no embodied figure was given)'}.`,
    `Boundary: ${allDomains.join(', ')}; network, storage and cooling beyond the PUE factor are outside it.`,
    `Training compute is approximated as 3 × forward FLOPs × training samples × epochs; inference compute as forward FLOPs (2 × multiply-adds of the layers) × samples.`,
  ];
  const repSpread = attrs.infer_rep_duration_s && attrs.infer_rep_duration_s.mean > 0 ? attrs.infer_rep_duration_s.sd / attrs.infer_rep_duration_s.mean : null;
  const counts = { complete: 0, failed: 0, pruned: 0, interrupted: 0 };
  for (const t of trials) if (t.state in counts) counts[t.state as keyof typeof counts]++;

  return {
    schema: 'ecopt-energy-report',
    version: REPORT_VERSION,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    generator: { name: 'ECOpt', version: ECOPT_VERSION },
    options: {
      trialNumber: trial.number,
      country: options.country?.toUpperCase() ?? null,
      intensityGPerKWh: options.intensityGPerKWh ?? null,
      pue,
      functionalUnit: unit,
      embodiedG: options.embodiedG ?? null,
    },
    study: {
      name: study.name,
      createdAt: study.createdAt,
      model: study.spec.model,
      dataset: datasetLabel(study.spec),
      sampler: study.spec.sampler.name,
      objectives: study.objectives.map((o) => ({ metric: o.metric, direction: o.direction, unit: o.unit, threshold: o.threshold ?? null })),
      trials: counts,
    },
    trial: {
      number: trial.number,
      params: trial.params,
      startedAt: trial.startedAt,
      finishedAt: trial.finishedAt,
      backend: trial.backend,
      metrics: Object.fromEntries(Object.entries(trial.metrics).filter(([, v]) => v !== undefined)) as Record<string, number>,
      paramCount: trial.metrics.param_count ?? null,
    },
    software: { ecopt: ECOPT_VERSION, node: hardware.node ?? process.versions.node, backend: trial.backend ?? 'unknown', os: hardware.os ?? `${platform()} ${release()} ${arch()}` },
    hardware,
    meters,
    boundary: {
      domains: allDomains,
      description: `${allDomains.map((d) => (d.startsWith('cpu') ? `${d} (CPU package)` : d.startsWith('dram') ? `${d} (memory)` : d.startsWith('gpu') ? `${d} (GPU)` : d)).join(', ')}; × PUE ${pue}`,
      pue,
    },
    idleBaseline: idle
      ? { durationS: idle.durationS, powerW: Object.fromEntries(idle.domains.map((d) => [d.domain, idle.durationS > 0 ? d.energyJ / idle.durationS : 0])) }
      : null,
    training: { ...training, energyMWh2sf: twoSignificant(training.energyKWh / 1000), epochs, samples: trainSamples },
    inference: {
      ...inference,
      samples: inferW.samples,
      batchSize: attrs.infer_batch_size ?? null,
      repeats: attrs.infer_repeats ?? null,
      jPerSample,
      samplesPerJ: 1 / jPerSample,
      jPer1000: 1000 * jPerSample,
      repeatSpreadRel: repSpread,
      task: `${study.spec.dataset ? `prediction on ${datasetLabel(study.spec)} samples` : `the command's own inference task`} (${METRICS.accuracy.label.toLowerCase()} ${trial.metrics.accuracy !== undefined ? (trial.metrics.accuracy * 100).toFixed(1) + '%' : 'n/a'}) on ${hardware.cpu_model ?? 'this machine'} with the ${trial.backend ?? '?'} backend`,
    },
    emissions: {
      intensityGPerKWh: intensity.intensityGPerKWh,
      country: intensity.country,
      iso3: intensity.iso3,
      year: intensity.year,
      source: intensity.source,
      licence: intensity.licence,
      basis: intensity.basis,
      origin: intensity.origin,
      pue,
      trainingG: training.energyKWh * gPerKWh,
      inferencePer1000G: ((1000 * jPerSample) / J_PER_KWH) * gPerKWh,
    },
    sci: {
      functionalUnit: unit,
      energyKWh: sciEnergyKWh,
      intensityGPerKWh: gPerKWh,
      embodiedG: embodied,
      embodiedStated: options.embodiedG !== undefined,
      scoreG: sciEnergyKWh * gPerKWh + embodied,
      formula: 'SCI = (E × I + M) per R',
    },
    pareto,
    methodology,
    digest: { algorithm: 'sha256', rows: rows.length, value: digestRows(rows) },
  };
}
