/**
 * The report as a PDF (pdfkit, standard fonts embedded by the viewer, nothing downloaded):
 * summary, energy tables, the frontier plot as an image, emissions, SCI, methodology, the GPAI
 * form rows and the digest.
 */
import PDFDocument from 'pdfkit';
import { formatSi } from '../../../shared/format';
import type { EnergyReport } from '../../../shared/report';
import { frontierPng, type FrontierPoint } from './png';
import { gpaiRows, grams, kwh, methodLabel, uncertainty } from './text';

/** Helvetica in PDF covers WinAnsi only: spell out what it lacks. */
export function pdfSafe(s: string): string {
  return s
    .replace(/≤/g, '<=')
    .replace(/≥/g, '>=')
    .replace(/−/g, '-')
    .replace(/→/g, '->')
    .replace(/↑/g, '(up)')
    .replace(/↓/g, '(down)')
    .replace(/[₀-₉]/g, (c) => String(c.charCodeAt(0) - 0x2080))
    .replace(/[^\x20-\x7e\xa0-\xff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac\n]/g, '?');
}

export function renderPdf(r: EnergyReport, frontier: FrontierPoint[], options: { creationDate?: Date } = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Energy report: ${r.study.name}, trial ${r.trial.number}`, Author: `ECOpt ${r.generator.version}`, CreationDate: options.creationDate ?? new Date(r.generatedAt) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

  const h1 = (t: string) => doc.moveDown(0.6).font('Helvetica-Bold').fontSize(13).fillColor('#1d3b2a').text(pdfSafe(t), left).moveDown(0.3);
  const para = (t: string) => doc.font('Helvetica').fontSize(9.5).fillColor('black').text(pdfSafe(t), left, undefined, { width });
  const table = (rows: [string, string][], keyWidth = 170) => {
    doc.fontSize(9);
    for (const [k, v] of rows) {
      const key = pdfSafe(k);
      const val = pdfSafe(v);
      const h = Math.max(doc.font('Helvetica-Bold').heightOfString(key, { width: keyWidth - 8 }), doc.font('Helvetica').heightOfString(val, { width: width - keyWidth }));
      if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
      const y = doc.y;
      doc.font('Helvetica-Bold').text(key, left, y, { width: keyWidth - 8 });
      doc.font('Helvetica').text(val, left + keyWidth, y, { width: width - keyWidth });
      doc.y = y + h + 3;
      doc.moveTo(left, doc.y - 1.5).lineTo(left + width, doc.y - 1.5).strokeColor('#dddddd').lineWidth(0.5).stroke();
    }
  };

  doc.font('Helvetica-Bold').fontSize(18).fillColor('#1d3b2a').text(pdfSafe(`Energy report: ${r.study.name}, trial ${r.trial.number}`));
  doc.font('Helvetica').fontSize(9).fillColor('#555555').text(pdfSafe(`Generated ${r.generatedAt} by ECOpt ${r.generator.version} - report schema ${r.schema} v${r.version}`));

  h1('Summary');
  table([
    ['Training energy', `${kwh(r.training.energyKWh)} = ${r.training.energyMWh2sf} MWh (2 s.f.) - ${methodLabel(r.training)}`],
    ['Inference energy', `${formatSi(r.inference.jPerSample, 'J')} per inference; ${formatSi(r.inference.jPer1000, 'J')} per 1,000; ${r.inference.samplesPerJ.toPrecision(4)} inferences per joule - ${methodLabel(r.inference)}`],
    ['Training emissions', `${grams(r.emissions.trainingG)} (${r.emissions.intensityGPerKWh} gCO2e/kWh, ${r.emissions.country}${r.emissions.year ? ` ${r.emissions.year}` : ''}, PUE ${r.emissions.pue})`],
    ['SCI', `${grams(r.sci.scoreG)} per ${r.sci.functionalUnit.replace('-', ' ')} (${r.sci.formula}; M ${r.sci.embodiedStated ? `${r.sci.embodiedG} g` : 'not included'})`],
    ['Accuracy (validation)', r.trial.metrics.accuracy === undefined ? '-' : `${(r.trial.metrics.accuracy * 100).toFixed(2)}%`],
    ...(r.pareto ? ([['Trade-off', r.pareto.sentence]] as [string, string][]) : []),
  ]);

  if (frontier.length > 0) {
    h1('Accuracy against inference energy (all complete trials)');
    const { png, axes } = frontierPng(frontier);
    const imgW = width;
    const imgH = (imgW * 420) / 760;
    if (doc.y + imgH + 30 > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y0 = doc.y;
    doc.image(png, left, y0, { width: imgW });
    doc.font('Helvetica').fontSize(8).fillColor('#333333');
    doc.text(pdfSafe(`${formatSi(10 ** axes.xMin, 'J')}`), left, y0 + imgH + 2, { width: 100 });
    doc.text(pdfSafe(`${formatSi(10 ** axes.xMax, 'J')}`), left + imgW - 100, y0 + imgH + 2, { width: 100, align: 'right' });
    doc.text('inference energy per sample (log scale)', left + imgW / 2 - 100, y0 + imgH + 2, { width: 200, align: 'center' });
    doc.text(`accuracy ${(axes.yMax * 100).toFixed(1)}%`, left + 4, y0 + 2);
    doc.text(`${(axes.yMin * 100).toFixed(1)}%`, left + 4, y0 + imgH - 12);
    doc.y = y0 + imgH + 16;
    para('Green: the Pareto front. Red ring: the model this report is about. Grey: other complete trials.');
  }

  h1('Energy by phase');
  table([
    ['Training', `${kwh(r.training.energyKWh)} this model's own (whole machine ${formatSi(r.training.grossEnergyJ, 'J')}); ${r.training.netEnergyKWh === null ? 'net of idle not computed' : `${kwh(r.training.netEnergyKWh)} net of idle`}; ${r.training.durationS.toFixed(2)} s wall-clock, ${r.training.hardwareTimeS.toFixed(2)} processor-s; ${r.training.flops.toExponential(3)} FLOP; ${uncertainty(r.training.uncertaintyRel)}`],
    ['Inference benchmark', `${kwh(r.inference.energyKWh)} this model's own (whole machine ${formatSi(r.inference.grossEnergyJ, 'J')}); ${r.inference.netEnergyKWh === null ? 'net of idle not computed' : `${kwh(r.inference.netEnergyKWh)} net of idle`}; ${r.inference.samples} samples, batch ${r.inference.batchSize ?? '?'}, ${r.inference.repeats ?? '?'} repeats over ${r.inference.durationS.toFixed(2)} s; ${r.inference.flops.toExponential(3)} FLOP; ${uncertainty(r.inference.uncertaintyRel)}`],
    ...[...r.training.domains.map((d) => ['training', d] as const), ...r.inference.domains.map((d) => ['inference', d] as const)].map(([phase, d]): [string, string] => [
      `${phase}: ${d.domain}`,
      `${d.attributedEnergyJ === null ? '' : `${formatSi(d.attributedEnergyJ, 'J')} own of `}${formatSi(d.energyJ, 'J')} machine${d.netEnergyJ === null ? '' : ` (net ${formatSi(d.netEnergyJ, 'J')})`}${d.unreliable ? ' - UNRELIABLE (see flags)' : ''} - ${d.provenance.method === 'measured' ? `measured by ${d.provenance.source}: ${d.provenance.counter}` : `ESTIMATED by ${d.provenance.source}: ${d.provenance.model}, +/-${(d.provenance.uncertaintyRel * 100).toFixed(0)}%`}`,
    ]),
    ['Boundary', r.boundary.description],
    ...[...r.training.flags.map((f) => ['training', f] as const), ...r.inference.flags.map((f) => ['inference', f] as const)].map(([phase, f]): [string, string] => [`Warning (${phase})`, `${f.kind}: ${f.message}`]),
    ['Idle baseline', r.idleBaseline ? `${r.idleBaseline.durationS.toFixed(1)} s: ${Object.entries(r.idleBaseline.powerW).map(([d, w]) => `${d} ${w.toFixed(2)} W`).join(', ')}` : 'not measured: gross figures only'],
  ]);

  h1('Emissions and SCI');
  table([
    ['Grid carbon intensity', `${r.emissions.intensityGPerKWh} gCO2e/kWh - ${r.emissions.country}${r.emissions.iso3 ? ` (${r.emissions.iso3})` : ''}${r.emissions.year ? `, ${r.emissions.year}` : ''}${r.emissions.origin === 'world-fallback' ? ' - WORLD FALLBACK, no country given' : ''}`],
    ['Basis and source', `${r.emissions.basis}. ${r.emissions.source} (${r.emissions.licence}).`],
    ['Training emissions', grams(r.emissions.trainingG)],
    ['Inference, per 1,000', grams(r.emissions.inferencePer1000G)],
    ['SCI', `E = ${kwh(r.sci.energyKWh)}, I = ${r.sci.intensityGPerKWh.toPrecision(4)} g/kWh incl. PUE, M = ${r.sci.embodiedStated ? `${r.sci.embodiedG} g` : 'not included'}, R = 1 ${r.sci.functionalUnit.replace('-', ' ')} -> ${grams(r.sci.scoreG)}`],
  ]);

  h1('Model, software and hardware');
  table([
    ['Study', `${r.study.name}, created ${r.study.createdAt}; ${r.study.model} on ${r.study.dataset}; sampler ${r.study.sampler}; trials: ${Object.entries(r.study.trials).map(([k, v]) => `${v} ${k}`).join(', ')}`],
    ['Parameters', Object.entries(r.trial.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')],
    ['Software', Object.entries(r.software).map(([k, v]) => `${k} ${v}`).join('; ')],
    ['Hardware', Object.entries(r.hardware).map(([k, v]) => `${k}: ${v}`).join('; ')],
    ['Meters', r.meters.map((m) => `${m.id} (${m.status}): ${m.detail}`).join(' | ')],
  ]);

  h1('Methodology');
  for (const m of r.methodology) para(`- ${m}`);

  h1('GPAI Code of Practice - Model Documentation Form, energy rows');
  table(gpaiRows(r));

  h1('Verification');
  para(`Measurement digest (${r.digest.algorithm}, ${r.digest.rows} rows): ${r.digest.value}. Check with: ecopt verify report.json --db <study database>.`);
  doc.end();
  return done;
}
