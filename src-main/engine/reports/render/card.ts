/**
 * The Hugging Face model card's `co2_eq_emissions` block (grams), for the card's YAML header.
 * Fallbacks and assumptions are flagged twice: in `source`, which the Hub shows, and as YAML
 * comments above the block, which a person editing the card sees.
 */
import type { EnergyReport } from '../../../shared/report';
import { energyText, gramsText } from '../units';

function yamlString(s: string): string {
  return JSON.stringify(s);
}

export function renderModelCard(r: EnergyReport): string {
  const c = r.modelCard;
  const flagged = c.notes.length ? `; NOTE: ${c.notes.join('; ')}` : '';
  return [
    `# Energy of training trial ${r.trial.number} of the ECOpt study "${r.study.name}" (${energyText(r.training.energyJ)}); emissions below in grams of CO2e, as Hugging Face's model card metadata counts them.`,
    `# Developing the model took the whole tuning campaign: ${energyText(r.campaign.energyJ)}, ${gramsText(r.campaign.emissionsG)}.`,
    ...c.notes.map((n) => `# ${n}`),
    'co2_eq_emissions:',
    `  emissions: ${Number(r.emissions.trainingG.toPrecision(6))}`,
    `  source: ${yamlString(`ECOpt ${r.generator.version} energy report (${r.training.method}; ${[...new Set(r.training.domains.map((d) => d.provenance.source))].join(', ')}); intensity ${r.emissions.intensityGPerKWh} g/kWh, ${r.emissions.country}${r.emissions.year ? ` ${r.emissions.year}` : ''}; PUE ${r.emissions.pue}${flagged}`)}`,
    `  training_type: ${yamlString(c.trainingType)}`,
    `  geographical_location: ${yamlString(r.emissions.origin === 'world-fallback' ? 'unknown (world average used)' : r.emissions.country)}`,
    `  hardware_used: ${yamlString(c.hardwareUsed)}`,
    '',
  ].join('\n');
}
