/**
 * The PDF's charts, drawn as vectors with labelled ticks: the frontier (accuracy against
 * inference energy per prediction, log scale) and the payback (cumulative energy against
 * predictions for the chosen and the reference model). Tick maths is pure and tested.
 */
import type { PaybackResult } from '../../../shared/payback';
import { energyText, plainNumber } from '../units';

export interface FrontierPoint {
  trial: number;
  /** The study's quality as the chart's y axis shows it: accuracy in %, or a regression's RMSE in the target's units. */
  value: number;
  metric: 'accuracy' | 'rmse' | 'loss';
  jPerSample: number;
  onFront: boolean;
  chosen: boolean;
}

/** Round tick values covering [min, max] with about `target` steps of 1, 2 or 5 × 10^k. */
export function linearTicks(min: number, max: number, target = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Ticks for a log axis over [min, max] (> 0): decades, or 1-2-5 within them, or 1…9 when the range is narrow. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > min)) return [min];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const pick = (mantissas: number[]) => {
    const out: number[] = [];
    for (let e = lo; e <= hi; e++) for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
    }
    return out;
  };
  for (const set of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const t = pick(set);
    if (t.length >= 3 && t.length <= 9) return t;
    if (t.length > 9) return set.length === 1 ? t.filter((_, i) => i % Math.ceil(t.length / 8) === 0) : pick([1]);
  }
  return [min, max];
}

/** One unit for a whole linear energy axis, chosen by its largest value, with round ticks in that unit: never kJ beside Wh. */
export function energyAxisTicks(maxJ: number, target = 5): { joules: number; label: string }[] {
  const units: [number, string][] =
    maxJ >= 36_000
      ? [
          [3.6e9, 'MWh'],
          [3.6e6, 'kWh'],
          [3600, 'Wh'],
        ]
      : [
          [1e3, 'kJ'],
          [1, 'J'],
          [1e-3, 'mJ'],
          [1e-6, 'µJ'],
        ];
  const [scale, unit] = units.find(([u]) => maxJ >= u) ?? units.at(-1)!;
  // zero is zero in any unit: "0", not "0 kJ"
  return linearTicks(0, maxJ / scale, target).map((v) => ({ joules: v * scale, label: v === 0 ? '0' : `${plainNumber(v, 3)} ${unit}` }));
}

/**
 * The left edge of an x tick label `width` wide, centred on its tick at `at` but kept within
 * [lo, hi]: the last label of an axis ending on a tick ("40,000,000") ends at the frame's edge
 * instead of overhanging it.
 */
export function tickLabelLeft(at: number, width: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(at - width / 2, hi - width));
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Whether the segment (x1, y1)–(x2, y2) passes through the box (Liang–Barsky clipping). */
export function segmentCrossesBox(x1: number, y1: number, x2: number, y2: number, b: Box): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const edges: [number, number][] = [
    [-dx, x1 - b.x],
    [dx, b.x + b.w - x1],
    [-dy, y1 - b.y],
    [dy, b.y + b.h - y1],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return false;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return false;
      if (r < t1) t1 = r;
    }
  }
  return t0 <= t1;
}

/**
 * Where a point's label goes: the first place around the point, nearest first and below-right
 * (the dominated side, away from the front) before the others, whose box stays inside the frame
 * and touches neither a line (`segments`) nor another point (`dots`). A label that stands off
 * the point gets a leader from the point's ring (`ring`: its radius) to the box.
 */
export function placeLabel(
  anchor: { x: number; y: number },
  size: { w: number; h: number },
  frame: Box,
  segments: readonly [number, number, number, number][],
  dots: readonly { x: number; y: number; r: number }[],
  ring = 6,
): { x: number; y: number; leader: [number, number, number, number] | null } {
  const { w, h } = size;
  const places = (d: number): Box[] => [
    { x: anchor.x + d, y: anchor.y + d * 0.5, w, h },
    { x: anchor.x + d, y: anchor.y - d * 0.5 - h, w, h },
    { x: anchor.x - d - w, y: anchor.y + d * 0.5, w, h },
    { x: anchor.x - d - w, y: anchor.y - d * 0.5 - h, w, h },
    { x: anchor.x + d, y: anchor.y - h / 2, w, h },
    { x: anchor.x - d - w, y: anchor.y - h / 2, w, h },
    { x: anchor.x - w / 2, y: anchor.y + d, w, h },
    { x: anchor.x - w / 2, y: anchor.y - d - h, w, h },
  ];
  const inside = (b: Box) => b.x >= frame.x + 1 && b.y >= frame.y + 1 && b.x + b.w <= frame.x + frame.w - 1 && b.y + b.h <= frame.y + frame.h - 1;
  const clear = (b: Box) =>
    !segments.some(([x1, y1, x2, y2]) => segmentCrossesBox(x1, y1, x2, y2, { x: b.x - 1, y: b.y - 1, w: b.w + 2, h: b.h + 2 })) &&
    !dots.some((p) => {
      const nx = Math.max(b.x, Math.min(p.x, b.x + b.w));
      const ny = Math.max(b.y, Math.min(p.y, b.y + b.h));
      return (nx - p.x) ** 2 + (ny - p.y) ** 2 < (p.r + 1.5) ** 2;
    });
  const distances = [ring + 2, ring + 14, ring + 30, ring + 50];
  let chosen: { box: Box; d: number } | null = null;
  for (const d of distances) {
    const b = places(d).find((c) => inside(c) && clear(c));
    if (b) {
      chosen = { box: b, d };
      break;
    }
  }
  // nowhere clear: the nearest place inside the frame, as before
  if (!chosen) chosen = { box: places(distances[0]!).find(inside) ?? places(distances[0]!)[0]!, d: distances[0]! };
  const b = chosen.box;
  let leader: [number, number, number, number] | null = null;
  if (chosen.d > distances[0]!) {
    const tx = Math.max(b.x, Math.min(anchor.x, b.x + b.w));
    const ty = Math.max(b.y, Math.min(anchor.y, b.y + b.h));
    const len = Math.hypot(tx - anchor.x, ty - anchor.y);
    if (len > ring) leader = [anchor.x + ((tx - anchor.x) / len) * ring, anchor.y + ((ty - anchor.y) / len) * ring, tx, ty];
  }
  return { x: b.x, y: b.y, leader };
}

type Doc = PDFKit.PDFDocument;
type Rgb = string;

interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** `left`: the chart's left edge, the furthest left an x tick label may start. */
function axes(doc: Doc, f: Frame, left: number, xTicks: { at: number; label: string }[], yTicks: { at: number; label: string }[], xTitle: string, yTitle: string): void {
  doc.save();
  doc.lineWidth(0.4).strokeColor('#dddddd');
  for (const t of yTicks) doc.moveTo(f.x, t.at).lineTo(f.x + f.w, t.at).stroke();
  for (const t of xTicks) doc.moveTo(t.at, f.y).lineTo(t.at, f.y + f.h).stroke();
  doc.lineWidth(0.8).strokeColor('#333333').rect(f.x, f.y, f.w, f.h).stroke();
  doc.font('Helvetica').fontSize(7.5).fillColor('#333333');
  for (const t of xTicks) {
    doc.moveTo(t.at, f.y + f.h).lineTo(t.at, f.y + f.h + 3).stroke();
    const w = doc.widthOfString(t.label);
    doc.text(t.label, tickLabelLeft(t.at, w, left, f.x + f.w), f.y + f.h + 5, { width: w + 2, align: 'left', lineBreak: false });
  }
  for (const t of yTicks) {
    doc.moveTo(f.x - 3, t.at).lineTo(f.x, t.at).stroke();
    doc.text(t.label, f.x - 52, t.at - 3.5, { width: 47, align: 'right', lineBreak: false });
  }
  doc.fontSize(8.5).fillColor('black');
  doc.text(xTitle, f.x, f.y + f.h + 18, { width: f.w, align: 'center', lineBreak: false });
  // the y title stands above the axis rather than rotated beside it: nothing to overlap the tick labels
  doc.text(yTitle, f.x - 52, f.y - 14, { width: 250, align: 'left', lineBreak: false });
  doc.restore();
}

/** Height the frontier chart takes, labels included. */
export const FRONTIER_HEIGHT = 225;

/** `command`: the figures are a training command's own (walk 50: its axis said validation accuracy, a split ECOpt does not know). */
export function drawFrontier(doc: Doc, x: number, y: number, width: number, points: FrontierPoint[], command = false): void {
  const f: Frame = { x: x + 55, y: y + 16, w: width - 65, h: FRONTIER_HEIGHT - 50 };
  const js = points.map((p) => p.jPerSample);
  let xMin = Math.min(...js);
  let xMax = Math.max(...js);
  if (xMax / xMin < 1.5) [xMin, xMax] = [xMin / 1.25, xMax * 1.25];
  const lx0 = Math.log10(xMin) - 0.05 * Math.log10(xMax / xMin);
  const lx1 = Math.log10(xMax) + 0.05 * Math.log10(xMax / xMin);
  const values = points.map((p) => p.value);
  let yMin = Math.min(...values);
  let yMax = Math.max(...values);
  if (yMax - yMin < 1) [yMin, yMax] = [yMin - 1, yMax + 1];
  const pad = (yMax - yMin) * 0.08;
  const percent = (points[0]?.metric ?? 'accuracy') === 'accuracy';
  const top = percent ? 100 : Infinity;
  yMin = Math.max(0, yMin - pad);
  yMax = Math.min(top, yMax + pad);
  // the axis ends on a labelled tick above the highest point, so that point and its label sit
  // inside the frame with a tick above them, not on the frame's top edge under a lower tick
  const step0 = linearTicks(yMin, yMax, 5);
  if (step0.length >= 2 && step0.at(-1)! < yMax) yMax = Math.min(top, step0.at(-1)! + (step0[1]! - step0[0]!));
  // and on one below the lowest point (walk 41: RMSEs of 8.7k–9.5k under a lowest tick of 10,000)
  if (step0.length >= 2 && step0[0]! > yMin) yMin = Math.max(0, step0[0]! - (step0[1]! - step0[0]!));
  const px = (j: number) => f.x + ((Math.log10(j) - lx0) / (lx1 - lx0)) * f.w;
  const py = (a: number) => f.y + f.h - ((a - yMin) / (yMax - yMin)) * f.h;
  const xTicks = logTicks(10 ** lx0, 10 ** lx1).map((v) => ({ at: px(v), label: energyText(v, 2) }));
  const yTicks = linearTicks(yMin, yMax, 5).map((v) => ({ at: py(v), label: `${plainNumber(v, 3)}${percent ? '%' : ''}` }));
  const what = percent ? 'accuracy' : `${points[0]!.metric === 'rmse' ? 'RMSE' : 'loss'} (lower is better)`;
  axes(doc, f, x, xTicks, yTicks, 'inference energy per prediction (log scale)', command ? `${what}, as the training command reported it` : `validation ${what}`);
  doc.save();
  const front = points.filter((p) => p.onFront).sort((a, b) => a.jPerSample - b.jPerSample);
  if (front.length > 1) {
    doc.lineWidth(1.4).strokeColor('#2e8b57');
    // a staircase, as the app draws it: between two front models no model is known to reach the
    // diagonal, only the steps (across at the lower accuracy, then up at the higher energy)
    doc.moveTo(px(front[0]!.jPerSample), py(front[0]!.value));
    front.slice(1).forEach((p, i) => doc.lineTo(px(p.jPerSample), py(front[i]!.value)).lineTo(px(p.jPerSample), py(p.value)));
    doc.stroke();
  }
  for (const p of points) doc.circle(px(p.jPerSample), py(p.value), p.onFront ? 3 : 2.4).fillColor(p.onFront ? '#2e8b57' : '#888888').fill();
  // the front's segments and the points: what the chosen model's label must not cross
  const segments: [number, number, number, number][] = front.slice(1).flatMap((p, i): [number, number, number, number][] => [
    [px(front[i]!.jPerSample), py(front[i]!.value), px(p.jPerSample), py(front[i]!.value)],
    [px(p.jPerSample), py(front[i]!.value), px(p.jPerSample), py(p.value)],
  ]);
  for (const p of points.filter((q) => q.chosen)) {
    const ax = px(p.jPerSample);
    const ay = py(p.value);
    doc.lineWidth(1.2).strokeColor('#c81e1e').circle(ax, ay, 6).stroke();
    const label = `trial ${p.trial} (this report)`;
    doc.font('Helvetica').fontSize(7.5);
    const dots = points.filter((q) => q !== p).map((q) => ({ x: px(q.jPerSample), y: py(q.value), r: q.onFront ? 3 : 2.4 }));
    const at = placeLabel({ x: ax, y: ay }, { w: doc.widthOfString(label) + 2, h: 9 }, f, segments, dots);
    if (at.leader) doc.lineWidth(0.6).strokeColor('#c81e1e').moveTo(at.leader[0], at.leader[1]).lineTo(at.leader[2], at.leader[3]).stroke();
    doc.fillColor('#c81e1e').text(label, at.x + 1, at.y + 1, { lineBreak: false });
  }
  // legend below the x-axis title, clear of the plot
  const ly = f.y + f.h + 30;
  doc.circle(f.x + 4, ly + 3, 3).fillColor('#2e8b57').fill();
  doc.font('Helvetica').fontSize(7.5).fillColor('#333333').text('on the Pareto front', f.x + 10, ly, { lineBreak: false });
  doc.circle(f.x + 104, ly + 3, 2.4).fillColor('#888888').fill();
  doc.fillColor('#333333').text('dominated trial', f.x + 110, ly, { lineBreak: false });
  doc.lineWidth(1.2).strokeColor('#c81e1e').circle(f.x + 194, ly + 3, 4).stroke();
  doc.fillColor('#333333').text('the model of this report', f.x + 201, ly, { lineBreak: false });
  doc.restore();
}

/** Height the payback chart takes, labels and a two-row legend included. */
export const PAYBACK_HEIGHT = 212;

/** A legend entry: its swatch, drawn in a 16 × 7 pt box at (x, y), and its words. */
interface LegendItem {
  swatch: (x: number, y: number) => void;
  text: string;
}

/** Legend entries in rows from (x, y), each moved to a new row when it would pass `right`. */
const LEGEND_ROW = 11;

/** Where each legend item goes, left to right, wrapping onto a new row of LEGEND_ROW points. */
function legendLayout(doc: Doc, items: readonly LegendItem[], x: number, y: number, right: number): { x: number; y: number }[] {
  doc.font('Helvetica').fontSize(7.5);
  let cx = x;
  let cy = y;
  return items.map((item) => {
    const w = 20 + doc.widthOfString(item.text);
    if (cx > x && cx + w > right) {
      cx = x;
      cy += LEGEND_ROW;
    }
    const at = { x: cx, y: cy };
    cx += w + 14;
    return at;
  });
}

function legend(doc: Doc, items: readonly LegendItem[], x: number, y: number, right: number): void {
  const at = legendLayout(doc, items, x, y, right);
  items.forEach((item, i) => {
    doc.save();
    item.swatch(at[i]!.x, at[i]!.y);
    doc.restore();
    doc.font('Helvetica').fontSize(7.5).fillColor('#333333').text(item.text, at[i]!.x + 20, at[i]!.y, { lineBreak: false });
  });
}

/** The x-range of the payback chart: twice the payback point, or where the reference line reaches the campaign's energy. */
export function paybackRange(p: PaybackResult): number {
  if (p.predictions !== null && p.predictions > 0) return 2 * p.predictions;
  return p.referenceJPerPrediction > 0 ? (2 * p.campaignEnergyJ) / p.referenceJPerPrediction || 1000 : 1000;
}

/** The payback chart's frame inside a chart of `width` at (x, y). */
function paybackFrame(x: number, y: number, width: number): Frame {
  return { x: x + 55, y: y + 16, w: width - 65, h: PAYBACK_HEIGHT - 50 };
}

/**
 * The height the payback chart takes, down to the foot of its legend's last row (the legend
 * wraps: with its interval the third item goes on a second row, which the next heading was drawn
 * over when every chart was given PAYBACK_HEIGHT).
 */
export function paybackHeight(doc: Doc, width: number, p: PaybackResult): number {
  const f = paybackFrame(0, 0, width);
  const at = legendLayout(doc, paybackLegend(doc, p), f.x, f.y + f.h + 30, f.x + f.w);
  return Math.max(...at.map((a) => a.y)) + LEGEND_ROW;
}

function paybackLegend(doc: Doc, p: PaybackResult): LegendItem[] {
  const items: LegendItem[] = [
    { swatch: (lx, ly) => void doc.lineWidth(1.5).strokeColor('#2e8b57').moveTo(lx, ly + 3).lineTo(lx + 16, ly + 3).stroke(), text: `trial ${p.chosenTrial}: the search's energy, then its own per prediction` },
    { swatch: (lx, ly) => void doc.lineWidth(1.5).strokeColor('#555555').dash(4, { space: 3 }).moveTo(lx, ly + 3).lineTo(lx + 16, ly + 3).stroke().undash(), text: `trial ${p.referenceTrial} (reference), per prediction` },
  ];
  if (p.interval) {
    items.push({
      swatch: (lx, ly) => void doc.rect(lx + 2, ly - 1, 12, 8).fillColor('#2e8b57').fillOpacity(0.12).fill().fillOpacity(1).lineWidth(0.5).strokeColor('#2e8b57').strokeOpacity(0.4).rect(lx + 2, ly - 1, 12, 8).stroke().strokeOpacity(1),
      text: `payback interval from the spreads: ${p.text.interval}`,
    });
  }
  return items;
}

export function drawPayback(doc: Doc, x: number, y: number, width: number, p: PaybackResult): void {
  const f = paybackFrame(x, y, width);
  const nMax = paybackRange(p);
  const chosenAt = (n: number) => p.campaignEnergyJ + p.chosenJPerPrediction * n;
  const refAt = (n: number) => p.referenceJPerPrediction * n;
  const eMax = Math.max(chosenAt(nMax), refAt(nMax), 1e-12) * 1.05;
  const px = (n: number) => f.x + (n / nMax) * f.w;
  const py = (e: number) => f.y + f.h - (e / eMax) * f.h;
  const xTicks = linearTicks(0, nMax, 5).map((v) => ({ at: px(v), label: plainNumber(v, 3) }));
  const yTicks = energyAxisTicks(eMax).map((t) => ({ at: py(t.joules), label: t.label }));
  axes(doc, f, x, xTicks, yTicks, 'predictions made with the model', 'cumulative energy');
  doc.save();
  if (p.interval) {
    const lo = Math.min(nMax, p.interval.low);
    const hi = p.interval.high === null ? nMax : Math.min(nMax, p.interval.high);
    doc.rect(px(lo), f.y, Math.max(0.5, px(hi) - px(lo)), f.h).fillColor('#2e8b57').fillOpacity(0.12).fill();
    doc.fillOpacity(1);
  }
  const line = (at: (n: number) => number, colour: Rgb, dash: boolean) => {
    doc.lineWidth(1.5).strokeColor(colour);
    if (dash) doc.dash(4, { space: 3 });
    doc.moveTo(px(0), py(at(0))).lineTo(px(nMax), py(at(nMax))).stroke();
    doc.undash();
  };
  line(refAt, '#555555', true);
  line(chosenAt, '#2e8b57', false);
  if (p.predictions !== null) {
    const n = p.predictions;
    doc.circle(px(n), py(refAt(n)), 3.5).fillColor('#c81e1e').fill();
    const right = px(n) < f.x + f.w - 150;
    doc.font('Helvetica').fontSize(7.5).fillColor('#c81e1e').text(`pays back after ${p.text.predictions}`, right ? px(n) + 7 : px(n) - 147, py(refAt(n)) + 4, { width: 140, align: right ? 'left' : 'right', lineBreak: false });
  }
  legend(doc, paybackLegend(doc, p), f.x, f.y + f.h + 30, f.x + f.w); // as paybackHeight lays it out
  doc.restore();
}
