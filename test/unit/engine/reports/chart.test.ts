/** The PDF's charts: tick labels inside the frame, the chosen model's label clear of the front, every shaded area in the legend. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { drawFrontier, drawPayback, energyAxisTicks, PAYBACK_HEIGHT, paybackHeight, placeLabel, segmentCrossesBox, tickLabelLeft, type FrontierPoint } from '../../../../src-main/engine/reports/render/chart';
import type { PaybackResult } from '../../../../src-main/shared/payback';
import { tmpDir } from '../../../helpers/tmp';

/** The walk's payback: trial 7 against trial 14, paying back after 20.1 million predictions. */
const payback = {
  chosenTrial: 7,
  referenceTrial: 14,
  referenceReason: 'the most accurate trial',
  chosenJPerPrediction: 171e-6,
  referenceJPerPrediction: 298e-6,
  savedJPerPrediction: 127e-6,
  extraJPerPrediction: 0,
  savedSpreadJ: 61.7e-6,
  savedRel: 0.43,
  spreadKnown: true,
  campaignEnergyJ: 2550,
  verdict: 'pays-back',
  predictions: 20.1e6,
  interval: { low: 13.5e6, high: 39.1e6 },
  accuracyGainPoints: -1.6,
  carbon: null,
  text: { saved: '127 µJ', campaign: '2.55 kJ', predictions: '20.1 million', interval: '13.5 million to 39.1 million' },
  sentence: '',
} satisfies PaybackResult;

/** Each word pdftotext finds on the page, with its box in PDF points from the top left (as pdfkit draws). */
async function words(draw: (doc: PDFKit.PDFDocument) => void): Promise<{ text: string; xMin: number; xMax: number; yMin: number; yMax: number }[]> {
  const doc = new PDFDocument({ size: 'A4', margin: 50 });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  draw(doc);
  doc.end();
  const path = join(tmpDir(), 'chart.pdf');
  writeFileSync(path, await done);
  const html = execFileSync('pdftotext', ['-bbox', path, '-'], { encoding: 'utf8' });
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({ xMin: +m[1]!, yMin: +m[2]!, xMax: +m[3]!, yMax: +m[4]!, text: m[5]! }));
}

describe('the PDF payback chart', () => {
  it('keeps its last tick label ("40,000,000") inside the frame, writes zero "0", and names the shaded payback interval in its legend', async () => {
    // drawn at x 50, 495 wide: the frame runs from 105 to 535
    const w = await words((doc) => drawPayback(doc, 50, 50, 495, payback));
    const last = w.find((x) => x.text === '40,000,000')!;
    expect(last).toBeDefined();
    expect(last.xMax).toBeLessThanOrEqual(535.5);
    expect(w.some((x) => x.text === 'kJ' && w.some((y) => y.text === '0' && Math.abs(y.yMin - x.yMin) < 1))).toBe(false);
    const text = w.map((x) => x.text).join(' ');
    expect(text).toContain('payback interval from the spreads: 13.5 million to 39.1 million');
    expect(energyAxisTicks(12_600).map((t) => t.label)).toEqual(['0', '5 kJ', '10 kJ']);
  });

  it('takes the height of a legend that wraps onto a second row, so the next heading is not drawn over it', async () => {
    // a new user's report (trial 1 against trial 15, 19.2 million to 71.1 million): the interval's
    // legend item goes on a second row, which ran into the next section's heading
    const walked = { ...payback, chosenTrial: 1, referenceTrial: 15, text: { ...payback.text, interval: '19.2 million to 71.1 million' } };
    const heights: number[] = [];
    for (const [p, rows] of [[{ ...payback, interval: null }, 1], [payback, 2], [walked, 2]] as const) {
      let height = 0;
      const w = await words((doc) => {
        height = paybackHeight(doc, 495, p);
        drawPayback(doc, 50, 50, 495, p);
      });
      heights.push(height);
      // the legend's rows: words below the x-axis title
      const title = w.find((x) => x.text === 'predictions')!;
      expect(new Set(w.filter((x) => x.yMin > title.yMax).map((x) => Math.round(x.yMin))).size).toBe(rows);
      expect(Math.max(...w.map((x) => x.yMax))).toBeLessThanOrEqual(50 + height);
    }
    expect(heights[1]! - heights[0]!).toBe(11);
    expect(heights[0]).toBeGreaterThanOrEqual(PAYBACK_HEIGHT);
  });

  it('centres a tick label on its tick unless that would pass the frame', () => {
    expect(tickLabelLeft(300, 40, 50, 535)).toBe(280);
    expect(tickLabelLeft(535, 40, 50, 535)).toBe(495);
    expect(tickLabelLeft(52, 40, 50, 535)).toBe(50);
  });
});

describe('the PDF frontier', () => {
  // the walk's chart: the chosen model on the front, the front running steeply down to its left and gently up to its right
  const frame = { x: 105, y: 66, w: 430, h: 175 };
  const anchor = { x: 150, y: 103 };
  const segments: [number, number, number, number][] = [
    [127, 178, 150, 103],
    [150, 103, 245, 92],
  ];
  const dots = [
    { x: 127, y: 178, r: 3 },
    { x: 245, y: 92, r: 3 },
    { x: 185, y: 110, r: 2.4 },
  ];
  const size = { w: 72, h: 9 };

  it('puts the chosen model\'s label where no front line strikes it through, inside the frame', () => {
    // where it used to go: right of the point, level with it, across the front's next segment
    const old = { x: anchor.x + 8, y: anchor.y - 3.5, w: 80, h: 9 };
    expect(segments.some((s) => segmentCrossesBox(...s, old))).toBe(true);
    const at = placeLabel(anchor, size, frame, segments, dots);
    const box = { x: at.x, y: at.y, ...size };
    expect(segments.some((s) => segmentCrossesBox(...s, box))).toBe(false);
    expect(box.x).toBeGreaterThanOrEqual(frame.x);
    expect(box.x + box.w).toBeLessThanOrEqual(frame.x + frame.w);
    expect(box.y + box.h).toBeLessThanOrEqual(frame.y + frame.h);
    for (const d of dots) expect(d.x >= box.x && d.x <= box.x + box.w && d.y >= box.y && d.y <= box.y + box.h).toBe(false);
  });

  it('stands the label off with a leader when the places beside the point are taken', () => {
    // a crowd of trials all round the point, level with it: only above or below it, further off, is clear
    const crowd: { x: number; y: number; r: number }[] = [];
    for (let x = 60; x <= 240; x += 6) for (let y = 68; y <= 92; y += 4) if (Math.hypot(x - 150, y - 80) > 7) crowd.push({ x, y, r: 2.4 });
    const at = placeLabel({ x: 150, y: 80 }, size, { ...frame, y: 30 }, [], crowd);
    expect(at.leader).not.toBeNull();
    for (const d of crowd) expect(d.x >= at.x - 2 && d.x <= at.x + size.w + 2 && d.y >= at.y - 2 && d.y <= at.y + size.h + 2).toBe(false);
    const [x1, y1] = at.leader!;
    // the leader starts on the chosen model's ring (radius 6)
    expect(Math.hypot(x1 - 150, y1 - 80)).toBeCloseTo(6, 5);
  });

  it('draws a report\'s frontier with the label and the legend', async () => {
    const points: FrontierPoint[] = [
      { trial: 13, value: 81.8, metric: 'accuracy', jPerSample: 149e-6, onFront: true, chosen: false },
      { trial: 7, value: 90.5, metric: 'accuracy', jPerSample: 171e-6, onFront: true, chosen: true },
      { trial: 14, value: 92, metric: 'accuracy', jPerSample: 298e-6, onFront: true, chosen: false },
      { trial: 3, value: 88.2, metric: 'accuracy', jPerSample: 346e-6, onFront: false, chosen: false },
      { trial: 2, value: 89.1, metric: 'accuracy', jPerSample: 1.08e-3, onFront: false, chosen: false },
    ];
    const text = (await words((doc) => drawFrontier(doc, 50, 50, 495, points))).map((x) => x.text).join(' ');
    expect(text).toContain('trial 7 (this report)');
    expect(text).toContain('the model of this report');
    expect(text).toContain('validation accuracy');
    // a command's figures are its own (walk 50: the axis said validation accuracy)
    const command = (await words((doc) => drawFrontier(doc, 50, 50, 495, points, true))).map((x) => x.text).join(' ');
    expect(command).toContain('accuracy, as the training command reported it');
    expect(command).not.toContain('validation');
  });
});
