/**
 * CodeCarbon's emissions.csv, exactly: CodeCarbon 3.x's columns in its order, its units (duration
 * s, energy kWh, emissions kg CO2e, power W, water L, memory GB), PUE applied as CodeCarbon applies
 * it (to cpu, gpu and ram energy alike, so they add up to energy_consumed), UUIDs for run and
 * experiment, its timestamp format (local time, %Y-%m-%dT%H:%M:%S). One row per run of the
 * campaign: every trial that measured anything, and every idle baseline, so the rows add up to
 * the whole campaign. CodeCarbon refuses to append to a file whose header differs from its own,
 * so ECOpt's provenance columns go in a second file, the same rows with `ecopt_*` columns after.
 */
import { createHash } from 'node:crypto';
import type { CampaignRun, EnergyReport } from '../../../shared/report';

export const CODECARBON_COLUMNS = [
  'timestamp', 'project_name', 'run_id', 'experiment_id', 'duration', 'emissions', 'emissions_rate',
  'cpu_power', 'gpu_power', 'ram_power', 'cpu_energy', 'gpu_energy', 'ram_energy', 'energy_consumed', 'water_consumed',
  'country_name', 'country_iso_code', 'region', 'cloud_provider', 'cloud_region', 'os', 'python_version',
  'codecarbon_version', 'cpu_count', 'cpu_model', 'gpu_count', 'gpu_model', 'longitude', 'latitude',
  'ram_total_size', 'tracking_mode', 'cpu_utilization_percent', 'gpu_utilization_percent',
  'ram_utilization_percent', 'ram_used_gb', 'on_cloud', 'pue', 'wue',
] as const;
export const PROVENANCE_COLUMNS = [
  'ecopt_study', 'ecopt_trial', 'ecopt_state', 'ecopt_host', 'ecopt_chosen', 'ecopt_energy_method', 'ecopt_energy_sources',
  'ecopt_uncertainty_rel', 'ecopt_gross_energy_kwh', 'ecopt_digest',
] as const;
export const CSV_COLUMNS = [...CODECARBON_COLUMNS, ...PROVENANCE_COLUMNS];

/** ECOpt's UUID namespace for run and experiment ids (RFC 9562 name-based, version 5). */
const NAMESPACE = Buffer.from('5f0c5f3e9a1b4c6e8d2a7b3c4d5e6f70', 'hex');

/** A name-based UUID (version 5): the same study and trial always get the same id. */
export function uuidV5(name: string, namespace: Buffer = NAMESPACE): string {
  const h = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** CodeCarbon's timestamp: local time, seconds, no zone (datetime.now().strftime("%Y-%m-%dT%H:%M:%S")). */
export function codecarbonTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function rowValues(r: EnergyReport, run: CampaignRun): Record<string, string | number | null> {
  const pue = r.emissions.pue;
  const kWh = (j: number) => (j / 3.6e6) * pue;
  const energyKWh = kWh(run.cpuEnergyJ) + kWh(run.gpuEnergyJ) + kWh(run.ramEnergyJ);
  const emissionsKg = (energyKWh * r.emissions.intensityGPerKWh) / 1000;
  const perS = (j: number) => (run.durationS > 0 ? j / run.durationS : 0);
  const h = r.hardware;
  return {
    timestamp: codecarbonTimestamp(run.startedAtMs + run.durationS * 1000),
    project_name: r.study.name,
    run_id: uuidV5(`${r.study.name}\u0000${r.study.createdAt}\u0000${run.trial === null ? `idle@${run.startedAtMs}` : `trial ${run.trial}`}`),
    experiment_id: uuidV5(`${r.study.name}\u0000${r.study.createdAt}`),
    duration: run.durationS,
    emissions: emissionsKg,
    emissions_rate: run.durationS > 0 ? emissionsKg / run.durationS : 0,
    cpu_power: perS(run.cpuEnergyJ),
    gpu_power: perS(run.gpuEnergyJ),
    ram_power: perS(run.ramEnergyJ),
    cpu_energy: kWh(run.cpuEnergyJ),
    gpu_energy: kWh(run.gpuEnergyJ),
    ram_energy: kWh(run.ramEnergyJ),
    energy_consumed: energyKWh,
    water_consumed: r.options.wue * energyKWh,
    country_name: r.emissions.origin === 'world-fallback' ? 'World' : r.emissions.country,
    country_iso_code: r.emissions.iso3,
    region: null,
    cloud_provider: null,
    cloud_region: null,
    os: h.os,
    python_version: null,
    codecarbon_version: null,
    cpu_count: h.cpuLogicalCores,
    cpu_model: h.cpuModel,
    gpu_count: h.gpus.length,
    gpu_model: h.gpus.length ? gpuModelText(h.gpus) : null,
    longitude: null,
    latitude: null,
    ram_total_size: h.memoryGiB,
    // a trial's figures are its own process tree's share; an idle baseline is the whole machine
    tracking_mode: run.trial === null ? 'machine' : 'process',
    cpu_utilization_percent: run.cpuBusyShare === null ? null : run.cpuBusyShare * 100,
    gpu_utilization_percent: null,
    ram_utilization_percent: null,
    ram_used_gb: null,
    on_cloud: 'N',
    pue,
    wue: r.options.wue,
    ecopt_study: r.study.name,
    ecopt_trial: run.trial,
    ecopt_state: run.state,
    // the machine the run was measured on (empty where not recorded, or a report written before hosts were stated)
    ecopt_host: run.host ?? null,
    ecopt_chosen: run.trial === r.trial.number ? 'Y' : 'N',
    ecopt_energy_method: run.method,
    ecopt_energy_sources: run.sources.join(';'),
    ecopt_uncertainty_rel: run.uncertaintyRel,
    // the whole machine's energy over the run, PUE applied as to energy_consumed, so the two compare
    // (walk 55: without PUE a trial's own share looked larger than the whole machine's)
    ecopt_gross_energy_kwh: (run.grossEnergyJ * pue) / 3.6e6,
    ecopt_digest: r.digest.value,
  };
}

function gpuModelText(gpus: readonly { model: string }[]): string {
  const counts = new Map<string, number>();
  for (const g of gpus) counts.set(g.model, (counts.get(g.model) ?? 0) + 1);
  return [...counts].map(([model, n]) => `${n} x ${model}`).join(', ');
}

function render(r: EnergyReport, columns: readonly string[]): string {
  const rows = r.campaign.runs.map((run) => {
    const v = rowValues(r, run);
    return columns.map((c) => cell(v[c] ?? null)).join(',');
  });
  return `${columns.join(',')}\n${rows.join('\n')}\n`;
}

/** emissions.csv: CodeCarbon's columns only, so CodeCarbon can append to it. */
export function renderCsv(r: EnergyReport): string {
  return render(r, CODECARBON_COLUMNS);
}

/** emissions-ecopt.csv: the same rows with ECOpt's provenance columns after CodeCarbon's. */
export function renderCsvWithProvenance(r: EnergyReport): string {
  return render(r, CSV_COLUMNS);
}
