/** The Hugging Face model card `co2_eq_emissions` block (grams), for the card's YAML header. */
import type { EnergyReport } from '../../../shared/report';

function yamlString(s: string): string {
  return JSON.stringify(s);
}

export function renderModelCard(r: EnergyReport): string {
  const hardware = [r.hardware.cpu_model, ...r.training.domains.filter((d) => d.domain.startsWith('gpu')).map((d) => d.domain)].filter(Boolean).join(', ');
  return [
    'co2_eq_emissions:',
    `  emissions: ${Number(r.emissions.trainingG.toPrecision(6))}`,
    `  source: ${yamlString(`ECOpt ${r.generator.version} energy report (${r.training.method}; ${[...new Set(r.training.domains.map((d) => d.provenance.source))].join(', ')}); intensity ${r.emissions.intensityGPerKWh} g/kWh, ${r.emissions.country}${r.emissions.year ? ` ${r.emissions.year}` : ''}; PUE ${r.emissions.pue}`)}`,
    '  training_type: "pre-training"',
    `  geographical_location: ${yamlString(r.emissions.country)}`,
    `  hardware_used: ${yamlString(hardware || 'unknown')}`,
    '',
  ].join('\n');
}
