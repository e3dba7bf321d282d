/** The report as Markdown, with the GPAI form rows as a table. */
import { formatSi } from '../../../shared/format';
import type { EnergyReport, PhaseFigures } from '../../../shared/report';
import { gpaiRows, grams, kwh, methodLabel, uncertainty } from './text';

function table(headers: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function renderGpaiMarkdown(r: EnergyReport): string {
  return `## GPAI Code of Practice — Model Documentation Form, energy rows\n\n${table(['Field', 'Value'], gpaiRows(r))}\n`;
}

export function renderMarkdown(r: EnergyReport): string {
  const phaseRows = (name: string, p: PhaseFigures) => [
    name,
    kwh(p.energyKWh),
    formatSi(p.grossEnergyJ, 'J'),
    p.netEnergyKWh === null ? '—' : kwh(p.netEnergyKWh),
    `${p.durationS.toFixed(2)} s`,
    `${p.flops.toExponential(3)}`,
    methodLabel(p),
  ];
  const domainRows = [...r.training.domains.map((d) => ['training', d]), ...r.inference.domains.map((d) => ['inference', d])].map(([phase, d]) => {
    const x = d as EnergyReport['training']['domains'][number];
    const p = x.provenance;
    return [
      phase as string,
      x.domain,
      x.attributedEnergyJ === null ? '—' : formatSi(x.attributedEnergyJ, 'J') + (x.unreliable ? ' ⚠ unreliable' : ''),
      formatSi(x.energyJ, 'J'),
      x.netEnergyJ === null ? '—' : formatSi(x.netEnergyJ, 'J'),
      p.method === 'measured' ? `measured: ${p.source}, ${p.counter}` : `estimated: ${p.source}, ${p.model}, ±${(p.uncertaintyRel * 100).toFixed(0)}%`,
    ];
  });
  const e = r.emissions;
  return [
    `# Energy report — ${r.study.name}, trial ${r.trial.number}`,
    '',
    `Generated ${r.generatedAt} by ECOpt ${r.generator.version}. Report schema ${r.schema} v${r.version}.`,
    '',
    '## Model',
    '',
    table(
      ['Field', 'Value'],
      [
        ['Study', `${r.study.name} (created ${r.study.createdAt})`],
        ['Model family', r.study.model],
        ['Dataset', r.study.dataset],
        ['Parameters', Object.entries(r.trial.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')],
        ['Trainable parameters', r.trial.paramCount === null ? '—' : String(r.trial.paramCount)],
        ['Accuracy (validation)', r.trial.metrics.accuracy === undefined ? '—' : `${(r.trial.metrics.accuracy * 100).toFixed(2)}%`],
        ['Backend', r.trial.backend ?? '—'],
        ['Software', Object.entries(r.software).map(([k, v]) => `${k} ${v}`).join('; ')],
        ['Hardware', Object.entries(r.hardware).map(([k, v]) => `${k}: ${v}`).join('; ')],
      ],
    ),
    '',
    '## Energy by phase',
    '',
    table(['Phase', 'This model (attributed)', 'Whole machine', 'Net of idle', 'Duration', 'FLOPs', 'How obtained'], [phaseRows('Training', r.training), phaseRows('Inference benchmark', r.inference)]),
    '',
    `Training energy: **${r.training.energyMWh2sf} MWh** (two significant figures). Inference: **${formatSi(r.inference.jPerSample, 'J')} per sample**, ${r.inference.samplesPerJ.toPrecision(4)} samples per joule, ${formatSi(r.inference.jPer1000, 'J')} per 1,000 samples (${r.inference.samples} samples, batch ${r.inference.batchSize ?? '?'}, ${r.inference.repeats ?? '?'} repeats, spread ${r.inference.repeatSpreadRel === null ? '—' : `±${(r.inference.repeatSpreadRel * 100).toFixed(1)}%`} between repeats).`,
    '',
    '### Per domain',
    '',
    table(['Phase', 'Domain', 'This model', 'Whole machine', 'Net of idle', 'Provenance'], domainRows),
    '',
    r.idleBaseline
      ? `Idle baseline: ${r.idleBaseline.durationS.toFixed(1)} s, ${Object.entries(r.idleBaseline.powerW).map(([d, w]) => `${d} ${w.toFixed(2)} W`).join(', ')}.`
      : 'No idle baseline was measured; figures are gross.',
    '',
    `Boundary: ${r.boundary.description}.`,
    ...(r.training.flags.length || r.inference.flags.length ? ['', 'Self-check flags:', ...[...r.training.flags, ...r.inference.flags].map((f) => `- ${f.kind} (${f.domain}): ${f.message}`)] : []),
    '',
    '## Emissions',
    '',
    table(
      ['Figure', 'Value'],
      [
        ['Grid carbon intensity', `${e.intensityGPerKWh} gCO2e/kWh — ${e.country}${e.iso3 ? ` (${e.iso3})` : ''}${e.year ? `, ${e.year}` : ''}`],
        ['Basis', e.basis],
        ['Source', `${e.source} (${e.licence})${e.origin === 'world-fallback' ? ' — WORLD FALLBACK: no country was given' : ''}`],
        ['PUE', String(e.pue)],
        ['Training emissions', grams(e.trainingG)],
        ['Inference emissions per 1,000 samples', grams(e.inferencePer1000G)],
      ],
    ),
    '',
    `## Software Carbon Intensity (ISO/IEC 21031:2024)`,
    '',
    `${r.sci.formula}, R = one ${r.sci.functionalUnit.replace('-', ' ')}: E = ${kwh(r.sci.energyKWh)}, I = ${r.sci.intensityGPerKWh.toPrecision(4)} g/kWh (incl. PUE), M = ${r.sci.embodiedStated ? `${r.sci.embodiedG} g` : 'not included'} → **SCI = ${grams(r.sci.scoreG)} per ${r.sci.functionalUnit.replace('-', ' ')}**.`,
    '',
    ...(r.pareto ? ['## Pareto context', '', r.pareto.sentence, ''] : []),
    '## Methodology',
    '',
    ...r.methodology.map((m) => `- ${m}`),
    '',
    renderGpaiMarkdown(r),
    `Measurement digest: ${r.digest.algorithm} ${r.digest.value} over ${r.digest.rows} rows — check with \`ecopt verify report.json --db <study.db>\`.`,
    '',
    `Uncertainty of the totals: training ${uncertainty(r.training.uncertaintyRel)}, inference ${uncertainty(r.inference.uncertaintyRel)}.`,
    '',
  ].join('\n');
}
