/**
 * The energy report read field by field against the texts it serves (issue: "Energy reports a
 * compliance officer can file"): one test per problem found, on a study database written through
 * the store with known figures: two complete trials on a GPU, one pruned, one failed, one
 * interrupted, an idle baseline, and meters that failed with raw library errors.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../../../../src-main/api/handlers';
import { resolveIntensity } from '../../../../src-main/engine/carbon/intensity';
import { buildReport, type ReportOptions } from '../../../../src-main/engine/reports/build';
import { renderReports } from '../../../../src-main/engine/reports/index';
import { pickReference } from '../../../../src-main/engine/reports/payback';
import { remeasuredNote } from '../../../../src-main/engine/reports/render/text';
import { CODECARBON_COLUMNS, PROVENANCE_COLUMNS } from '../../../../src-main/engine/reports/render/csv';
import { linearTicks, logTicks } from '../../../../src-main/engine/reports/render/chart';
import { Store, type TrialResult } from '../../../../src-main/engine/store/store';
import { checkReportInputs, reportSchema, type EnergyReport } from '../../../../src-main/shared/report';
import { parseStudySpec, type StudySpecInput } from '../../../../src-main/shared/spec';
import type { DomainEnergy, Provenance } from '../../../../src-main/shared/types';
import { quickSpec } from '../../../helpers/specs';
import { tmpDir } from '../../../helpers/tmp';

const cpuEst: Provenance = { method: 'estimated', source: 'cpu-tdp-estimate', model: 'tdp-linear-utilisation', inputs: { tdpW: 65, tdpSource: "CodeCarbon's table" }, uncertaintyRel: 0.4 };
const gpuNvml: Provenance = { method: 'measured', source: 'nvml', counter: 'nvmlDeviceGetTotalEnergyConsumption(gpu 0: NVIDIA H200)', resolutionJ: 0.001, uncertaintyRel: null };
const cpu = (gross: number, own: number): DomainEnergy => ({ domain: 'cpu-package', energyJ: gross, attributedEnergyJ: own, provenance: cpuEst });
const gpu = (j: number): DomainEnergy => ({ domain: 'gpu:0', energyJ: j, attributedEnergyJ: j, provenance: gpuNvml });
const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);

// what the fixture's figures add up to, by hand
const TRAIN_S = 4320; // 0.05 days
const IDLE_J = 100 + 500;
const COMPLETE0_J = 400 + 3000 + (20 + 100) + (10 + 30); // train, infer, evaluate of trial 0
const COMPLETE1_J = 800 + 6000 + (40 + 160) + (10 + 30);
const PRUNED_J = 150 + 350;
const FAILED_J = 50 + 150;
const INTERRUPTED_J = 25 + 75;
const CAMPAIGN_J = IDLE_J + COMPLETE0_J + COMPLETE1_J + PRUNED_J + FAILED_J + INTERRUPTED_J;

function windows(scale: number, at: number): TrialResult['windows'] {
  return [
    { phase: 'train', startedAtMs: at, durationS: TRAIN_S, domains: [cpu(1000 * scale, 400 * scale), gpu(3000 * scale)], cpu: { treeS: 100, machineBusyS: 250, cores: 8 } },
    { phase: 'infer', startedAtMs: at + TRAIN_S * 1000, durationS: 2, samples: 10_000, domains: [cpu(50 * scale, 20 * scale), gpu(100 + 60 * (scale - 1))], cpu: { treeS: 1, machineBusyS: 2, cores: 8 } },
    { phase: 'evaluate', startedAtMs: at + TRAIN_S * 1000 + 2000, durationS: 1, domains: [cpu(25, 10), gpu(30)] },
  ];
}

function result(scale: number, at: number, accuracy: number, spread: number, command = false): TrialResult {
  const w = windows(scale, at);
  const inferJ = w[1]!.domains.reduce((a, d) => a + d.attributedEnergyJ!, 0);
  return {
    metrics: { accuracy, infer_energy_j_per_sample: inferJ / 10_000, train_energy_j: 400 * scale + 3000 * scale, flops_per_inference: 2_500_000, param_count: 1234 },
    windows: w,
    // a command reports no batching or repeats of its predictions
    attrs: { settings: { epochs: 4 }, split: { train: 1500 }, ...(command ? {} : { infer_batch_size: 256, infer_repeats: 25, test_accuracy: accuracy - 0.02 }), energy_spread_rel: { infer_energy_j_per_sample: spread }, attribution: 'estimate: tree CPU-seconds × TDP / cores' },
    backend: 'tensorflow-gpu',
    powerSamples: [],
  };
}

/** Writes the fixture study through the store, as the study loop would. */
function writeStudy(path: string, spec: StudySpecInput): void {
  const parsed = parseStudySpec(spec);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const store = new Store(path);
  const study = store.createStudy(parsed.spec);
  store.setHardware(study.id, {
    cpu_model: 'AMD EPYC 9654 96-Core Processor',
    cpu_logical_cores: '16',
    memory_gib: '128.0',
    os: 'linux 6.8.0 x64',
    node: '20.20.2',
    gpu_count: '1',
    gpu_model: '1 x NVIDIA H200',
    gpu_source: 'nvidia-smi',
    gpu_0_model: 'NVIDIA H200',
    gpu_0_driver: '550.54.15',
    gpu_0_memory_mib: '143771',
    driver_nvidia: '550.54.15',
  });
  store.setMeters(study.id, [
    { id: 'rapl', domains: [], status: 'error', detail: '/sys/class/powercap/intel-rapl:0/energy_uj is readable only by root (the default since CVE-2020-8694). Fix one of: (1) a udev rule…' },
    { id: 'nvml', domains: ['gpu:0'], status: 'ok', detail: 'measured: NVML (libnvidia-ml.so.1) GPU 0 NVIDIA H200: total-energy counter' },
    { id: 'amdgpu', domains: [], status: 'error', detail: 'libamdgpu.so: Failed to load shared library: cannot open shared object file' },
    { id: 'cpu-tdp-estimate', domains: ['cpu-package'], status: 'ok', detail: 'estimate: AMD EPYC 9654, TDP 65 W (table) × CPU utilisation; ±40%' },
  ]);
  store.insertWindow(study.id, null, { phase: 'idle', startedAtMs: T0 - 20_000, durationS: 10, domains: [{ domain: 'cpu-package', energyJ: 100, provenance: cpuEst }, { domain: 'gpu:0', energyJ: 500, provenance: gpuNvml }], cpu: { treeS: null, machineBusyS: 0.4, cores: 8 } });
  const t0 = store.createTrial(study.id, { units: 8, learning_rate: 0.01, epochs: 4 });
  store.startTrial(t0.id);
  store.completeTrial(t0.id, result(1, T0, 0.9, 0.05, parsed.spec.model === 'command'));
  const t1 = store.createTrial(study.id, { units: 32, learning_rate: 0.01, epochs: 4 });
  store.startTrial(t1.id);
  store.completeTrial(t1.id, result(2, T0 + 10_000_000, 0.95, 0.05, parsed.spec.model === 'command'));
  {
    const t = store.createTrial(study.id, { units: 4, learning_rate: 0.04, epochs: 6 });
    store.startTrial(t.id);
    store.pruneTrial(t.id, 'dominated', { windows: [{ phase: 'train', startedAtMs: T0 + 20_000_000, durationS: 50, domains: [cpu(300, 150), gpu(350)] }] });
  }
  {
    const t = store.createTrial(study.id, { units: 5, learning_rate: 0.04, epochs: 6 });
    store.startTrial(t.id);
    store.failTrial(t.id, 'crash', 'the trainer crashed', { windows: [{ phase: 'train', startedAtMs: T0 + 21_000_000, durationS: 20, domains: [cpu(100, 50), gpu(150)] }] });
  }
  {
    const t = store.createTrial(study.id, { units: 6, learning_rate: 0.04, epochs: 6 });
    store.startTrial(t.id);
    store.insertWindow(study.id, t.id, { phase: 'train', startedAtMs: T0 + 22_000_000, durationS: 10, domains: [cpu(50, 25), gpu(75)] });
    store.interruptTrial(t.id, 'stopped with Ctrl-C');
  }
  store.close();
}

/** A command study whose script never enters an inference phase: two complete trials with a training window only. */
function writeTrainingOnlyStudy(path: string, provenance: Provenance = cpuEst): void {
  const { dataset: _d, space: _s, ...rest } = quickSpec({ name: 'train-only' });
  const parsed = parseStudySpec({ ...rest, model: 'command', command: { argv: ['python3', 'train.py', '--lr', '{learning_rate}'] }, space: { learning_rate: { type: 'float', low: 0.001, high: 0.05 } }, objectives: [{ metric: 'accuracy' }, { metric: 'train_energy_j' }] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const store = new Store(path);
  const study = store.createStudy(parsed.spec);
  store.setMeters(study.id, [{ id: 'cpu-tdp-estimate', domains: ['cpu-package'], status: 'ok', detail: 'estimate: TDP 65 W (table) × CPU utilisation; ±40%' }]);
  for (const [i, accuracy] of [0.8, 0.9].entries()) {
    const t = store.createTrial(study.id, { learning_rate: 0.01 * (i + 1) });
    store.startTrial(t.id);
    store.completeTrial(t.id, {
      // the machine used 1000 J per unit of scale over training, this trial's own share 400
      metrics: { accuracy, train_energy_j: 400 * (i + 1) },
      windows: [{ phase: 'train', startedAtMs: T0 + i * 100_000, durationS: 60, domains: [{ ...cpu(1000 * (i + 1), 400 * (i + 1)), provenance }], cpu: { treeS: 30, machineBusyS: 75, cores: 8 } }],
      // the command said what kind of training it did in its metrics line ({"training_type": "fine-tuning"})
      attrs: { attribution: 'estimate: tree CPU-seconds × TDP / cores', reported_training_type: 'fine-tuning' },
      backend: 'command',
      powerSamples: [],
    });
  }
  store.close();
}

const dir = mkdtempSync(join(tmpdir(), 'ecopt-compliance-'));
const db = join(dir, 'gpu.db');
const commandDb = join(dir, 'command.db');
const trainOnlyDb = join(dir, 'train-only.db');

beforeAll(() => {
  writeStudy(db, quickSpec({ name: 'gpu-study' }));
  const { dataset: _d, space: _s, ...rest } = quickSpec({ name: 'command-study' });
  writeStudy(commandDb, { ...rest, model: 'command', command: { argv: ['python3', 'train.py', '--lr', '{learning_rate}'] }, space: { units: { type: 'int', low: 4, high: 32 }, learning_rate: { type: 'float', low: 0.001, high: 0.05 }, epochs: { type: 'int', low: 2, high: 6 } } });
  writeTrainingOnlyStudy(trainOnlyDb);
});

function report(options: ReportOptions = {}, path = db, name = 'gpu-study'): EnergyReport {
  const store = new Store(path, { readonly: true });
  try {
    return reportSchema.parse(buildReport(store, name, options)) as EnergyReport;
  } finally {
    store.close();
  }
}

async function files(options: ReportOptions = {}, path = db, name = 'gpu-study'): Promise<Record<string, string>> {
  const store = new Store(path, { readonly: true });
  try {
    const { files: out } = await renderReports(store, name, options, ['pdf', 'json', 'md', 'csv', 'card', 'gpai']);
    const texts: Record<string, string> = {};
    for (const f of out) {
      if (f.name.endsWith('.pdf')) {
        const pdf = join(tmpDir(), f.name);
        writeFileSync(pdf, f.content);
        texts[f.name] = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      } else texts[f.name] = String(f.content);
    }
    return texts;
  } finally {
    store.close();
  }
}

/** CodeCarbon's own check before it appends to an emissions.csv (codecarbon/output_methods/file.py, has_valid_headers). */
function codecarbonHeadersValid(csvText: string, emissionsDataKeys: readonly string[]): boolean {
  const header = csvText.split(/\r?\n/)[0]!.split(',');
  return JSON.stringify([...header].sort()) === JSON.stringify([...emissionsDataKeys].sort());
}

/** CodeCarbon 3.x's EmissionsData fields, in its order, as the issue lists them. */
const CODECARBON_3 = 'timestamp, project_name, run_id, experiment_id, duration, emissions, emissions_rate, cpu_power, gpu_power, ram_power, cpu_energy, gpu_energy, ram_energy, energy_consumed, water_consumed, country_name, country_iso_code, region, cloud_provider, cloud_region, os, python_version, codecarbon_version, cpu_count, cpu_model, gpu_count, gpu_model, longitude, latitude, ram_total_size, tracking_mode, cpu_utilization_percent, gpu_utilization_percent, ram_utilization_percent, ram_used_gb, on_cloud, pue, wue'.split(', ');

function parseCsv(text: string): Record<string, string>[] {
  const [head, ...rows] = text.trim().split('\n');
  const cols = head!.split(',');
  return rows.map((line) => {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) {
        cells.push(cur);
        cur = '';
      } else cur += ch;
    }
    cells.push(cur);
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

describe('a report a compliance officer can file', () => {
  it('reports the whole campaign — every trial by state and the idle baseline — beside the chosen model', async () => {
    const r = report({ trialNumber: 0 });
    const c = r.campaign;
    expect(c.energyJ).toBeCloseTo(CAMPAIGN_J, 9);
    expect(c.byState.complete).toMatchObject({ trials: 2, energyJ: COMPLETE0_J + COMPLETE1_J });
    expect(c.byState.pruned).toMatchObject({ trials: 1, energyJ: PRUNED_J, durationS: 50 });
    expect(c.byState.failed).toMatchObject({ trials: 1, energyJ: FAILED_J });
    expect(c.byState.interrupted).toMatchObject({ trials: 1, energyJ: INTERRUPTED_J });
    expect(c.idle).toEqual({ windows: 1, energyJ: IDLE_J, durationS: 10, underLoad: 0, underLoadGrossJ: 0, underLoadDurationS: 0, underLoadHosts: [] });
    expect(c.prunedOrFailedShare).toBeCloseTo((PRUNED_J + FAILED_J) / CAMPAIGN_J, 12);
    expect(c.runs.map((x) => [x.trial, x.state])).toEqual([[null, 'idle-baseline'], [0, 'complete'], [1, 'complete'], [2, 'pruned'], [3, 'failed'], [4, 'interrupted']]);
    // the chosen model's own figures, separately named
    expect(r.training.energyJ).toBe(3400);
    expect(r.inference!.jPerSample).toBeCloseTo(120 / 10_000, 15);
    expect(r.emissions.campaignG).toBeCloseTo((CAMPAIGN_J / 3.6e6) * 475, 12);
    const out = await files({ trialNumber: 0 });
    expect(JSON.parse(out['energy-report.json']!)).toMatchObject({ campaign: { energyJ: c.energyJ }, training: { energyJ: 3400 } });
    expect(out['energy-report.md']).toContain('## Developing this model');
    expect(out['energy-report.pdf']).toMatch(/Developing this model: the whole tuning campaign/);
    expect(out['energy-report.pdf']).toMatch(/Pruned trials\s+1 trial: 500 J/);
  });

  it('fills the GPAI form rows in its units: days and hardware-days with the range, FLOPs and MWh to two figures, the inference benchmark', async () => {
    const r = report({ trialNumber: 0 });
    expect(r.gpai.trainingTime).toEqual({ wallClockDays: 0.05, hardwareDays: 0.05, hardwareKind: 'GPU', hardwareCount: 1, range: 'less than 1 day wall-clock; less than 1 GPU-day' });
    const rows = Object.fromEntries(r.gpai.rows.map((x) => [x.field, x.value]));
    expect(rows['Training time (wall-clock)']).toBe('0.050 days (72 min); range: less than 1 day');
    expect(rows['Training time (hardware-days)']).toMatch(/^0\.050 GPU-days \(1 GPU × wall-clock time\); range: less than 1 GPU-day$/);
    // 3 × 2.5 MFLOP × 1500 samples × 4 epochs = 45 GFLOP
    expect(r.gpai.trainingCompute.flops).toBe(45e9);
    expect(rows['Amount of computation used for training (FLOPs)']).toMatch(/^45 GFLOP \(45,000,000,000 FLOP\); estimated from the architecture/);
    expect(rows['Energy consumption during training (MWh)']).toBe('0.00000094 MWh (3.4 kJ); partly measured, partly estimated, uncertainty not stated by the counters');
    const words = r.gpai.trainingEnergy.methodology.split(/\s+/).length;
    expect(words).toBeGreaterThan(70);
    expect(words).toBeLessThan(160);
    expect(r.gpai.trainingEnergy.methodology).toMatch(/GPU 0 measured by the NVIDIA driver's energy counter/);
    expect(r.gpai.trainingEnergy.methodology).toMatch(/estimated from the processor's rated power \(TDP 65 W\)/);
    // each row says how its figure was obtained, with its ± where it is an estimate, so that one row pasted alone keeps it (walk 55)
    for (const row of r.gpai.rows.filter((x) => /MWh|inference/.test(x.field))) expect(row.value, row.field).toMatch(/measured|estimated/);
    // the estimate's own share does not use the idle baseline: the form does not say it did (walk 55: 'used to share the idle power' beside figures of exactly TDP ÷ cores × CPU-seconds)
    expect(r.gpai.trainingEnergy.methodology).toContain("An idle baseline of 10 s was measured before the run that trained it: the estimate's own share (TDP ÷ cores per CPU-second, idle power included) does not use it; it gives the net-of-idle figures only.");
    expect(rows['Benchmarked computation and energy for inference']).toMatch(/^25 GFLOP \(25,000,000,000 FLOP\) and 120 J .* for 10,000 predictions: the held-out test set \(400 samples\) repeated 25 times in batches of 256.*; task: classification of builtin:iris samples.*; hardware: 1 × NVIDIA H200 with AMD EPYC/);
    expect(JSON.stringify(r.gpai)).not.toMatch(/processor-seconds/);
    // a command trial's compute is not known, and the form says why instead of 0
    const cmd = report({}, commandDb, 'command-study');
    expect(cmd.trial.kind).toBe('command');
    expect(cmd.gpai.trainingCompute.flops).toBeNull();
    expect(cmd.training.flops).toBeNull();
    expect(Object.fromEntries(cmd.gpai.rows.map((x) => [x.field, x.value]))['Amount of computation used for training (FLOPs)']).toMatch(/^Not known: the model was trained by the user's own training command, which did not report its training FLOPs/);
    // its inference benchmark's duration is said once, and what it did not report is said, not "?"
    const bench = cmd.methodology.find((m) => m.startsWith('Inference benchmark:'))!;
    expect(bench).toMatch(/as the training command reported them \(its own inference phase, 2 s; how it batched or repeated them was not reported\)\.$/);
    expect(bench).not.toMatch(/, over /);
    const cmdFiles = await files({}, commandDb, 'command-study');
    const md = cmdFiles['energy-report.md']!;
    expect(md).toMatch(/predictions per joule, .* per 1,000 predictions \([\d,]+ predictions, batching and repeats not reported, spread/);
    expect(md).not.toMatch(/batch \?|\? repeats/);
    // the PDF says the same (it printed "batch ?, ? repeats")
    expect(cmdFiles['energy-report.pdf']).toMatch(/predictions, batching and repeats not reported over/);
    expect(cmdFiles['energy-report.pdf']).not.toMatch(/batch \?|\? repeats/);
  });

  it('reads on its own to a filer: which model the GPAI rows describe, own against net, the emissions\' ±, the whole trial (walk 38)', async () => {
    const r = report({});
    const out = await files({});
    // the GPAI rows file names the study, the trial, its parameters, its fingerprint and the report's digest
    const gpai = out['gpai-energy-rows.md']!;
    expect(gpai).toContain(`Study **gpu-study**, trial ${r.trial.number} (`);
    expect(gpai).toContain(`parameters ${Object.entries(r.trial.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')}.`);
    expect(gpai).toContain(`over ${r.digest.rows} rows; \`ecopt verify\``);
    expect(gpai).toContain(r.digest.value);
    // why this model's own figure may exceed the net one, in the Markdown and the PDF
    const pdf = out['energy-report.pdf']!.replace(/\s+/g, ' ');
    for (const text of [out['energy-report.md']!, pdf]) expect(text).toContain('So the own figure can be above the net one. The GPAI rows, the emissions and the SCI use the own figure.');
    // every emissions figure with the uncertainty of the energy under it
    expect(out['energy-report.md']).toMatch(/\| Whole campaign \| [\d.]+ [µm]?g CO2e \((±\d+%|uncertainty not stated by the counter), from (measured|estimated|partly estimated) energy; the grid intensity's own uncertainty is not included\) \|/);
    expect(out['energy-report.md']).toMatch(/\| Training of this model \| [\d.]+ [µm]?g CO2e \(uncertainty not stated by the counter, from partly estimated energy;/);
    // the chosen trial's whole run, as emissions.csv's row has it, and what the phases leave out
    const run = r.campaign.runs.find((x) => x.trial === r.trial.number)!;
    expect(out['energy-report.md']).toMatch(new RegExp(`\\| This model \\(trial ${r.trial.number}\\): the whole trial \\| [\\d.]+ k?J: training [\\d.]+ k?J, inference benchmark [\\d.]+ J, and [\\d.]+ m?J besides \\(its evaluation\\); its row in emissions.csv \\|`));
    expect(run.energyJ).toBeGreaterThanOrEqual(r.training.energyJ + r.inference!.energyJ - 1e-9);
  });

  it('says why this model when it was chosen by a budget: the budget as read, the picker\'s sentence, and whether it still picks it', async () => {
    // trial 0 is the more frugal of the two complete trials, trial 1 the more accurate
    const byBudget = report({ budget: 'at most 15 mJ per prediction' });
    expect(byBudget.trial.number).toBe(0);
    expect(byBudget.options.budget).toBe('at most 15 mJ per prediction');
    expect(byBudget.selection).toMatchObject({ budget: 'at most 15 mJ per prediction', readAs: 'read as: energy per prediction ≤ 15 mJ', picked: 0 });
    expect(byBudget.selection!.sentence).toMatch(/^Model #0: /);
    const out = await files({ budget: 'at most 15 mJ per prediction' });
    expect(out['energy-report.md']).toContain(`## Why this model\n\nChosen by the budget "at most 15 mJ per prediction" (read as: energy per prediction ≤ 15 mJ). ${byBudget.selection!.sentence}\n`);
    expect(out['energy-report.pdf']!.replace(/\s+/g, ' ')).toContain('Why this model Chosen by the budget "at most 15 mJ per prediction"');
    // rebuilt for another trial under that budget (as verify rebuilds a report after the study
    // grew), it says the budget picks trial 0 now
    expect(report({ trialNumber: 1, budget: 'at most 15 mJ per prediction' }).selection!.picked).toBe(0);
    // but no report of trial 1 is written "chosen by the budget" that picks trial 0 (walk 43)
    await expect(files({ trialNumber: 1, budget: 'at most 15 mJ per prediction' })).rejects.toThrow(
      /^trial 1 is not the model the budget "at most 15 mJ per prediction" picks: it picks #0 \(Model #0: .*\) Leave out --trial to report #0, or leave out --budget to report #1 without a budget\.$/,
    );
    await expect(files({ trialNumber: 1, budget: 'at most 1 µJ per prediction' })).rejects.toThrow(/picks: no model meets it \(No model meets this limit.*Loosen the budget, or leave out --budget/);
    // a budget nothing meets, or one it cannot read, is refused with the picker's words
    expect(() => report({ budget: 'at most 1 µJ per prediction' })).toThrow(/no model of "gpu-study" meets the budget "at most 1 µJ per prediction": No model meets this limit\. Closest: #0/);
    expect(() => report({ budget: 'cheap' })).toThrow(/budget "cheap": could not read "cheap"/);
  });

  it('gives the held-out test accuracy beside the validation one, where rows were held out', async () => {
    const r = report({ trialNumber: 0 });
    expect(r.trial.testAccuracy).toBeCloseTo(r.trial.metrics.accuracy! - 0.02, 12);
    const out = await files({ trialNumber: 0 });
    const pct = `${(r.trial.testAccuracy! * 100).toFixed(2)}%`;
    expect(out['energy-report.md']).toContain(`| Accuracy on held-out test data (never seen in training or in choosing: what to expect on new data) | ${pct} |`);
    // the PDF's table wraps the label around the value
    expect(out['energy-report.pdf']!.replace(/\s+/g, ' ')).toMatch(new RegExp(`Accuracy on held-out test data ${pct.replace('.', '\\.')} \\(never seen in training`));
    // a command's trial held nothing out that ECOpt knows of
    expect(report({}, commandDb, 'command-study').trial.testAccuracy).toBeUndefined();
  });

  it('lists the GPU model and count, CPU, memory, OS and drivers in every format', async () => {
    const r = report();
    expect(r.hardware).toMatchObject({ cpuModel: 'AMD EPYC 9654 96-Core Processor', cpuLogicalCores: 16, memoryGiB: 128, gpusUsed: 1, drivers: { nvidia: '550.54.15' } });
    expect(r.hardware.gpus).toEqual([{ index: '0', model: 'NVIDIA H200', driver: '550.54.15', memoryMiB: 143771 }]);
    const out = await files();
    for (const name of ['energy-report.md', 'energy-report.pdf', 'energy-report.json', 'gpai-energy-rows.md']) {
      expect(out[name], name).toContain('NVIDIA H200');
      expect(out[name], name).toContain('550.54.15');
    }
    const card = out['model-card-co2.yaml']!;
    expect(card).toMatch(/hardware_used: "1 x NVIDIA H200, AMD EPYC 9654 96-Core Processor \(16 logical cores\)"/);
    expect(card).not.toContain('gpu:0');
    const row = parseCsv(out['emissions.csv']!)[1]!;
    expect(row).toMatchObject({ gpu_count: '1', gpu_model: '1 x NVIDIA H200', cpu_count: '16', ram_total_size: '128' });
  });

  it('states the idle baseline the chosen trial was measured against, not a later run\'s', () => {
    // a resume measured another baseline after the trials (busier machine: 90 W)
    const resumed = join(dir, 'resumed.db');
    copyFileSync(db, resumed);
    const store = new Store(resumed);
    const study = store.requireStudy('gpu-study');
    store.insertWindow(study.id, null, { phase: 'idle', startedAtMs: T0 + 30_000_000, durationS: 10, domains: [{ domain: 'cpu-package', energyJ: 900, provenance: cpuEst }], cpu: { treeS: null, machineBusyS: 0.4, cores: 8 } });
    store.close();
    const r = report({ trialNumber: 1 }, resumed);
    expect(r.idleBaseline?.powerW).toEqual({ 'cpu-package': 10, 'gpu:0': 50 });
    expect(r.methodology.join(' ')).toMatch(/An idle baseline of 10 s was measured before the run that measured this trial/);
  });

  it('says beside the inference figure when the model was re-measured since, and whether that confirms it', () => {
    const again = join(dir, 'remeasured.db');
    copyFileSync(db, again);
    const store = new Store(again);
    const study = store.requireStudy('gpu-study');
    const t1 = store.getTrials(study.id).find((t) => t.number === 1)!;
    store.setTrialAttr(t1.id, 'remeasured', [{ at: '2026-12-02T10:00:00Z', jPerSample: 0.05, samples: 10_000, spreadRel: null, windowId: 0, backend: 'tensorflow-gpu' }]);
    store.close();
    const r = report({ trialNumber: 1 }, again);
    expect(r.inference!.flags).toContainEqual({ domain: '*', kind: 'remeasure-disagrees', message: expect.stringMatching(/^re-measured 1 time since from its kept model: 50 mJ per prediction, \+\d+% against the first figure \(.*\), which the front and the budget pick use; they DISAGREE/) });
    expect(report({ trialNumber: 1 }).inference!.flags.map((f) => f.kind)).not.toContain('remeasure-disagrees');
    // the summary's inference figure says so where it is stated, not only among the warnings
    expect(remeasuredNote(r.inference)).toMatch(/RE-MEASURED SINCE, IT DISAGREES BY MORE THAN 20%/);
    expect(remeasuredNote(report({ trialNumber: 1 }).inference)).toBe('');
  });

  it('states SCI embodied emissions as given (TE, EL, RR/ToR) or excluded with the reason, and labels E and I as the formula does', () => {
    const excluded = report({ country: 'FRA', pue: 1.5, functionalUnit: 'inference' });
    const i = resolveIntensity({ country: 'FRA' }).intensityGPerKWh;
    const itKWh = excluded.inference!.jPerSample / 3.6e6;
    expect(excluded.sci.itEnergyKWh).toBeCloseTo(itKWh, 18);
    expect(excluded.sci.energyKWh).toBeCloseTo(itKWh * 1.5, 18);
    expect(excluded.sci.intensityGPerKWh).toBe(i);
    expect(excluded.sci.embodied).toMatchObject({ included: false, embodiedG: 0 });
    expect(excluded.sci.text).toMatch(/M excluded \(0 g\): the hardware's total embodied emissions \(TE\) were not supplied/);
    expect(excluded.sci.text).toMatch(/E = [\d.]+ mJ \(the IT energy × PUE 1\.5; [^)]+\), I = 56\.039 gCO2e\/kWh \(France\)/);
    expect(excluded.sci.scoreG).toBeCloseTo(itKWh * 1.5 * i, 15);
    const reason = report({ embodiedExcludedReason: 'shared cloud hardware: no figure from the provider' });
    expect(reason.sci.text).toContain('M excluded (0 g): shared cloud hardware: no figure from the provider');
    // M = TE × TR/EL × RR/ToR: 1.2 t over 4 years, for 1,000 predictions lasting 0.2 s on a quarter of the machine
    const given = report({ pue: 1.2, embodied: { totalG: 1.2e6, lifespanYears: 4, share: 0.25 } });
    const tr = (1000 * 2) / 10_000;
    const m = 1.2e6 * (tr / (4 * 365.25 * 86400)) * 0.25;
    expect(given.sci.embodied).toMatchObject({ included: true, totalG: 1.2e6, share: 0.25, excludedReason: null });
    expect(given.sci.embodied.timeReservedS).toBeCloseTo(tr, 12);
    expect(given.sci.embodied.embodiedG).toBeCloseTo(m, 15);
    expect(given.sci.scoreG).toBeCloseTo(given.sci.energyKWh * given.sci.intensityGPerKWh + m, 15);
    expect(given.sci.text).toMatch(/M = TE × TR\/EL × RR\/ToR = 1\.2 t CO2e × 0\.2 s \/ 4 years × 0\.25 = /);
  });

  it('fills the Hugging Face card with the training type from the study or the options, and flags fallbacks', async () => {
    const dflt = await files();
    expect(dflt['model-card-co2.yaml']).toMatch(/training_type: "pre-training"/);
    expect(dflt['model-card-co2.yaml']).toMatch(/^# FALLBACK: no country was given, so emissions use the world-average intensity \(475 gCO2e\/kWh\)$/m);
    expect(dflt['model-card-co2.yaml']).toMatch(/source: ".*NOTE: FALLBACK: no country was given/);
    expect(dflt['model-card-co2.yaml']).toMatch(/geographical_location: "unknown \(world average used\)"/);
    const fine = await files({ trainingType: 'fine-tuning', country: 'Germany' });
    expect(fine['model-card-co2.yaml']).toMatch(/training_type: "fine-tuning"/);
    expect(fine['model-card-co2.yaml']).not.toMatch(/FALLBACK/);
    expect(fine['model-card-co2.yaml']).toMatch(/geographical_location: "Germany"/);
    const cmd = report({}, commandDb, 'command-study');
    expect(cmd.modelCard.trainingTypeSource).toMatch(/^ASSUMED/);
    expect(cmd.modelCard.notes.join(' ')).toMatch(/training_type ASSUMED/);
    // the note names the flag that sets it
    expect(cmd.modelCard.trainingTypeSource).toMatch(/ecopt report --training-type fine-tuning/);
    // a command that printed "training_type" in its metrics line is taken at its word
    const said = report({ functionalUnit: 'training-run' }, trainOnlyDb, 'train-only');
    expect(said.modelCard.trainingType).toBe('fine-tuning');
    expect(said.modelCard.trainingTypeSource).toBe('reported by the training command');
  });

  it("writes CodeCarbon's emissions.csv exactly: its header check passes, its units, PUE on every energy column, UUIDs, its timestamps", async () => {
    const out = await files({ country: 'FRA', pue: 1.4, wue: 1.8 });
    const csv = out['emissions.csv']!;
    expect(csv.split('\n')[0]!.split(',')).toEqual(CODECARBON_3);
    expect([...CODECARBON_COLUMNS]).toEqual(CODECARBON_3);
    expect(codecarbonHeadersValid(csv, CODECARBON_3)).toBe(true);
    // ECOpt's provenance columns come after CodeCarbon's in the twin file (CodeCarbon would refuse them in its own)
    const twin = out['emissions-ecopt.csv']!;
    expect(twin.split('\n')[0]!.split(',')).toEqual([...CODECARBON_3, ...PROVENANCE_COLUMNS]);
    expect(PROVENANCE_COLUMNS.every((c) => c.startsWith('ecopt_'))).toBe(true);
    expect(codecarbonHeadersValid(twin, CODECARBON_3)).toBe(false);
    // the whole machine's energy has PUE applied as energy_consumed has, so the two compare (walk 55)
    const runs = report({ country: 'FRA', pue: 1.4, wue: 1.8 }).campaign.runs;
    parseCsv(twin).forEach((row, i) => expect(Number(row.ecopt_gross_energy_kwh)).toBeCloseTo((runs[i]!.grossEnergyJ * 1.4) / 3.6e6, 15));

    const rows = parseCsv(csv);
    const r = report({ country: 'FRA', pue: 1.4, wue: 1.8 });
    expect(rows).toHaveLength(r.campaign.runs.length);
    let total = 0;
    for (const row of rows) {
      const parts = Number(row.cpu_energy) + Number(row.gpu_energy) + Number(row.ram_energy);
      expect(Number(row.energy_consumed)).toBeCloseTo(parts, 15);
      expect(Number(row.water_consumed)).toBeCloseTo(1.8 * Number(row.energy_consumed), 15);
      expect(Number(row.emissions)).toBeCloseTo((Number(row.energy_consumed) * r.emissions.intensityGPerKWh) / 1000, 15);
      expect(row.run_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.experiment_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      expect(row).toMatchObject({ country_iso_code: 'FRA', country_name: 'France', pue: '1.4', wue: '1.8', on_cloud: 'N' });
      total += Number(row.energy_consumed);
    }
    // the rows add up to the whole campaign, PUE included
    expect(total).toBeCloseTo((CAMPAIGN_J / 3.6e6) * 1.4, 12);
    expect(new Set(rows.map((x) => x.run_id)).size).toBe(rows.length);
    expect(new Set(rows.map((x) => x.experiment_id)).size).toBe(1);
    // power is the hardware's, before PUE: trial 0 drew 3.4 kJ of GPU over 4,320 s of training…
    const trial0 = parseCsv(twin).find((x) => x.ecopt_trial === '0')!;
    expect(Number(trial0.gpu_power)).toBeCloseTo((3000 + 100 + 30) / (TRAIN_S + 3), 9);
    expect(trial0).toMatchObject({ tracking_mode: 'process', ecopt_state: 'complete', ecopt_chosen: 'N' });
    expect(Number(trial0.cpu_utilization_percent)).toBeCloseTo((252 / (8 * (TRAIN_S + 2))) * 100, 9);
  });

  it('makes a fileable PDF: SI prefixes, no exponent, no negative figure, ticks, meters in words, no command-line flags, page N of M, owner and sign-off', async () => {
    const out = await files({ trialNumber: 0, country: 'FRA', owner: 'Ada Officer', organisation: 'Example Labs GmbH', approver: 'Grace Reviewer' });
    const text = out['energy-report.pdf']!;
    expect(text).not.toMatch(/(^|[\s(=])\d+(\.\d+)?e[+-]?\d+\b/im);
    expect(text).not.toMatch(/(^|[\s(])-\d/m);
    const pages = text.split('\f').filter((p) => p.trim());
    expect(text).toContain(`Page 1 of ${pages.length}`);
    expect(text).toContain(`Page ${pages.length} of ${pages.length}`);
    // the last page is not an orphan: it holds the verification and sign-off block whole
    const last = pages.at(-1)!;
    expect(last).toMatch(/Verification and sign-off/);
    expect(last).toMatch(/Reviewed and approved by\s+Grace Reviewer/);
    expect(last).toMatch(/Signature and date/);
    expect(text).toMatch(/Report owner: Ada Officer, Example Labs GmbH - date of the report: \d{4}-\d\d-\d\d/);
    // the charts' ticks are labelled
    expect(text).toMatch(/90%/);
    expect(text).toMatch(/predictions made with the model/);
    expect(text).toMatch(/\d mJ/);
    // meters in words with their fix, never a raw library error; no command-line flags anywhere
    expect(text).not.toMatch(/Failed to load shared library|libamdgpu|CVE-2020-8694\)\. Fix one of/);
    expect(text).toMatch(/readable only by the administrator \(a security default since 2020\)/);
    expect(text).not.toMatch(/(^|\s)--[a-z]/m);
    // the GPAI training energy in MWh as a plain decimal
    expect(text).toMatch(/0\.00000094 MWh/);
    // ticks for the charts come from round numbers
    expect(linearTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(logTicks(0.0002, 0.0008)).toEqual([0.0002, 0.0003, 0.0004, 0.0005, 0.0006, 0.0007, 0.0008]);
    expect(logTicks(1e-6, 1e-2)).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 1e-2]);
  });

  it("checks the app's report inputs in the screen's words: the bundled country list by code or name, PUE at least 1", async () => {
    const list = [
      { iso3: 'FRA', name: 'France' },
      { iso3: 'DEU', name: 'Germany' },
    ];
    expect(checkReportInputs({ country: 'fra', pue: '1' }, list)).toEqual({ ok: true, country: 'FRA', pue: 1 });
    expect(checkReportInputs({ country: 'FRANCE', pue: '1.3' }, list)).toEqual({ ok: true, country: 'FRA', pue: 1.3 });
    expect(checkReportInputs({ country: '', pue: '1' }, list)).toEqual({ ok: true, country: null, pue: 1 });
    // "UK" is the United Kingdom (its first letters suggested Ukraine), in the app and in the engine
    const withUk = [...list, { iso3: 'GBR', name: 'United Kingdom' }, { iso3: 'UKR', name: 'Ukraine' }];
    for (const uk of ['UK', 'gb', 'Great Britain', 'England']) expect(checkReportInputs({ country: uk, pue: '1' }, withUk)).toEqual({ ok: true, country: 'GBR', pue: 1 });
    expect(resolveIntensity({ country: 'UK' }).iso3).toBe('GBR');
    const fr = checkReportInputs({ country: 'fr', pue: '1' }, list);
    expect(fr.ok).toBe(false);
    if (!fr.ok) expect(fr.errors.country).toMatch(/^"fr" is not a country in the list\. Type a country's name or its three-letter code \(did you mean France, FRA\?\)/);
    const xyz = checkReportInputs({ country: 'XYZ', pue: '0' }, list);
    expect(xyz.ok).toBe(false);
    if (!xyz.ok) {
      expect(xyz.errors.country).not.toMatch(/--/);
      expect(xyz.errors.pue).toMatch(/^PUE cannot be below 1\.0 \(you typed 0\)/);
    }
    // once fixed, nothing is left to show
    expect(checkReportInputs({ country: 'Germany', pue: '1.1' }, list)).toEqual({ ok: true, country: 'DEU', pue: 1.1 });
    // the engine behind it: names and codes in any case, never a silent world fallback, no flag in the message
    expect(resolveIntensity({ country: 'france' }).iso3).toBe('FRA');
    expect(resolveIntensity({ country: 'deu' }).iso3).toBe('DEU');
    expect(() => resolveIntensity({ country: 'fr' })).toThrow(/unknown country "fr"/);
    expect(() => resolveIntensity({ country: 'XYZ' })).toThrow(/^(?!.*--).*unknown country "XYZ": give an ISO 3166 alpha-3 code/);
    // and the app's commands: any trial, a country name, PUE refused below 1, files to download
    const api = new Api({ mode: 'serve', dbPath: db, emit: () => {} });
    try {
      const built = await api.dispatch('report.build', { name: 'gpu-study', trial: 1, country: 'france', pue: 1.2, owner: 'Ada' });
      expect(built).toMatchObject({ ok: true, data: { trial: { number: 1 }, emissions: { iso3: 'FRA' }, document: { owner: 'Ada' } } });
      expect(await api.dispatch('report.build', { name: 'gpu-study', pue: 0 })).toMatchObject({ ok: false, error: expect.stringMatching(/^report\.build: pue: /) });
      const countries = await api.dispatch('report.countries', {});
      expect(countries.ok && (countries.data as { iso3: string; name: string }[]).find((c) => c.iso3 === 'FRA')?.name).toBe('France');
      const dl = await api.dispatch('report.download', { name: 'gpu-study', formats: ['pdf', 'csv'] });
      expect(dl.ok).toBe(true);
      const got = (dl as { data: { files: { name: string; mimeType: string; base64: string }[] } }).data.files;
      expect(got.map((f) => [f.name, f.mimeType])).toEqual([
        ['energy-report.pdf', 'application/pdf'],
        ['emissions.csv', 'text/csv'],
        ['emissions-ecopt.csv', 'text/csv'],
      ]);
      expect(Buffer.from(got[0]!.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      api.close();
    }
  });
});

describe('an estimate made on a virtual machine', () => {
  it('carries its caveat into the GPAI rows, the document filed (walk 50: they said ±40% alone)', () => {
    const vmDb = join(dir, 'vm.db');
    writeTrainingOnlyStudy(vmDb, { ...cpuEst, inputs: { ...cpuEst.inputs, virtualMachine: 'yes' } });
    const r = report({ functionalUnit: 'training-run' }, vmDb, 'train-only');
    expect(r.gpai.trainingEnergy.methodology).toMatch(
      /estimated from the processor's rated power \(TDP 65 W\) and its measured utilisation, ±40% \(on a virtual machine the TDP is the whole processor's, which it shares with other machines, so this is likely too high\)/,
    );
    // and not on a machine that is not one
    expect(report({ functionalUnit: 'training-run' }, trainOnlyDb, 'train-only').gpai.trainingEnergy.methodology).not.toMatch(/virtual machine/);
  });
});

describe('a training-only study (issue 11, Why 2: a script that never sends an inference phase)', () => {
  it('is reported per training run with its own training energy, inference marked not applicable in every format, never a zero', async () => {
    const r = report({ functionalUnit: 'training-run', country: 'FRA' }, trainOnlyDb, 'train-only');
    // the most accurate trial; its own (attributed) training energy, the machine's beside it, with provenance
    expect(r.trial.number).toBe(1);
    expect(r.training).toMatchObject({ energyJ: 800, grossEnergyJ: 2000, method: 'estimated' });
    expect(r.training.domains).toEqual([expect.objectContaining({ domain: 'cpu-package', energyJ: 2000, attributedEnergyJ: 800, provenance: cpuEst })]);
    expect(r.inference).toBeNull();
    expect(r.emissions.inferencePer1000G).toBeNull();
    expect(r.gpai.inference).toBeNull();
    expect(r.pareto).toBeNull();
    expect(r.payback).toBeNull();
    // every figure an estimate: the methodology does not speak of polling counters
    expect(r.methodology[0]).toMatch(/the estimate was sampled every 100 ms or faster \(no energy counter could be read\)\.$/);
    // every figure an estimate: each GPAI energy row and the SCI's E carry its ± (walk 55)
    const gpai = Object.fromEntries(r.gpai.rows.map((x) => [x.field, x.value]));
    expect(gpai['Energy consumption during training (MWh)']).toMatch(/; estimated, ±40%$/);
    expect(gpai['Energy of developing the model (whole tuning campaign)']).toMatch(/^[\d.]+ MWh \(estimated, ±40%\) for the whole tuning campaign/);
    expect(r.sci.text).toMatch(/\(the IT energy × PUE 1; estimated, ±40%\)/);
    expect(report().methodology[0]).toMatch(/counters were polled every 100 ms or faster\.$/);
    // SCI per training run: E is the training energy × PUE, TR the training time
    expect(r.sci).toMatchObject({ functionalUnit: 'training-run', itEnergyKWh: 800 / 3.6e6, embodied: { timeReservedS: 60 } });
    expect(r.emissions.trainingG).toBeCloseTo((800 / 3.6e6) * r.emissions.intensityGPerKWh, 12);
    const rows = Object.fromEntries(r.gpai.rows.map((x) => [x.field, x.value]));
    expect(rows['Benchmarked computation and energy for inference']).toMatch(/^Not applicable: trial 1 ran no inference benchmark/);
    expect(r.methodology.join(' ')).toMatch(/Inference benchmark: none\. .*not applicable \(not zero\)/);

    const out = await files({ functionalUnit: 'training-run', country: 'FRA' }, trainOnlyDb, 'train-only');
    expect(Object.keys(out).sort()).toEqual(['emissions-ecopt.csv', 'emissions.csv', 'energy-report.json', 'energy-report.md', 'energy-report.pdf', 'gpai-energy-rows.md', 'model-card-co2.yaml']);
    expect(reportSchema.parse(JSON.parse(out['energy-report.json']!))).toMatchObject({ version: 5, inference: null });
    const pdf = out['energy-report.pdf']!.replace(/\s+/g, ' ');
    expect(pdf).toMatch(/Inference not applicable: trial 1 ran no inference benchmark/);
    expect(pdf).toContain('per one training run');
    expect(out['energy-report.md']).toMatch(/\| Inference benchmark \| not applicable \| not applicable \|/);
    expect(out['gpai-energy-rows.md']).toMatch(/Benchmarked computation and energy for inference \| Not applicable/);
    // nothing in any format claims an inference figure: no "per prediction" amount, no zero
    for (const [name, text] of Object.entries(out)) expect(text, name).not.toMatch(/\d[\d.,]* [µm]?J per (prediction|sample)/);
    expect(Number(/emissions: ([\d.e-]+)/.exec(out['model-card-co2.yaml']!)![1])).toBeCloseTo(r.emissions.trainingG, 3);
    expect(parseCsv(out['emissions-ecopt.csv']!).map((x) => [x.ecopt_trial, x.ecopt_chosen])).toEqual([['0', 'N'], ['1', 'Y']]);
  });

  it('refuses a per-inference report of such a study, saying to report per training run', () => {
    expect(() => report({}, trainOnlyDb, 'train-only')).toThrow(/study "train-only" measures training only: trial 1 has no inference measurement window.*ecopt report train-only --unit training-run/);
    expect(() => report({ functionalUnit: 'inference' }, trainOnlyDb, 'train-only')).toThrow(/--unit training-run/);
    // a study with inference figures: the trial without them is named, with both ways out
    expect(() => report({ trialNumber: 0, functionalUnit: 'inference' }, db, 'gpu-study')).not.toThrow();
  });
});

describe('payback in the report', () => {
  it('compares the chosen model with the most accurate, or, for the most accurate itself, with the first trial', () => {
    const cheap = report({ trialNumber: 0 });
    expect(cheap.payback).toMatchObject({ chosenTrial: 0, referenceTrial: 1, referenceReason: 'the most accurate trial', verdict: 'pays-back' });
    // trial 1 uses 200 J per 10,000 predictions, trial 0 120 J: 8 mJ saved per prediction
    expect(cheap.payback!.savedJPerPrediction).toBeCloseTo(0.008, 15);
    expect(cheap.payback!.predictions).toBeCloseTo(CAMPAIGN_J / 0.008, 6);
    const top = report({ trialNumber: 1 });
    expect(top.payback).toMatchObject({ chosenTrial: 1, referenceTrial: 0, verdict: 'never' });
    expect(top.payback!.sentence).toMatch(/never pays back; what it buys instead is 5\.0 accuracy points/);
    expect(top.payback).toMatchObject({ savedJPerPrediction: 0, extraJPerPrediction: expect.closeTo(0.008, 15) });
    // no energy or emission figure anywhere in the report is negative, even for a model that never pays back
    const negative: string[] = [];
    const walk = (v: unknown, key: string) => {
      if (typeof v === 'number' && /(J|Wh|G)(PerPrediction|PerKWh)?$|energy|emission/i.test(key) && v < 0) negative.push(`${key}=${v}`);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(top, '');
    expect(negative).toEqual([]);
    const picked = report({ trialNumber: 0, referenceTrial: 1 });
    expect(picked.payback!.referenceReason).toBe('the reference picked');
    // the first trial chosen: it is what would have been trained without tuning, and the sentence says so
    expect(report({ trialNumber: 0 }).payback!.sentence).toMatch(/Model #0 is itself the study's first trial, what would have been trained without tuning: against that the search saved no energy per prediction/);
    expect(top.payback!.sentence).not.toMatch(/first trial, what would have been trained/);
    expect(() => report({ trialNumber: 0, referenceTrial: 2 })).toThrow(/trial 2 is pruned: pick a complete trial with an inference measurement as the reference/);
  });

  it('compares the most accurate model with itself when it was also the first tried: the search never pays back', () => {
    const t = (number: number, accuracy: number, j: number) => ({ id: number + 1, number, state: 'complete' as const, params: {}, metrics: { accuracy, infer_energy_j_per_sample: j }, retryOf: null, backend: null, createdAt: '', startedAt: null, finishedAt: null, failure: null });
    const trials = [t(0, 0.97, 0.003), t(1, 0.9, 0.002), t(2, 0.92, 0.001)];
    expect(pickReference(trials, trials[1]!)).toMatchObject({ trial: { number: 0 }, reason: 'the most accurate trial' });
    // walk 54: it was compared with the other trial using the least energy (#2 here), 'the trial using the least energy per prediction', and said to pay back
    expect(pickReference(trials, trials[0]!)).toMatchObject({ trial: { number: 0 }, reason: 'the first trial: what would have been trained without tuning' });
    expect(pickReference([trials[0]!], trials[0]!)).toMatchObject({ trial: { number: 0 }, reason: 'the only trial' });
  });

  it('takes the first configuration tried as "without tuning", though it was interrupted and re-run under a later number', () => {
    const t = (number: number, accuracy: number, j: number, retryOf: number | null = null, state: 'complete' | 'interrupted' = 'complete') => ({
      id: number + 1, number, state, params: {}, metrics: state === 'complete' ? { accuracy, infer_energy_j_per_sample: j } : {}, retryOf, backend: null, createdAt: '', startedAt: null, finishedAt: null, failure: null,
    });
    // trial 0 was interrupted (its worker killed) and re-run as trial 3; trial 2 is the most accurate
    const trials = [t(0, 0, 0, null, 'interrupted'), t(1, 0.9, 0.002), t(2, 0.97, 0.003), t(3, 0.8, 0.004, 1)];
    expect(pickReference(trials, trials[2]!)).toMatchObject({ trial: { number: 3 }, reason: 'the first configuration tried (trial 0, interrupted and re-run as trial 3): what would have been trained without tuning' });
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
