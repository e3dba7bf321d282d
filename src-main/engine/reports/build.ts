/**
 * Builds the energy report of one trial from the study database. Every figure comes from stored
 * measurement rows, each with its provenance; a SHA-256 digest of those rows (the chosen trial's,
 * every other trial's and the idle baselines', which make up the campaign) lets `ecopt verify`
 * tell later whether the report still matches its data.
 */
import { createHash } from 'node:crypto';
import { arch, platform, release } from 'node:os';
import { REPORT_VERSION, TRAINING_TYPES, type CampaignFigures, type EnergyReport, type FunctionalUnit, type TrainingType } from '../../shared/report';
import { remeasureVerdict, type Remeasurement } from '../../shared/remeasure';
import { datasetLabel, targetName, targetUnitsText } from '../../shared/spec';
import type { MeterInfo, Provenance, TrialRecord } from '../../shared/types';
import { checkPue, checkWue, resolveIntensity } from '../carbon/intensity';
import { UserError } from '../errors';
import { ECOPT_VERSION, type StoredWindow, type Store, type StudyRow } from '../store/store';
import { methodOf, windowTotals } from '../trials/energy';
import { campaignFigures, unrecordedTrials, type CampaignWindow } from './campaign';
import { meterWords } from './meter-words';
import { estimateCaveat } from '../../shared/meter-words';
import { batchSizeText, killedWords } from './render/text';
import { mostAccurateTrial, paybackOf } from './payback';
import { errorChangeWords, pointsBetween } from '../../shared/payback';
import { formatSi } from '../../shared/format';
import { comparisonChecks } from '../../shared/remeasure';
import { isRegressionResult, pickByBudget, pickComparisons, qualityName, splitOf, studyQuality } from '../../shared/analysis';
import { parseBudget } from '../../shared/budget';
import { dayRange, durationText, energyText, flopsText, gramsText, plainNumber } from './units';

export interface ReportOptions {
  trialNumber?: number;
  /**
   * For a study run on several hardware classes (`ecopt worker` on different machines): the class
   * to report (its trials, front and machine); default the chosen trial's class.
   */
  hardwareClass?: string;
  /** ISO 3166 alpha-3 code or the country's name in the bundled table, any case. */
  country?: string;
  intensityGPerKWh?: number;
  pue?: number;
  /** Water usage effectiveness of the facility, L/kWh (CodeCarbon's `wue`); default 0. */
  wue?: number;
  functionalUnit?: FunctionalUnit;
  /** SCI's embodied emissions inputs: TE (g CO2e), EL (years), RR/ToR (share of the machine reserved, default 1). */
  embodied?: { totalG: number; lifespanYears: number; share?: number };
  /** Why embodied emissions are left out of SCI (default: not supplied). */
  embodiedExcludedReason?: string;
  /** The model card's training type; default from the study. */
  trainingType?: TrainingType;
  /** The trial the payback is computed against (default: the most accurate). */
  referenceTrial?: number;
  /**
   * The budget in words the model was chosen by ("at most 2 mJ per prediction"): the report says
   * why this model, with the budget picker's sentence over the study's trials; without
   * `trialNumber`, the report is of the model the budget picks.
   */
  budget?: string;
  owner?: string;
  organisation?: string;
  approver?: string;
  /** Fixed timestamp (verification rebuilds with the report's own). */
  generatedAt?: string;
  /**
   * What the report says of the software that wrote it, where the database does not record it:
   * ECOpt's version, and the Node version and OS when the trial's machine inventory lacks them
   * (verification rebuilds with the report's own, so a report still verifies under a later ECOpt
   * or on another machine). Default: this process's.
   */
  writer?: { ecopt: string; node: string; os: string };
}

const J_PER_KWH = 3.6e6;
/** Why a trial has no inference figures, after "trial N": the report says so rather than show a zero. */
const NO_INFERENCE = 'ran no inference benchmark (no inference phase was measured), so no inference energy is known';
const S_PER_DAY = 86_400;
const S_PER_YEAR = 365.25 * S_PER_DAY;

function describeProvenance(p: Provenance): string {
  if (p.method === 'measured') return `measured by ${p.source} (${p.counter})`;
  const tdp = p.inputs.tdpW !== undefined ? `, TDP ${p.inputs.tdpW} W from ${p.inputs.tdpSource}` : '';
  return `estimated by ${p.source} with model ${p.model}${tdp}, ±${Math.round(p.uncertaintyRel * 100)}%${estimateCaveat(p.inputs)}`;
}

/** The trial's own energy of a phase (attributed share), with the machine's figure beside it. */
export function phaseFigures(w: StoredWindow, flops: number | null, flopsMethod: string) {
  const { parts, energyJ, grossEnergyJ, absU, unknown } = windowTotals(w);
  const hasNet = parts.length > 0 && parts.every((d) => d.netEnergyJ !== undefined);
  const gpus = w.domains.filter((d) => d.domain.startsWith('gpu')).length;
  const processors = gpus > 0 ? { kind: 'GPU' as const, count: gpus } : { kind: 'CPU' as const, count: Math.max(1, w.domains.filter((d) => d.domain.startsWith('cpu-package')).length) };
  return {
    energyJ,
    energyKWh: energyJ / J_PER_KWH,
    grossEnergyJ,
    netEnergyKWh: hasNet ? parts.reduce((a, d) => a + d.netEnergyJ!, 0) / J_PER_KWH : null,
    durationS: w.durationS,
    processors,
    hardwareTimeS: w.durationS * processors.count,
    flops,
    flopsMethod,
    method: methodOf(w.domains.map((d) => d.provenance.method)),
    // energy.ts's uncertaintyRel, the trial view's figure (energyJ is its attributedJ); 0 for a window that used no energy of its own
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

/**
 * What the idle baseline did for the training's own figure: a measured CPU-side counter shares the
 * baseline's power per core-second; the TDP estimate's own share (b × TDP / n) carries its idle
 * share in the model itself, so there the baseline gives the net-of-idle figures only (walk 55:
 * "used to share the idle power" beside figures that were exactly 42.5 W × CPU-seconds).
 */
function idleUseText(domains: readonly { domain: string; provenance: Provenance }[]): string {
  const cpuSide = domains.filter((d) => !d.domain.startsWith('gpu'));
  const estimated = cpuSide.filter((d) => d.provenance.method === 'estimated');
  if (cpuSide.length > 0 && estimated.length === cpuSide.length) {
    return ": the estimate's own share (TDP ÷ cores per CPU-second, idle power included) does not use it; it gives the net-of-idle figures only";
  }
  if (estimated.length > 0) return ' and used to share the idle power of the measured sources (the estimated ones: TDP ÷ cores per CPU-second, idle power included)';
  return ' and used to share the idle power';
}

/** The methodology's sentence on trials that ran but stored nothing (their process was killed). */
function unrecordedText(c: CampaignFigures): string {
  const missing = unrecordedTrials(c);
  return missing > 0
    ? ` ${missing} trial${missing === 1 ? '' : 's'} stopped before storing what ${missing === 1 ? 'it' : 'they'} measured (${killedWords(missing)}): ${missing === 1 ? 'its' : 'their'} energy up to that moment is not in the campaign's figures, which are therefore a lower bound.`
    : '';
}

/** Two significant figures as a plain decimal, never an exponent: 4.2e-8 → "0.000000042". */
export function twoSignificant(x: number): string {
  return plainNumber(x, 2, { group: false, keepZeros: true });
}

/** The rows the report rests on, in a canonical order: what the digest covers. */
export function measurementRows(study: StudyRow, trial: TrialRecord, windows: readonly CampaignWindow[], references: readonly (TrialRecord | null)[], spreads: (t: TrialRecord) => unknown): unknown[] {
  const rows: unknown[] = [];
  rows.push(['trial', study.name, trial.number, trial.state, trial.params, Object.entries(trial.metrics).sort(), spreads(trial)]);
  for (const { trial: t, window: w } of windows) {
    rows.push(['window', t?.number ?? null, t?.state ?? null, w.phase, w.startedAtMs, w.durationS, w.samples]);
    for (const d of w.domains) rows.push(['energy', w.phase, d.domain, d.energyJ, d.attributedEnergyJ ?? null, d.netEnergyJ ?? null, d.unreliable ?? false, d.provenance]);
    for (const f of w.flags ?? []) rows.push(['flag', w.phase, f.domain, f.kind, f.message]);
  }
  const seen = new Set([trial.id]);
  for (const r of references) {
    if (!r || seen.has(r.id)) continue;
    seen.add(r.id);
    rows.push(['reference-trial', r.number, Object.entries(r.metrics).sort(), spreads(r)]);
  }
  return rows;
}

export function digestRows(rows: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/** The study's recorded inventory as structured hardware, with the GPUs the meters name where it has none. */
function hardwareOf(recorded: Record<string, string>, meters: readonly MeterInfo[], windows: readonly StoredWindow[], hostOs: string): EnergyReport['hardware'] {
  const gpus: EnergyReport['hardware']['gpus'] = [];
  for (const [k, v] of Object.entries(recorded)) {
    const m = /^gpu_(\w+?)_model$/.exec(k);
    if (!m) continue;
    const mem = Number(recorded[`gpu_${m[1]}_memory_mib`]);
    gpus.push({ index: m[1]!, model: v, driver: recorded[`gpu_${m[1]}_driver`] ?? null, memoryMiB: Number.isFinite(mem) && mem > 0 ? mem : null });
  }
  let gpuSource = gpus.length ? (recorded.gpu_source ?? 'the study inventory') : null;
  if (gpus.length === 0) {
    // studies recorded before the inventory listed GPUs: the meters' counters name them
    const names = new Map<string, string>();
    for (const w of windows) {
      for (const d of w.domains) {
        const p = d.provenance;
        const text = p.method === 'measured' ? p.counter : p.model;
        const hit = /\(gpu (\w+): ([^)]+)\)/.exec(text);
        if (hit) names.set(hit[1]!, hit[2]!);
      }
    }
    for (const m of meters) for (const hit of m.detail.matchAll(/GPU (\d+) ([^:|]+?):/g)) names.set(hit[1]!, hit[2]!.trim());
    for (const [index, model] of names) gpus.push({ index, model, driver: null, memoryMiB: null });
    if (gpus.length) gpuSource = 'the energy meters';
  }
  gpus.sort((a, b) => a.index.localeCompare(b.index, 'en', { numeric: true }));
  const drivers = Object.fromEntries(Object.entries(recorded).filter(([k]) => k.startsWith('driver_')).map(([k, v]) => [k.slice('driver_'.length), v]));
  const cores = Number(recorded.cpu_logical_cores);
  const mem = Number(recorded.memory_gib);
  const used = new Set(windows.flatMap((w) => w.domains.filter((d) => d.domain.startsWith('gpu')).map((d) => d.domain))).size;
  const os = recorded.os ?? hostOs;
  const groups = new Map<string, typeof gpus>();
  for (const g of gpus) groups.set(g.model, [...(groups.get(g.model) ?? []), g]);
  const gpuText = [...groups].map(([model, list]) => {
    const extra = [list[0]!.memoryMiB ? `${plainNumber(list[0]!.memoryMiB / 1024, 3)} GiB` : null, list[0]!.driver ? `driver ${list[0]!.driver}` : null].filter(Boolean);
    return `${list.length} × ${model}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  });
  const summary = [
    gpus.length ? `GPU: ${gpuText.join(', ')}` : 'GPU: none found',
    `CPU: ${recorded.cpu_model ?? 'unknown'}${Number.isFinite(cores) ? ` (${cores} logical cores)` : ''}`,
    Number.isFinite(mem) ? `memory: ${mem} GiB` : null,
    `OS: ${os}`,
  ]
    .filter(Boolean)
    .join('; ');
  return {
    cpuModel: recorded.cpu_model ?? 'unknown',
    cpuLogicalCores: Number.isFinite(cores) ? cores : null,
    memoryGiB: Number.isFinite(mem) ? mem : null,
    os,
    gpus,
    gpuSource,
    gpusUsed: used,
    drivers,
    summary,
    recorded,
  };
}

function sourcesInWords(domains: readonly { domain: string; provenance: Provenance }[]): string[] {
  const out = new Map<string, string>();
  for (const d of domains) {
    const p = d.provenance;
    const what = d.domain.startsWith('gpu') ? `GPU ${d.domain.slice(4)}` : d.domain.startsWith('dram') ? 'memory' : d.domain.startsWith('platform') ? 'the platform' : 'the CPU package';
    const how =
      p.method === 'measured'
        ? `measured by ${p.source === 'rapl' ? "the processor's RAPL energy counter" : p.source === 'nvml' ? "the NVIDIA driver's energy counter" : p.source === 'nvidia-smi' ? 'power readings of the NVIDIA driver, integrated over time' : `the ${p.source} counter`}`
        : // the VM caveat too (walk 50: the GPAI rows, the document filed, said ±60% alone)
          `estimated from the processor's rated power${p.inputs.tdpW !== undefined ? ` (TDP ${p.inputs.tdpW} W)` : ''} and its measured utilisation, ±${Math.round(p.uncertaintyRel * 100)}%${estimateCaveat(p.inputs) ? ` (${estimateCaveat(p.inputs).replace(/^; /, '')})` : ''}`;
    out.set(what, `${what} ${how}`);
  }
  return [...out.values()];
}

/**
 * The trials a report covers. Joules measured on different hardware are never compared, so for a
 * study run on several hardware classes the report is of one class — `hardwareClass`, or the
 * chosen trial's — with that class's trials (front, pareto, payback) and its machine (inventory
 * and meters as its workers recorded them); without either, the user is asked to choose. The
 * campaign's energy stays the whole study's: joules spent on any machine add up.
 */
function classTrials(
  store: Store,
  study: ReturnType<Store['requireStudy']>,
  options: ReportOptions,
): { all: TrialRecord[]; trials: TrialRecord[]; machine: { inventory: Record<string, string>; meters: MeterInfo[] } | null } {
  const placed = store.getPlacedTrials(study.id);
  const classes = [...new Set(placed.filter((t) => t.state === 'complete' && t.hardwareClass).map((t) => t.hardwareClass!))].sort();
  if (classes.length <= 1 && options.hardwareClass === undefined) return { all: placed, trials: placed, machine: null };
  const recorded = store.getHardwareClasses(study.id);
  const label = (id: string) => recorded.find((c) => c.classId === id)?.inventory.label ?? 'inventory not recorded';
  const list = classes.map((c) => `${c} (${label(c)})`).join('; ');
  const wanted = options.hardwareClass ?? (options.trialNumber !== undefined ? placed.find((t) => t.number === options.trialNumber)?.hardwareClass ?? undefined : undefined);
  if (wanted === undefined) {
    throw new UserError(
      `study "${study.name}" ran on ${classes.length} hardware classes, and energy is compared only within one: report one with --hardware-class <id> (or --trial <n>, which reports that trial's class). Classes: ${list}`,
    );
  }
  if (!classes.includes(wanted)) {
    throw new UserError(`study "${study.name}" has no complete trial of hardware class "${wanted}"; its classes: ${list || 'none recorded'}`);
  }
  const inv = recorded.find((c) => c.classId === wanted)?.inventory;
  let machine: { inventory: Record<string, string>; meters: MeterInfo[] } | null = null;
  if (inv?.meters_json) {
    const { meters_json: metersJson, ...inventory } = inv;
    machine = { inventory, meters: JSON.parse(metersJson) as MeterInfo[] };
  }
  return { all: placed, trials: placed.filter((t) => t.hardwareClass === wanted), machine };
}

export function buildReport(store: Store, studyName: string, options: ReportOptions = {}): EnergyReport {
  const study = store.requireStudy(studyName);
  // a CSV study's column to predict: a regression's RMSE is in its units
  const target = targetName(study.spec);
  const { all: allTrials, trials, machine } = classTrials(store, study, options);
  const complete = trials.filter((t) => t.state === 'complete');
  if (complete.length === 0) {
    throw new UserError(`study "${study.name}" has no complete trial yet: run \`ecopt tune\` until at least one trial completes`);
  }
  const pue = checkPue(options.pue ?? 1);
  const wue = checkWue(options.wue ?? 0);
  const intensity = resolveIntensity({
    ...(options.country !== undefined ? { country: options.country } : {}),
    ...(options.intensityGPerKWh !== undefined ? { intensityGPerKWh: options.intensityGPerKWh } : {}),
  });
  const quality = studyQuality(study.objectives, complete);
  const mostAccurate = mostAccurateTrial(complete, quality);
  // why this model: the budget it was chosen by, read and applied as the explorer's picker does
  let budgetPick: (ReturnType<typeof pickByBudget> & { text: string; readAs: string }) | null = null;
  if (options.budget !== undefined) {
    const reading = parseBudget(options.budget);
    if (!reading.ok) throw new UserError(`budget "${options.budget}": ${reading.error}`);
    budgetPick = { ...pickByBudget(trials, reading.limits, quality, undefined, target), text: options.budget.trim(), readAs: reading.readAs };
    if (options.trialNumber === undefined && budgetPick.trial === null) throw new UserError(`no model of "${study.name}" meets the budget "${budgetPick.text}": ${budgetPick.sentence}`);
  }
  let trial: TrialRecord;
  if (options.trialNumber === undefined && budgetPick?.trial != null) {
    trial = complete.find((t) => t.number === budgetPick.trial)!;
  } else if (options.trialNumber !== undefined) {
    const t = trials.find((x) => x.number === options.trialNumber);
    if (!t) throw new UserError(`study "${study.name}" has no trial ${options.trialNumber}; \`ecopt show ${study.name}\` lists them`);
    if (t.state !== 'complete') {
      throw new UserError(`trial ${t.number} of "${study.name}" is ${t.state}${t.failure ? ` (${t.failure.message})` : ''}: pick a complete trial`);
    }
    trial = t;
  } else {
    trial = mostAccurate ?? complete[0]!;
  }
  if (options.trainingType !== undefined && !TRAINING_TYPES.includes(options.trainingType)) {
    throw new UserError(`training type "${String(options.trainingType)}" is not one of ${TRAINING_TYPES.join(', ')}`);
  }
  const windows = store.getWindows({ trialId: trial.id });
  const trainW = windows.find((w) => w.phase === 'train');
  const unit: FunctionalUnit = options.functionalUnit ?? '1000-inferences';
  // a window is an inference benchmark only with the predictions it made
  const found = windows.find((w) => w.phase === 'infer');
  const inferW = found?.samples ? (found as StoredWindow & { samples: number }) : null;
  if (!inferW && unit !== 'training-run') {
    const why = found ? 'ran an inference phase but did not report how many predictions it made ("infer_samples")' : 'has no inference measurement window';
    const anyInfer = complete.some((t) => Number.isFinite(t.metrics.infer_energy_j_per_sample));
    throw new UserError(
      anyInfer
        ? `trial ${trial.number} of "${study.name}" ${why}, so it has no energy per inference: pick a trial that completed its inference benchmark (--trial), or report per training run (--unit training-run)`
        : `study "${study.name}" measures training only: trial ${trial.number} ${why}, so a report per inference cannot be made. Report per training run: ecopt report ${study.name} --unit training-run`,
    );
  }
  if (!trainW) throw new UserError(`trial ${trial.number} of "${study.name}" has no training measurement window`);
  const attrs = store.getTrialAttrs(trial.id) as {
    settings?: { epochs?: number };
    split?: { train?: number; validation?: number; test?: number; normalisation?: string };
    data_notes?: unknown;
    data_sha256?: unknown;
    infer_batch_size?: number;
    infer_repeats?: number;
    infer_rep_duration_s?: { mean: number; sd: number };
    energy_spread_rel?: Record<string, number>;
    attribution?: string;
    train_flops?: unknown;
    training_type?: unknown;
    reported_training_type?: unknown;
    remeasured?: Remeasurement[];
    weights_sha256?: unknown;
    weights_file_sha256?: unknown;
    artifact_sha256?: unknown;
    test_accuracy?: unknown;
    test_rmse?: unknown;
    reported_test_accuracy?: unknown;
    command?: unknown;
    command_files?: unknown;
  };
  const kind: 'builtin' | 'command' = study.spec.command ? 'command' : 'builtin';
  // a command's test accuracy is the one its metrics line reported
  const testAccuracy = kind === 'command' ? attrs.reported_test_accuracy : attrs.test_accuracy;

  // compute: what the architecture implies for the built-in trainer, what a command reports, or "not known" and why
  const flopsPerInference = trial.metrics.flops_per_inference ?? null;
  const epochs = attrs.settings?.epochs ?? null;
  const trainSamples = attrs.split?.train ?? null;
  let trainFlops: number | null = null;
  let trainFlopsMethod: string;
  if (typeof attrs.train_flops === 'number' && Number.isFinite(attrs.train_flops) && attrs.train_flops > 0) {
    trainFlops = attrs.train_flops;
    trainFlopsMethod = 'reported by the training command';
  } else if (kind === 'builtin' && flopsPerInference !== null && epochs !== null && trainSamples !== null) {
    // forward + backward ≈ 3 × forward per training sample
    trainFlops = 3 * flopsPerInference * trainSamples * epochs;
    trainFlopsMethod = `estimated from the architecture: 3 × forward FLOPs per sample (${plainNumber(flopsPerInference, 12)}) × ${plainNumber(trainSamples, 6)} training samples × ${epochs} epochs (forward and backward pass)`;
  } else if (kind === 'command') {
    trainFlopsMethod = "not known: the model was trained by the user's own training command, which did not report its training FLOPs (it can report them as the train_flops attribute of its result line)";
  } else {
    trainFlopsMethod = 'not known: the trial did not record its FLOPs per inference, epochs and training samples';
  }
  const inferFlops = inferW && flopsPerInference !== null ? flopsPerInference * inferW.samples : null;
  const inferFlopsMethod = !inferW
    ? `not applicable: ${NO_INFERENCE}`
    : flopsPerInference !== null
      ? `FLOPs per prediction (2 × multiply-adds of the layers${kind === 'command' ? ', as reported by the command' : ''}) × predictions`
      : "not known: the training command did not report flops_per_inference";
  const training = phaseFigures(trainW, trainFlops, trainFlopsMethod);
  const inference = inferW ? phaseFigures(inferW, inferFlops, inferFlopsMethod) : null;
  // per prediction: null (not applicable) without an inference benchmark, never a zero
  const jPerSample = inference && inferW ? inference.energyJ / inferW.samples : null;
  // its re-measurements since (ecopt remeasure, the app's Re-measure), beside the first figure
  // the report states: a warning when they disagree, a note when they confirm it
  const remeasured = attrs.remeasured ?? [];
  const verdict = inference ? remeasureVerdict({ originalJ: jPerSample, againJ: remeasured.map((r) => r.jPerSample) }, energyText) : null;
  if (inference && verdict) (inference.flags as { domain: string; kind: string; message: string }[]).push({ domain: '*', kind: verdict.agrees ? 'remeasured' : 'remeasure-disagrees', message: verdict.text });
  const gPerKWh = intensity.intensityGPerKWh * pue;

  const all = store.campaignWindows(study.id);
  // the whole study's trials, whatever the class: joules spent on any machine add up
  const campaign = campaignFigures(all, gPerKWh, allTrials, store.processEnergies(study.id), store.remeasurements(study.id));
  // the host that measured the chosen model (recorded since workers; a report may be made elsewhere, from a copy)
  const host = (trial as TrialRecord & { host?: string | null }).host ?? null;
  // the baseline this trial was measured against, not a later run's, on its own machine: a shared
  // study's other workers took their own
  const idle = windows.length ? store.idleBefore(study.id, Math.min(...windows.map((w) => w.id)), host) : null;
  const cpuModel = (machine?.inventory ?? store.getHardware(study.id)).cpu_model ?? '';
  const meters = (machine?.meters ?? store.getMeters(study.id)).map((m) => ({ ...m, words: meterWords(m, cpuModel) }));
  const writer = options.writer ?? { ecopt: ECOPT_VERSION, node: process.versions.node, os: `${platform()} ${release()} ${arch()}` };
  const measuredOn = hardwareOf(machine?.inventory ?? store.getHardware(study.id), meters, windows, writer.os);
  const classId = (trial as TrialRecord & { hardwareClass?: string | null }).hardwareClass ?? null;
  const hardware = {
    ...(host ? { ...measuredOn, summary: `${measuredOn.summary}; host: ${host}`, recorded: { ...measuredOn.recorded, host } } : measuredOn),
    ...(classId ? { hardwareClass: { id: classId, label: store.getHardwareClasses(study.id).find((c) => c.classId === classId)?.inventory.label ?? null } } : {}),
  };
  const spreadOf = (t: TrialRecord) => (store.getTrialAttrs(t.id).energy_spread_rel as Record<string, number> | undefined) ?? null;
  // payback is per prediction: not applicable without the chosen trial's inference benchmark
  const paybackResult = inference
    ? paybackOf(store, trials, trial, {
        study: allTrials,
        ...(options.referenceTrial !== undefined ? { referenceNumber: options.referenceTrial } : {}),
        campaignEnergyJ: campaign.energyJ,
        gPerKWh,
      })
    : null;
  const referenceTrial = paybackResult ? (trials.find((t) => t.number === paybackResult.referenceTrial) ?? null) : null;
  const rows = measurementRows(study, trial, all, [mostAccurate, referenceTrial], spreadOf);

  let pareto: EnergyReport['pareto'] = null;
  const qChosen = trial.metrics[quality.metric];
  const qBest = mostAccurate?.metrics[quality.metric];
  if (jPerSample !== null && mostAccurate && mostAccurate.metrics.infer_energy_j_per_sample !== undefined && qChosen !== undefined && qBest !== undefined) {
    const ref = mostAccurate.metrics.infer_energy_j_per_sample;
    const saved = 1 - jPerSample / ref;
    const accuracy = quality.metric === 'accuracy';
    const dQuality = accuracy
      ? `is ${pointsBetween(qChosen, qBest).toFixed(1)} points less accurate`
      : `has ${errorChangeWords(quality.metric as 'rmse' | 'loss', qChosen - qBest)}${quality.metric === 'rmse' ? ` (${targetUnitsText(target)})` : ''}`;
    // a regression's validation set is small: the held-out test rows can rank the two otherwise, and the reader should see it (walk 41)
    const testOf = (t: TrialRecord) => store.getTrialAttrs(t.id).test_rmse;
    const tc = quality.metric === 'rmse' && mostAccurate.id !== trial.id ? testOf(trial) : undefined;
    const tb = quality.metric === 'rmse' && mostAccurate.id !== trial.id ? testOf(mostAccurate) : undefined;
    const test = typeof tc === 'number' && typeof tb === 'number' ? { chosen: tc, mostAccurate: tb } : null;
    pareto = {
      mostAccurateTrial: mostAccurate.number,
      ...(accuracy ? { accuracyChosen: qChosen, accuracyMostAccurate: qBest } : { quality: { metric: quality.metric as 'rmse' | 'loss', chosen: qChosen, mostAccurate: qBest, ...(test ? { test } : {}) } }),
      jPerSampleChosen: jPerSample,
      jPerSampleMostAccurate: ref,
      inferenceEnergySavedRel: saved,
      sentence:
        mostAccurate.id === trial.id
          ? `Trial ${trial.number} is the most accurate model of the study${accuracy ? '' : ` (lowest ${qualityName(quality.metric)})`}.`
          : `Trial ${trial.number} ${dQuality} and uses ${Math.abs(saved * 100).toFixed(0)}% ${saved >= 0 ? 'less' : 'more'} energy per prediction than the most accurate model (trial ${mostAccurate.number}).` +
            (test
              ? ` On the held-out test rows their RMSEs are ${plainNumber(test.chosen, 4)} and ${plainNumber(test.mostAccurate, 4)}${test.chosen < test.mostAccurate ? `: there trial ${trial.number} is the better, so the difference on the validation rows, which chose between them, is within what chance gives` : ''}.`
              : ''),
    };
  }

  // SCI (ISO/IEC 21031:2024): SCI = (E × I) + M per R, E including the facility's overhead (PUE)
  const perUnit = unit === 'inference' ? 1 : unit === '1000-inferences' ? 1000 : null;
  // a per-inference unit was refused above without an inference benchmark
  const perInference = perUnit !== null && inferW && jPerSample !== null ? { count: perUnit, jPerSample, sPerSample: inferW.durationS / inferW.samples } : null;
  const itEnergyKWh = perInference ? (perInference.count * perInference.jPerSample) / J_PER_KWH : training.energyKWh;
  const timeReservedS = perInference ? perInference.count * perInference.sPerSample : training.durationS;
  const sciE = itEnergyKWh * pue;
  let embodied: EnergyReport['sci']['embodied'];
  if (options.embodied) {
    const { totalG, lifespanYears } = options.embodied;
    const share = options.embodied.share ?? 1;
    if (!(totalG >= 0) || !(lifespanYears > 0) || !(share > 0 && share <= 1)) {
      throw new UserError('embodied emissions need TE ≥ 0 g CO2e, a lifespan EL > 0 years and a share of the machine RR/ToR between 0 and 1');
    }
    const lifespanS = lifespanYears * S_PER_YEAR;
    embodied = { included: true, totalG, timeReservedS, lifespanS, share, embodiedG: totalG * (timeReservedS / lifespanS) * share, excludedReason: null };
  } else {
    const reason =
      options.embodiedExcludedReason?.trim() ||
      "the hardware's total embodied emissions (TE) were not supplied to ECOpt, and no manufacturer figure for this machine is bundled";
    embodied = { included: false, totalG: null, timeReservedS, lifespanS: null, share: null, embodiedG: 0, excludedReason: reason };
  }
  const unitWords = unit === 'inference' ? 'one inference' : unit === '1000-inferences' ? '1,000 inferences' : 'one training run';
  const sciScore = sciE * intensity.intensityGPerKWh + embodied.embodiedG;
  const sciText =
    `SCI = (E × I) + M per R, R = ${unitWords}: E = ${energyText(sciE * J_PER_KWH)} (the IT energy × PUE ${pue}; ${perInference && inference ? sourceWords(inference.method, inference.uncertaintyRel) : sourceWords(training.method, training.uncertaintyRel)}), I = ${plainNumber(intensity.intensityGPerKWh, 7)} gCO2e/kWh (${intensity.country}), ` +
    (embodied.included
      ? `M = TE × TR/EL × RR/ToR = ${gramsText(embodied.totalG!)} × ${durationText(timeReservedS)} / ${plainNumber(options.embodied!.lifespanYears, 3)} years × ${plainNumber(embodied.share!, 3)} = ${gramsText(embodied.embodiedG)}`
      : `M excluded (0 g): ${embodied.excludedReason}`) +
    `; SCI = ${gramsText(sciScore)} per ${unitWords}.`;

  // the model card's training type: what the user says, else what the study implies, flagged when assumed
  let trainingType: TrainingType;
  let trainingTypeSource: string;
  // a command's metrics line is kept as reported_<key> ({"training_type": "fine-tuning"})
  const reportedType = attrs.training_type ?? attrs.reported_training_type;
  if (options.trainingType) {
    trainingType = options.trainingType;
    trainingTypeSource = 'set in the report options';
  } else if (typeof reportedType === 'string' && (TRAINING_TYPES as readonly string[]).includes(reportedType)) {
    trainingType = reportedType as TrainingType;
    trainingTypeSource = 'reported by the training command';
  } else if (kind === 'builtin') {
    trainingType = 'pre-training';
    trainingTypeSource = "ECOpt's built-in trainer trains from randomly initialised weights";
  } else {
    trainingType = 'pre-training';
    trainingTypeSource = 'ASSUMED: the training command did not say whether it fine-tunes a model; say which with `ecopt report --training-type fine-tuning` (or pre-training), or the report screen\'s "Training" choice, or have the command print "training_type" in its metrics line';
  }
  const cardNotes: string[] = [];
  if (intensity.origin === 'world-fallback') cardNotes.push(`FALLBACK: no country was given, so emissions use the world-average intensity (${intensity.intensityGPerKWh} gCO2e/kWh)`);
  if (trainingTypeSource.startsWith('ASSUMED')) cardNotes.push(`training_type ${trainingTypeSource}`);
  if (training.method !== 'measured') cardNotes.push(`training energy is ${training.method === 'estimated' ? 'estimated, not measured' : 'partly estimated'} (uncertainty ${uncertaintyWords(training.uncertaintyRel)})`);
  if (hardware.gpus.length === 0 && hardware.gpusUsed === 0) cardNotes.push('no GPU was found on the machine: CPU only');
  const cpuPart = `${hardware.cpuModel}${hardware.cpuLogicalCores ? ` (${hardware.cpuLogicalCores} logical cores)` : ''}`;
  const usedGpus = hardware.gpusUsed > 0 ? hardware.gpus.slice(0, hardware.gpusUsed) : [];
  const hardwareUsed = [...(usedGpus.length ? [`${usedGpus.length} x ${usedGpus[0]!.model}`] : hardware.gpusUsed > 0 ? [`${hardware.gpusUsed} x GPU (model not recorded)`] : []), cpuPart].join(', ');

  // the GPAI Model Documentation Form's energy and compute rows, in the units it asks for
  const proc = training.processors;
  const wallDays = training.durationS / S_PER_DAY;
  const hwDays = training.hardwareTimeS / S_PER_DAY;
  const trainingSources = sourcesInWords(training.domains);
  const baselineUnderLoad = (idle?.flags ?? []).some((f) => f.kind === 'baseline-under-load');
  const methodologyText = [
    `The figure is the energy of training the chosen configuration (trial ${trial.number}) once, ${training.method === 'measured' ? 'measured' : training.method === 'estimated' ? 'estimated' : 'partly measured and partly estimated'}: ECOpt opened a measurement window when training started and closed it when training ended (${durationText(training.durationS)}).`,
    `Sources: ${trainingSources.join('; ')}.`,
    // a GPU only where training used one (walk 45: "the GPU it used" on a CPU-only run)
    `Each source's figure is the whole machine's; the training process's own share was attributed by its processes' CPU time for the CPU and memory${training.domains.some((d) => d.domain.startsWith('gpu')) ? ', and in full for the GPU it used' : ''}, so other programs are excluded (${energyText(training.grossEnergyJ)} for the whole machine).`,
    idle ? `An idle baseline of ${durationText(idle.durationS)} was measured before the run that trained it${baselineUnderLoad ? ', on a busy machine, so it was not used' : idleUseText(training.domains)}.` : 'No idle baseline was measured.',
    `The figure excludes the facility's overhead (PUE), networking and storage; its uncertainty is ${uncertaintyWords(training.uncertaintyRel)}.`,
  ].join(' ');
  const hardwareShort = usedGpus.length ? `${usedGpus.length} × ${usedGpus[0]!.model} with ${cpuPart}` : cpuPart;
  // the built-in trainer's benchmark says how it repeated the test set; a command says only how
  // many predictions it made, and the report says no more than that
  const benchmark = !inferW
    ? null
    : attrs.infer_repeats !== undefined
      ? `${inferW.samples.toLocaleString('en-US')} predictions: the held-out test set (${Math.round(inferW.samples / Math.max(1, attrs.infer_repeats)).toLocaleString('en-US')} samples) repeated ${attrs.infer_repeats} times in batches of ${attrs.infer_batch_size === undefined ? 'an unrecorded size' : batchSizeText(attrs.infer_batch_size, Math.round(inferW.samples / Math.max(1, attrs.infer_repeats)))}, after one warm-up pass`
      : `${inferW.samples.toLocaleString('en-US')} predictions, as the training command reported them (its own inference phase, ${durationText(inferW.durationS)}; how it batched or repeated them was not reported)`;
  const regression = isRegressionResult(trial.metrics);
  const qualityWords = regression
    ? `${study.spec.model === 'command' ? 'RMSE as the command reported it' : 'validation RMSE'} ${plainNumber(trial.metrics.rmse!, 4)} ${targetUnitsText(target)}`
    : `${study.spec.model === 'command' ? 'accuracy as the command reported it' : 'validation accuracy'} ${trial.metrics.accuracy !== undefined ? (trial.metrics.accuracy * 100).toFixed(1) + '%' : 'not measured'}`;
  const task = study.spec.dataset
    ? `${study.spec.model === 'command' ? 'prediction' : regression ? 'regression' : 'classification'} of ${datasetLabel(study.spec)} samples (${qualityWords})`
    : "the training command's own inference task";
  const inferHardware = `${hardwareShort}, ${trial.backend ?? 'unknown'} backend`;
  const inferText =
    inference && jPerSample !== null && benchmark !== null
      ? `${inferFlops !== null ? flopsText(inferFlops) : `FLOPs not known (${inferFlopsMethod.replace(/^not known: /, '')})`} and ${energyText(inference.energyJ)} (${energyText(jPerSample)} per prediction, ${sourceWords(inference.method, inference.uncertaintyRel)}) for ${benchmark}; task: ${task}; hardware: ${inferHardware}`
      : `Not applicable: trial ${trial.number} ${NO_INFERENCE}; this report's functional unit is one training run`;
  const campaignMwh = twoSignificant(campaign.energyKWh / 1000);
  const countsText = (['complete', 'pruned', 'failed', 'interrupted'] as const).map((s) => `${campaign.byState[s].trials} ${s}`).join(', ');
  const developmentText = `${campaignMwh} MWh (${sourceWords(campaign.method, campaign.uncertaintyRel)}) for the whole tuning campaign: ${countsText} trials and ${campaign.idle.windows} idle baseline${campaign.idle.windows === 1 ? '' : 's'}${campaign.idle.underLoad ? ` (${campaign.idle.underLoad} more, taken while other programs kept the machine busy, not counted)` : ''}; ${(campaign.prunedOrFailedShare * 100).toFixed(1)}% of it on trials that were pruned or failed`;
  const gpaiRows: { field: string; value: string }[] = [
    {
      field: 'Training time (wall-clock)',
      value: `${plainNumber(wallDays, 2, { keepZeros: true })} days (${durationText(training.durationS)}); range: ${dayRange(wallDays)}`,
    },
    {
      field: 'Training time (hardware-days)',
      value: `${plainNumber(hwDays, 2, { keepZeros: true })} ${proc.kind}-days (${proc.count} ${proc.kind}${proc.count > 1 ? 's' : ''} × wall-clock time${proc.kind === 'CPU' ? ', counting CPU packages (sockets) rather than cores' : ''}); range: ${dayRange(hwDays).replace('day', `${proc.kind}-day`)}`,
    },
    { field: 'Amount of computation used for training (FLOPs)', value: trainFlops !== null ? `${flopsText(trainFlops)}; ${trainFlopsMethod}` : `Not known: ${trainFlopsMethod.replace(/^not known: /, '')}` },
    { field: 'Energy consumption during training (MWh)', value: `${twoSignificant(training.energyKWh / 1000)} MWh (${energyText(training.energyJ)}); ${sourceWords(training.method, training.uncertaintyRel)}` },
    { field: 'Methodology of the training energy figure', value: methodologyText },
    { field: 'Energy of developing the model (whole tuning campaign)', value: developmentText },
    { field: 'Benchmarked computation and energy for inference', value: inferText },
    { field: 'Hardware', value: hardware.summary },
  ];

  const phaseDomains = [...training.domains, ...(inference?.domains ?? [])];
  const allDomains = [...new Set(phaseDomains.map((d) => d.domain))];
  const provenanceLines = [...new Map(phaseDomains.map((d) => [d.domain, `${d.domain}: ${describeProvenance(d.provenance)}`])).values()];
  const methodology = [
    `Energy was read per phase (training, inference benchmark, evaluation) in measurement windows opened and closed around each phase by ECOpt ${writer.ecopt}; ${
      phaseDomains.length > 0 && phaseDomains.every((d) => d.provenance.method === 'estimated')
        ? 'the estimate was sampled every 100 ms or faster (no energy counter could be read).'
        : 'counters were polled every 100 ms or faster.'
    }`,
    ...provenanceLines,
    inferW && benchmark !== null
      ? `Inference benchmark: ${benchmark}${attrs.infer_repeats !== undefined ? `, over ${durationText(inferW.durationS)}` : ''}.` // a command's text gives its duration already
      : `Inference benchmark: none. Trial ${trial.number} ${NO_INFERENCE}, so inference energy is not applicable (not zero) and every per-unit figure is per training run.`,
    `Figures are this model's own energy: each window's energy per domain is attributed to the trial by its process tree's CPU time (CPU and memory) and the GPU it holds (${String(attrs.attribution ?? 'the whole machine: no per-process accounting')}); the whole machine's energy over the same windows is given beside them.`,
    idle
      ? `An idle baseline of ${durationText(idle.durationS)} was measured before the run that measured this trial; net energy = gross − idle power × duration, per domain, given only where the baseline was taken on a quiet machine and the result is not negative.${baselineUnderLoad ? ' The baseline was taken under load, so no net figures are given.' : ''}`
      : 'No idle baseline was measured: no net-of-idle figures are given.',
    `Developing the model: the campaign's energy adds every trial's own energy, whatever became of the trial (complete, pruned, failed, interrupted)${campaign.outsidePhases ? ", its whole process from start to exit where that was measured (start-up and saving included, not only its phases)" : ''}, and the machine's energy during the idle baselines taken on a quiet machine (one taken while other programs kept the machine busy is not counted).${unrecordedText(campaign)}${campaign.unattributedWindows ? ` ${campaign.unattributedWindows} window(s) measured before attribution count at the whole machine's figure.` : ''}`,
    `Emissions = energy × PUE (${pue}) × grid carbon intensity (${intensity.intensityGPerKWh} gCO2e/kWh, ${intensity.country}${intensity.year ? `, ${intensity.year}` : ''}; ${intensity.basis}; source: ${intensity.source}).`,
    `SCI (ISO/IEC 21031:2024) = (E × I) + M per R with R = ${unitWords}; E is the energy per R including the facility's overhead (PUE); I is the grid intensity alone; M ${embodied.included ? 'from the embodied inputs given (TE, EL, RR/ToR)' : `is excluded: ${embodied.excludedReason}`}.`,
    `Boundary: ${allDomains.join(', ')}; network, storage and cooling beyond the PUE factor are outside it.`,
    `Training compute: ${trainFlopsMethod}. Inference compute: ${inferFlopsMethod}.`,
    ...(paybackResult && paybackResult.verdict !== 'same-model'
      ? [`Payback: the energy saved per prediction by the chosen model against model #${paybackResult.referenceTrial} (${paybackResult.referenceReason}) repays the whole campaign after N predictions, N = campaign energy / energy saved per prediction; the interval takes each per-prediction figure at the ends of its spread.`]
      : []),
  ];
  const counts = { complete: 0, failed: 0, pruned: 0, interrupted: 0 };
  for (const t of trials) if (t.state in counts) counts[t.state as keyof typeof counts]++;
  const inferSpread = attrs.energy_spread_rel?.infer_energy_j_per_sample;
  const inferenceBlock: EnergyReport['inference'] =
    inference && inferW && jPerSample !== null
      ? {
          ...inference,
          samples: inferW.samples,
          batchSize: attrs.infer_batch_size ?? null,
          repeats: attrs.infer_repeats ?? null,
          jPerSample,
          samplesPerJ: jPerSample > 0 ? 1 / jPerSample : null,
          jPer1000: 1000 * jPerSample,
          spreadRel: typeof inferSpread === 'number' ? inferSpread : null,
          task: `${task} on ${inferHardware}`,
        }
      : null;
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  const clean = (s: string | undefined) => (s && s.trim() ? s.trim() : null);

  return {
    schema: 'ecopt-energy-report',
    version: REPORT_VERSION,
    generatedAt,
    generator: { name: 'ECOpt', version: writer.ecopt },
    options: {
      trialNumber: trial.number,
      ...(budgetPick ? { budget: budgetPick.text } : {}),
      country: intensity.iso3 ?? (options.country?.trim() ? options.country.trim() : null),
      intensityGPerKWh: options.intensityGPerKWh ?? null,
      pue,
      wue,
      functionalUnit: unit,
      embodied: options.embodied ? { totalG: options.embodied.totalG, lifespanYears: options.embodied.lifespanYears, share: options.embodied.share ?? 1 } : null,
      embodiedExcludedReason: options.embodied ? null : (clean(options.embodiedExcludedReason) ?? null),
      trainingType: options.trainingType ?? null,
      referenceTrial: options.referenceTrial ?? null,
      owner: clean(options.owner),
      organisation: clean(options.organisation),
      approver: clean(options.approver),
    },
    document: { owner: clean(options.owner), organisation: clean(options.organisation), approver: clean(options.approver), date: generatedAt.slice(0, 10) },
    study: {
      name: study.name,
      createdAt: study.createdAt,
      model: study.spec.model,
      dataset: datasetLabel(study.spec),
      target,
      sampler: study.spec.sampler.name,
      objectives: study.objectives.map((o) => ({ metric: o.metric, direction: o.direction, unit: o.unit, threshold: o.threshold ?? null })),
      trials: counts,
    },
    trial: {
      number: trial.number,
      kind,
      params: trial.params,
      startedAt: trial.startedAt,
      finishedAt: trial.finishedAt,
      backend: trial.backend,
      metrics: Object.fromEntries(Object.entries(trial.metrics).filter(([, v]) => v !== undefined)) as Record<string, number>,
      paramCount: trial.metrics.param_count ?? null,
      weightsSha256: typeof attrs.weights_sha256 === 'string' ? attrs.weights_sha256 : null,
      ...(typeof attrs.weights_file_sha256 === 'string' ? { weightsFileSha256: attrs.weights_file_sha256 } : {}),
      ...(attrs.artifact_sha256 && typeof attrs.artifact_sha256 === 'object' ? { artifactSha256: attrs.artifact_sha256 as Record<string, string> } : {}),
      ...(typeof testAccuracy === 'number' && Number.isFinite(testAccuracy) ? { testAccuracy } : {}),
      ...(kind !== 'command' && typeof attrs.test_rmse === 'number' && Number.isFinite(attrs.test_rmse) ? { testRmse: attrs.test_rmse } : {}),
      ...(kind === 'builtin' ? { data: trialData(attrs) } : {}),
      ...(kind === 'command' && Array.isArray(attrs.command)
        ? {
            command: {
              argv: (attrs.command as unknown[]).map(String),
              cwd: study.spec.command?.cwd ?? '.',
              files: attrs.command_files && typeof attrs.command_files === 'object' ? (attrs.command_files as Record<string, string>) : {},
            },
          }
        : {}),
    },
    software: { ecopt: writer.ecopt, node: hardware.recorded.node ?? writer.node, backend: trial.backend ?? 'unknown', os: hardware.os },
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
    inference: inferenceBlock,
    campaign,
    gpai: {
      trainingTime: { wallClockDays: wallDays, hardwareDays: hwDays, hardwareKind: proc.kind, hardwareCount: proc.count, range: `${dayRange(wallDays)} wall-clock; ${dayRange(hwDays).replace('day', `${proc.kind}-day`)}` },
      trainingCompute: { flops: trainFlops, text: trainFlops !== null ? flopsText(trainFlops) : 'not known', method: trainFlopsMethod },
      trainingEnergy: { mwh2sf: twoSignificant(training.energyKWh / 1000), method: training.method, methodology: methodologyText },
      developmentEnergy: { mwh2sf: campaignMwh, text: developmentText },
      inference: benchmark !== null ? { benchmark, task, hardware: inferHardware, flops: inferFlops, text: inferText } : null,
      rows: gpaiRows,
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
      inferencePer1000G: jPerSample !== null ? ((1000 * jPerSample) / J_PER_KWH) * gPerKWh : null,
      campaignG: campaign.emissionsG,
    },
    sci: {
      functionalUnit: unit,
      energyKWh: sciE,
      itEnergyKWh,
      pue,
      intensityGPerKWh: intensity.intensityGPerKWh,
      operationalG: sciE * intensity.intensityGPerKWh,
      embodied,
      scoreG: sciScore,
      formula: 'SCI = (E × I) + M per R',
      text: sciText,
    },
    modelCard: { trainingType, trainingTypeSource, hardwareUsed, notes: cardNotes },
    pareto,
    ...(budgetPick ? { selection: { budget: budgetPick.text, readAs: budgetPick.readAs, sentence: budgetPick.sentence, picked: budgetPick.trial, ...selectionCaveat(store, study.id, budgetPick, trials) } } : {}),
    payback: paybackResult,
    methodology,
    digest: { algorithm: 'sha256', rows: rows.length, value: digestRows(rows) },
  };
}

/**
 * How a GPAI row's figure was obtained, with its ± where any part is an estimate, so that each row
 * pasted into the form alone keeps it (walk 55: the campaign row said neither, the inference row
 * "estimated" with no ±).
 */
function sourceWords(method: 'measured' | 'estimated' | 'mixed', u: number | null): string {
  if (method === 'measured') return 'measured';
  return `${method === 'estimated' ? 'estimated' : 'partly measured, partly estimated'}, ${u === null ? 'uncertainty ' : ''}${uncertaintyWords(u)}`;
}

function uncertaintyWords(u: number | null): string {
  return u === null ? 'not stated by the counters' : `±${(u * 100).toFixed(0)}%`;
}

/** A built-in trial's data as its trainer recorded it (the report's `trial.data`). */
function trialData(attrs: { split?: { train?: number; validation?: number; test?: number; normalisation?: string }; data_notes?: unknown; data_sha256?: unknown }): NonNullable<EnergyReport['trial']['data']> {
  return {
    rows: splitOf(attrs),
    preparation: typeof attrs.split?.normalisation === 'string' ? attrs.split.normalisation : null,
    notes: Array.isArray(attrs.data_notes) ? attrs.data_notes.map(String) : null,
    sha256: typeof attrs.data_sha256 === 'string' ? attrs.data_sha256 : null,
  };
}

/**
 * What `show --budget` and the explorer say beside the budget sentence's energy comparison: that a
 * re-measurement overturned it, that re-measuring held it, or that it lies within the figures'
 * own spread (walk 56: the report repeated "uses 1% less energy per prediction" without it).
 */
function selectionCaveat(store: Store, studyId: number, pick: ReturnType<typeof pickByBudget>, trials: readonly TrialRecord[]): { caveat?: string } {
  const energyOf = (n: number) => trials.find((t) => t.number === n)?.metrics.infer_energy_j_per_sample;
  const spreads = store.inferSpreads(studyId);
  const c = comparisonChecks(pickComparisons(pick), energyOf, (n) => spreads.get(n), store.remeasuredMeans(studyId), (j) => formatSi(j, 'J'));
  const caveat = c.overturned ?? c.held ?? c.withinSpread;
  return caveat ? { caveat } : {};
}
