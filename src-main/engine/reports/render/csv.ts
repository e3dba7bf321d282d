/**
 * emissions.csv with CodeCarbon's column names and units (duration s, energy kWh, emissions kg,
 * power W), one row per phase, plus our provenance columns at the end.
 */
import type { EnergyReport } from '../../../shared/report';

const CODECARBON_COLUMNS = [
  'timestamp', 'project_name', 'run_id', 'experiment_id', 'duration', 'emissions', 'emissions_rate',
  'cpu_power', 'gpu_power', 'ram_power', 'cpu_energy', 'gpu_energy', 'ram_energy', 'energy_consumed',
  'country_name', 'country_iso_code', 'region', 'cloud_provider', 'cloud_region', 'os', 'python_version',
  'codecarbon_version', 'cpu_count', 'cpu_model', 'gpu_count', 'gpu_model', 'longitude', 'latitude',
  'ram_total_size', 'tracking_mode', 'on_cloud', 'pue',
] as const;
export const PROVENANCE_COLUMNS = ['ecopt_phase', 'ecopt_energy_method', 'ecopt_energy_sources', 'ecopt_uncertainty_rel', 'ecopt_net_energy_kwh', 'ecopt_digest'] as const;
export const CSV_COLUMNS = [...CODECARBON_COLUMNS, ...PROVENANCE_COLUMNS];

function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(r: EnergyReport): string {
  const gPerKWh = r.emissions.intensityGPerKWh * r.emissions.pue;
  const rows = (['training', 'inference'] as const).map((name) => {
    const p = r[name];
    const sum = (prefix: string) => p.domains.filter((d) => d.domain.startsWith(prefix)).reduce((a, d) => a + d.energyJ, 0);
    const kWh = p.energyKWh * r.emissions.pue;
    const emissionsKg = (p.energyKWh * gPerKWh) / 1000;
    const values: Record<string, string | number | null> = {
      timestamp: r.trial.finishedAt ?? r.generatedAt,
      project_name: r.study.name,
      run_id: `${r.study.name}/trial-${r.trial.number}/${name}`,
      experiment_id: r.study.name,
      duration: p.durationS,
      emissions: emissionsKg,
      emissions_rate: p.durationS > 0 ? emissionsKg / p.durationS : 0,
      cpu_power: p.durationS > 0 ? sum('cpu') / p.durationS : 0,
      gpu_power: p.durationS > 0 ? sum('gpu') / p.durationS : 0,
      ram_power: p.durationS > 0 ? sum('dram') / p.durationS : 0,
      cpu_energy: sum('cpu') / 3.6e6,
      gpu_energy: sum('gpu') / 3.6e6,
      ram_energy: sum('dram') / 3.6e6,
      energy_consumed: kWh,
      country_name: r.emissions.country,
      country_iso_code: r.emissions.iso3,
      region: null,
      cloud_provider: null,
      cloud_region: null,
      os: r.software.os ?? null,
      python_version: null,
      codecarbon_version: null,
      cpu_count: r.hardware.cpu_logical_cores ?? null,
      cpu_model: r.hardware.cpu_model ?? null,
      gpu_count: p.domains.filter((d) => d.domain.startsWith('gpu')).length,
      gpu_model: null,
      longitude: null,
      latitude: null,
      ram_total_size: r.hardware.memory_gib ?? null,
      tracking_mode: 'machine',
      on_cloud: 'N',
      pue: r.emissions.pue,
      ecopt_phase: name,
      ecopt_energy_method: p.method,
      ecopt_energy_sources: [...new Set(p.domains.map((d) => `${d.domain}:${d.provenance.source}`))].join(';'),
      ecopt_uncertainty_rel: p.uncertaintyRel,
      ecopt_net_energy_kwh: p.netEnergyKWh,
      ecopt_digest: r.digest.value,
    };
    return CSV_COLUMNS.map((c) => cell(values[c] ?? null)).join(',');
  });
  return `${CSV_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}
