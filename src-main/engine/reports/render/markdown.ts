/** The report as Markdown, with the GPAI form rows as a table; numbers in SI prefixes and plain decimals. */
import type { EnergyReport, PhaseFigures } from '../../../shared/report';
import { datasetText } from '../../../shared/spec';
import { durationText, energyText, flopsText, gramsText, plainNumber } from '../units';
import { OWN_VS_NET, pueText, idleHostText, emissionsUncertainty, gpaiIdentity, qualityRows, batchRepeatsText, selectionText, commandRows, campaignRows, dataRows, modelFingerprint, gpaiRows, hardwareRows, methodLabel, noInference, paybackRows, perJouleText, remeasuredNote, uncertainty, unitWords } from './text';

function table(headers: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function renderGpaiMarkdown(r: EnergyReport): string {
  return `## GPAI Code of Practice — Model Documentation Form, energy rows\n\n${gpaiIdentity(r)}\n\n${table(['Field', 'Value'], gpaiRows(r))}\n`;
}

export function renderMarkdown(r: EnergyReport): string {
  const phaseRows = (name: string, p: PhaseFigures) => [
    name,
    energyText(p.energyJ),
    energyText(p.grossEnergyJ),
    p.netEnergyKWh === null ? '—' : energyText(p.netEnergyKWh * 3.6e6),
    durationText(p.durationS),
    p.flops === null ? 'not known' : flopsText(p.flops),
    methodLabel(p),
  ];
  const inf = r.inference;
  const domainRows = [...r.training.domains.map((d) => ['training', d] as const), ...(inf?.domains ?? []).map((d) => ['inference', d] as const)].map(([phase, x]) => {
    const p = x.provenance;
    return [
      phase,
      x.domain,
      x.attributedEnergyJ === null ? '—' : energyText(x.attributedEnergyJ) + (x.unreliable ? ' ⚠ unreliable' : ''),
      energyText(x.energyJ),
      x.netEnergyJ === null ? '—' : energyText(x.netEnergyJ),
      p.method === 'measured' ? `measured: ${p.source}, ${p.counter}` : `estimated: ${p.source}, ${p.model}, ±${(p.uncertaintyRel * 100).toFixed(0)}%`,
    ];
  });
  const e = r.emissions;
  const d = r.document;
  return [
    `# Energy report — ${r.study.name}, trial ${r.trial.number}`,
    '',
    `Generated ${r.generatedAt} by ECOpt ${r.generator.version}. Report schema ${r.schema} v${r.version}.`,
    ...(d.owner || d.organisation ? ['', `Report owner: ${d.owner ?? '—'}${d.organisation ? `, ${d.organisation}` : ''}. Date: ${d.date}.`] : []),
    '',
    '## Developing this model',
    '',
    table(['Figure', 'Value'], campaignRows(r)),
    '',
    '## Payback: did the search pay for itself?',
    '',
    table(['Figure', 'Value'], paybackRows(r)),
    '',
    '## Model',
    '',
    table(
      ['Field', 'Value'],
      [
        ['Study', `${r.study.name} (created ${r.study.createdAt})`],
        ['Model family', r.study.model],
        ['Dataset', datasetText(r.study.dataset)],
        ...dataRows(r),
        ['Parameters', Object.entries(r.trial.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')],
        ['Trainable parameters', r.trial.paramCount === null ? '—' : plainNumber(r.trial.paramCount, 6)],
        modelFingerprint(r),
        ...qualityRows(r, '—'),
        ...commandRows(r),
        ['Backend', r.trial.backend ?? '—'],
        ['Software', Object.entries(r.software).map(([k, v]) => `${k} ${v}`).join('; ')],
      ],
    ),
    '',
    '## Hardware',
    '',
    table(['Component', 'Value'], hardwareRows(r)),
    '',
    '## Energy of this model, by phase',
    '',
    table(['Phase', 'This model (attributed)', 'Whole machine', 'Net of idle', 'Duration', 'Compute', 'How obtained'], [phaseRows('Training', r.training), inf ? phaseRows('Inference benchmark', inf) : ['Inference benchmark', 'not applicable', 'not applicable', '—', '—', '—', noInference(r)]]),
    '',
    `Training energy: **${energyText(r.training.energyJ)}** (${r.training.energyMWh2sf} MWh to two significant figures, as the GPAI form asks). ` +
      (inf
        ? `Inference: **${energyText(inf.jPerSample)} per prediction**${remeasuredNote(inf)}, ${perJouleText(inf.samplesPerJ, 'predictions')}, ${energyText(inf.jPer1000)} per 1,000 predictions (${plainNumber(inf.samples, 12)} predictions, ${batchRepeatsText(inf)}, spread ${inf.spreadRel === null ? 'not measured' : `±${(inf.spreadRel * 100).toFixed(1)}%`} between blocks of repeats).`
        : `Inference: ${noInference(r)}.`),
    '',
    OWN_VS_NET,
    '',
    '### Per domain',
    '',
    table(['Phase', 'Domain', 'This model', 'Whole machine', 'Net of idle', 'Provenance'], domainRows),
    '',
    r.idleBaseline
      ? `Idle baseline${idleHostText(r)}: ${durationText(r.idleBaseline.durationS)}, ${Object.entries(r.idleBaseline.powerW).map(([dm, w]) => `${dm} ${plainNumber(w, 3)} W`).join(', ')}.`
      : 'No idle baseline was measured; figures are gross.',
    '',
    `Boundary: ${r.boundary.description}.`,
    // training and inference may raise the same flag (a baseline under load): one line each
    ...(r.training.flags.length || inf?.flags.length
      ? ['', 'Self-check flags:', ...new Set([...r.training.flags, ...(inf?.flags ?? [])].map((f) => `- ${f.kind}${f.domain === '*' ? '' : ` (${f.domain})`}: ${f.message}`))]
      : []),
    '',
    '## Energy sources',
    '',
    ...r.meters.map((m) => `- ${m.words}`),
    '',
    '## Emissions',
    '',
    table(
      ['Figure', 'Value'],
      [
        ['Grid carbon intensity', `${e.intensityGPerKWh} gCO2e/kWh — ${e.country}${e.iso3 ? ` (${e.iso3})` : ''}${e.year ? `, ${e.year}` : ''}`],
        ['Basis', e.basis],
        ['Source', `${e.source} (${e.licence})${e.origin === 'world-fallback' ? ' — WORLD FALLBACK: no country was given' : ''}`],
        ['PUE', pueText(e.pue)],
        ['Whole campaign', `${gramsText(e.campaignG)}${emissionsUncertainty(r.campaign)}`],
        ['Training of this model', `${gramsText(e.trainingG)}${emissionsUncertainty(r.training)}`],
        ['Inference per 1,000 predictions', e.inferencePer1000G === null || !inf ? noInference(r) : `${gramsText(e.inferencePer1000G)}${emissionsUncertainty(inf)}`],
      ],
    ),
    '',
    `## Software Carbon Intensity (ISO/IEC 21031:2024)`,
    '',
    `${r.sci.text} **SCI = ${gramsText(r.sci.scoreG)} per ${unitWords(r.sci.functionalUnit)}**.`,
    '',
    ...(selectionText(r) ? ['## Why this model', '', selectionText(r)!, ''] : []),
    ...(r.pareto ? ['## Pareto context', '', r.pareto.sentence, ''] : []),
    '## Methodology',
    '',
    ...r.methodology.map((m) => `- ${m}`),
    '',
    renderGpaiMarkdown(r),
    `Measurement digest: ${r.digest.algorithm} ${r.digest.value} over ${r.digest.rows} rows — check with \`ecopt verify energy-report.json --db <study.db>\` (for a shared study, \`--storage <its postgresql:// URL>\`).`,
    '',
    `Uncertainty of the totals: training ${uncertainty(r.training.uncertaintyRel)}, inference ${inf ? uncertainty(inf.uncertaintyRel) : 'not applicable (no inference benchmark)'}.`,
    '',
    '## Sign-off',
    '',
    table(['', ''], [
      ['Report owner', d.owner ?? ''],
      ['Organisation', d.organisation ?? ''],
      ['Date of the report', d.date],
      ['Reviewed and approved by', d.approver ?? ''],
      ['Signature and date', ''],
    ]),
    '',
  ].join('\n');
}
