/**
 * The report as a PDF a compliance officer can file (pdfkit; standard fonts, nothing downloaded):
 * owner and date, what developing the model cost, the payback, the frontier and payback charts
 * drawn as vectors with labelled ticks, the chosen model's energy with its provenance, emissions
 * and SCI, hardware and meters in words, the GPAI form rows, the methodology, the digest and a
 * sign-off block. Numbers use SI prefixes and plain decimals; every page says "Page N of M"; a
 * section starts on a new page rather than leave its heading alone, and the last page carries
 * the whole verification and sign-off block.
 */
import PDFDocument from 'pdfkit';
import type { EnergyReport } from '../../../shared/report';
import { datasetText } from '../../../shared/spec';
import { durationText, energyText, flopsText, gramsText, plainNumber } from '../units';
import { drawFrontier, drawPayback, FRONTIER_HEIGHT, paybackHeight, type FrontierPoint } from './chart';
import { OWN_VS_NET, idleHostText, emissionsUncertainty, qualityRows, batchRepeatsText, selectionText, commandRows, campaignRows, dataRows, modelFingerprint, gpaiRows, hardwareRows, lowerBoundText, methodLabel, noInference, paybackRows, perJouleText, remeasuredNote, uncertainty, unitWords } from './text';

/** Helvetica in PDF covers WinAnsi only: spell out what it lacks. */
export function pdfSafe(s: string): string {
  return s
    .replace(/≤/g, '<=')
    .replace(/≥/g, '>=')
    .replace(/−/g, '-')
    .replace(/→/g, '->')
    .replace(/↑/g, '(up)')
    .replace(/↓/g, '(down)')
    .replace(/⚠/g, '(!)')
    .replace(/[₀-₉]/g, (c) => String(c.charCodeAt(0) - 0x2080))
    .replace(/[^\x20-\x7e\xa0-\xff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac\n]/g, '?');
}

const GREEN = '#1d3b2a';
const FOOTER_H = 30;

export function renderPdf(r: EnergyReport, frontier: FrontierPoint[], options: { creationDate?: Date } = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, left: 50, right: 50, bottom: 50 + FOOTER_H },
    bufferPages: true,
    info: {
      Title: `Energy report: ${r.study.name}, trial ${r.trial.number}`,
      Author: r.document.owner ?? `ECOpt ${r.generator.version}`,
      ...(r.document.organisation ? { Subject: `${r.document.organisation}: energy documentation` } : {}),
      Creator: `ECOpt ${r.generator.version}`,
      CreationDate: options.creationDate ?? new Date(r.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const room = () => bottom() - doc.y;
  const ensure = (h: number) => {
    if (room() < h) doc.addPage();
  };

  const tableHeight = (rows: [string, string][], keyWidth: number) => {
    doc.fontSize(9);
    return rows.reduce((a, [k, v]) => a + Math.max(doc.font('Helvetica-Bold').heightOfString(pdfSafe(k), { width: keyWidth - 8 }), doc.font('Helvetica').heightOfString(pdfSafe(v), { width: width - keyWidth })) + 3, 0);
  };
  /** A heading is kept with what follows it: at least `keep` points of it, or the whole of it when shorter. */
  const h1 = (t: string, keep = 90) => {
    doc.moveDown(0.6);
    ensure(24 + keep);
    doc.font('Helvetica-Bold').fontSize(13).fillColor(GREEN).text(pdfSafe(t), left).moveDown(0.3);
  };
  const para = (t: string, size = 9.5) => {
    doc.font('Helvetica').fontSize(size);
    ensure(Math.min(doc.heightOfString(pdfSafe(t), { width }), 40));
    doc.fillColor('black').text(pdfSafe(t), left, undefined, { width });
  };
  const table = (rows: [string, string][], keyWidth = 165) => {
    doc.fontSize(9);
    for (const [k, v] of rows) {
      const key = pdfSafe(k);
      const val = pdfSafe(v);
      const h = Math.max(doc.font('Helvetica-Bold').heightOfString(key, { width: keyWidth - 8 }), doc.font('Helvetica').heightOfString(val, { width: width - keyWidth }));
      ensure(h + 3);
      const y = doc.y;
      doc.font('Helvetica-Bold').fillColor('black').text(key, left, y, { width: keyWidth - 8 });
      doc.font('Helvetica').text(val, left + keyWidth, y, { width: width - keyWidth });
      doc.y = y + h + 3;
      doc.moveTo(left, doc.y - 1.5).lineTo(left + width, doc.y - 1.5).strokeColor('#dddddd').lineWidth(0.5).stroke();
    }
  };
  const section = (title: string, rows: [string, string][], keyWidth = 165) => {
    h1(title, Math.min(tableHeight(rows, keyWidth), 90));
    table(rows, keyWidth);
  };

  // title block: what, whose, when
  doc.font('Helvetica-Bold').fontSize(18).fillColor(GREEN).text(pdfSafe(`Energy report: ${r.study.name}, trial ${r.trial.number}`));
  doc.moveDown(0.2);
  doc.font('Helvetica').fontSize(9.5).fillColor('#333333');
  doc.text(pdfSafe(`Report owner: ${r.document.owner ?? 'not named'}${r.document.organisation ? `, ${r.document.organisation}` : ''} - date of the report: ${r.document.date}`));
  doc.fontSize(8.5).fillColor('#555555').text(pdfSafe(`Generated ${r.generatedAt} by ECOpt ${r.generator.version} (report schema v${r.version}). Energy is measured or estimated as stated beside each figure.`));

  const c = r.campaign;
  const inf = r.inference;
  section('Summary', [
    ['Developing this model', `${energyText(c.energyJ)}${lowerBoundText(c)} (${r.gpai.developmentEnergy.mwh2sf} MWh) for the whole tuning campaign of ${c.byState.complete.trials + c.byState.pruned.trials + c.byState.failed.trials + c.byState.interrupted.trials} trials; ${gramsText(r.emissions.campaignG)} - ${c.method} (${uncertainty(c.uncertaintyRel)})`],
    ['Training this model', `${energyText(r.training.energyJ)} = ${r.training.energyMWh2sf} MWh (2 significant figures) - ${methodLabel(r.training)}`],
    ['Inference', inf ? `${energyText(inf.jPerSample)} per prediction; ${energyText(inf.jPer1000)} per 1,000; ${perJouleText(inf.samplesPerJ, 'predictions')} - ${methodLabel(inf)}${remeasuredNote(inf)}` : noInference(r)],
    ['Emissions', `campaign ${gramsText(r.emissions.campaignG)}; training ${gramsText(r.emissions.trainingG)} (${r.emissions.intensityGPerKWh} gCO2e/kWh, ${r.emissions.country}${r.emissions.year ? ` ${r.emissions.year}` : ''}, PUE ${r.emissions.pue}), from the energy figures above, measured or estimated as they are`],
    ['SCI', `${gramsText(r.sci.scoreG)} per ${unitWords(r.sci.functionalUnit)}${r.sci.embodied.included ? '' : ' (embodied emissions excluded, see below)'} - E ${methodLabel(r.sci.functionalUnit === 'training-run' || !inf ? r.training : inf)}`],
    ...qualityRows(r, '-'),
    ...(selectionText(r) ? ([['Why this model', selectionText(r)!]] as [string, string][]) : []),
    ...(r.pareto ? ([['Trade-off', r.pareto.sentence]] as [string, string][]) : []),
    ...(r.payback ? ([['Payback', r.payback.sentence]] as [string, string][]) : []),
  ]);

  section('Developing this model: the whole tuning campaign', campaignRows(r));

  if (frontier.length > 0) {
    h1(`${frontier[0]!.metric === 'accuracy' ? 'Accuracy' : frontier[0]!.metric === 'rmse' ? 'Error (RMSE)' : 'Loss'} against inference energy (all complete trials)`, FRONTIER_HEIGHT);
    const y0 = doc.y;
    drawFrontier(doc, left, y0, width, frontier, r.trial.kind === 'command');
    doc.x = left;
    doc.y = y0 + FRONTIER_HEIGHT + 8;
  }

  if (r.payback) {
    const rows = paybackRows(r);
    const chartHeight = r.payback.verdict === 'same-model' ? 0 : paybackHeight(doc, width, r.payback);
    h1('Payback: did the search pay for itself?', tableHeight(rows, 165) + chartHeight);
    table(rows);
    if (chartHeight > 0) {
      doc.moveDown(0.5);
      ensure(chartHeight);
      const y0 = doc.y;
      drawPayback(doc, left, y0, width, r.payback);
      doc.x = left;
      doc.y = y0 + chartHeight + 8;
    }
  }

  section(`Energy of this model (trial ${r.trial.number}), by phase and domain`, [
    ['Training', `${energyText(r.training.energyJ)} this model's own (whole machine ${energyText(r.training.grossEnergyJ)}); ${r.training.netEnergyKWh === null ? 'net of idle not computed' : `${energyText(r.training.netEnergyKWh * 3.6e6)} net of idle`}; ${durationText(r.training.durationS)} wall-clock on ${r.training.processors.count} ${r.training.processors.kind}${r.training.processors.count > 1 ? 's' : ''}; compute ${r.training.flops === null ? 'not known' : flopsText(r.training.flops)}; ${uncertainty(r.training.uncertaintyRel)}`],
    ['Inference benchmark', inf ? `${energyText(inf.energyJ)} this model's own (whole machine ${energyText(inf.grossEnergyJ)}); ${inf.netEnergyKWh === null ? 'net of idle not computed' : `${energyText(inf.netEnergyKWh * 3.6e6)} net of idle`}; ${plainNumber(inf.samples, 6)} predictions, ${batchRepeatsText(inf)} over ${durationText(inf.durationS)}; compute ${inf.flops === null ? 'not known' : flopsText(inf.flops)}; spread ${inf.spreadRel === null ? 'not measured' : `±${(inf.spreadRel * 100).toFixed(1)}%`}; ${uncertainty(inf.uncertaintyRel)}` : noInference(r)],
    ...[...r.training.domains.map((d) => ['training', d] as const), ...(inf?.domains ?? []).map((d) => ['inference', d] as const)].map(([phase, d]): [string, string] => [
      `${phase}: ${d.domain}`,
      `${d.attributedEnergyJ === null ? '' : `${energyText(d.attributedEnergyJ)} own of `}${energyText(d.energyJ)} machine${d.netEnergyJ === null ? '' : ` (net ${energyText(d.netEnergyJ)})`}${d.unreliable ? ' - UNRELIABLE (see warnings)' : ''} - ${d.provenance.method === 'measured' ? `measured by ${d.provenance.source}: ${d.provenance.counter}` : `ESTIMATED by ${d.provenance.source}: ${d.provenance.model}, ±${(d.provenance.uncertaintyRel * 100).toFixed(0)}%`}`,
    ]),
    ['Own and net', OWN_VS_NET],
    ['Boundary', r.boundary.description],
    ...[...r.training.flags.map((f) => ['training', f] as const), ...(inf?.flags ?? []).map((f) => ['inference', f] as const)].map(([phase, f]): [string, string] => [`${f.kind === 'remeasured' ? 'Re-measured' : 'Warning'} (${phase})`, `${f.kind}: ${f.message}`]),
    [`Idle baseline${idleHostText(r)}`, r.idleBaseline ? `${durationText(r.idleBaseline.durationS)}: ${Object.entries(r.idleBaseline.powerW).map(([d, w]) => `${d} ${plainNumber(w, 3)} W`).join(', ')}` : 'not measured: gross figures only'],
  ]);

  const e = r.emissions;
  const emb = r.sci.embodied;
  section('Emissions and Software Carbon Intensity', [
    ['Grid carbon intensity', `${e.intensityGPerKWh} gCO2e/kWh - ${e.country}${e.iso3 ? ` (${e.iso3})` : ''}${e.year ? `, ${e.year}` : ''}${e.origin === 'world-fallback' ? ' - WORLD FALLBACK, no country given' : ''}`],
    ['Basis and source', `${e.basis}. ${e.source} (${e.licence}).`],
    ['Whole campaign', `${gramsText(e.campaignG)}${emissionsUncertainty(r.campaign)}`],
    ['Training of this model', `${gramsText(e.trainingG)}${emissionsUncertainty(r.training)}`],
    ['Inference, per 1,000', e.inferencePer1000G === null || !inf ? noInference(r) : `${gramsText(e.inferencePer1000G)}${emissionsUncertainty(inf)}`],
    ['SCI (ISO/IEC 21031:2024)', r.sci.text],
    ['E (energy incl. PUE)', `${energyText(r.sci.energyKWh * 3.6e6)} per ${unitWords(r.sci.functionalUnit)} = IT energy ${energyText(r.sci.itEnergyKWh * 3.6e6)} × PUE ${r.sci.pue}`],
    ['I (grid intensity)', `${plainNumber(r.sci.intensityGPerKWh, 7)} gCO2e/kWh; E × I = ${gramsText(r.sci.operationalG)}`],
    ['M (embodied)', emb.included ? `${gramsText(emb.embodiedG)} = TE ${gramsText(emb.totalG!)} × TR ${durationText(emb.timeReservedS!)} / EL ${plainNumber(emb.lifespanS! / (365.25 * 86400), 3)} years × RR/ToR ${plainNumber(emb.share!, 3)}` : `excluded: ${emb.excludedReason}`],
  ]);

  section('Model, software and hardware', [
    ['Study', `${r.study.name}, created ${r.study.createdAt}; ${r.study.model} on ${datasetText(r.study.dataset)}; sampler ${r.study.sampler}; trials: ${Object.entries(r.study.trials).map(([k, v]) => `${v} ${k}`).join(', ')}`],
    ...dataRows(r),
    ['Parameters', Object.entries(r.trial.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')],
    modelFingerprint(r),
    ...commandRows(r),
    ['Software', Object.entries(r.software).map(([k, v]) => `${k} ${v}`).join('; ')],
    ...hardwareRows(r),
  ]);

  section('Energy sources on the machine', r.meters.map((m): [string, string] => [m.id, m.words]), 110);

  section('GPAI Code of Practice - Model Documentation Form, energy and compute rows', gpaiRows(r));

  h1('Methodology', 60);
  for (const m of r.methodology) para(`- ${m}`, 9);

  // the verification and sign-off block stays whole, so the last page never holds a stray line
  const verification = `Measurement digest (${r.digest.algorithm}, ${r.digest.rows} rows): ${r.digest.value}. Anyone holding the study database can check that this report still matches it with ECOpt's verify command on the report's JSON twin (energy-report.json).`;
  doc.font('Helvetica').fontSize(9.5);
  const signH = 24 + doc.heightOfString(pdfSafe(verification), { width }) + 30 + 4 * 34 + 10;
  doc.moveDown(0.6);
  ensure(signH);
  h1('Verification and sign-off', 0);
  para(verification);
  doc.moveDown(0.8);
  const fields: [string, string][] = [
    ['Report owner', r.document.owner ?? ''],
    ['Organisation', r.document.organisation ?? ''],
    ['Reviewed and approved by', r.document.approver ?? ''],
    ['Signature and date', ''],
  ];
  for (const [k, v] of fields) {
    const y = doc.y;
    doc.font('Helvetica-Bold').fontSize(9.5).fillColor('black').text(pdfSafe(k), left, y + 10, { width: 160 });
    if (v) doc.font('Helvetica').text(pdfSafe(v), left + 170, y + 10, { width: width - 170 });
    doc.moveTo(left + 170, y + 24).lineTo(left + width, y + 24).strokeColor('#777777').lineWidth(0.6).stroke();
    doc.y = y + 34;
  }

  // page numbers, written into the footer once every page exists
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - 40;
    doc.font('Helvetica').fontSize(8).fillColor('#555555');
    doc.text(pdfSafe(`ECOpt energy report - ${r.study.name}, trial ${r.trial.number} - ${r.document.date}`), left, y, { width: width - 90, lineBreak: false });
    doc.text(`Page ${i + 1} of ${range.count}`, left + width - 90, y, { width: 90, align: 'right', lineBreak: false });
    doc.page.margins.bottom = saved;
  }
  doc.end();
  return done;
}
