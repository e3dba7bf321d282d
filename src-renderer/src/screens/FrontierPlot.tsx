/**
 * Objectives scatter with the Pareto front drawn; 3-D for three.
 *
 * Above 1,000 trials (2-D) the dominated and out-of-limit trials — nearly all of them — are not
 * Plotly traces but one 2-D canvas under the plot, drawn from Plotly's own axes after every
 * redraw (zoom, pan, resize), with click-to-pick and a hover title by nearest point. Only the
 * front is SVG. bench:frontier measured why: in headless Chromium's software rendering a WebGL
 * trace of 10,000 points took seconds to appear, an SVG one as long; the canvas takes
 * milliseconds. Axis ranges still cover every trial (an invisible two-point trace spans them).
 */
import type { Data } from 'plotly.js';
import { useEffect, useMemo, useRef } from 'react';
import type { StudyView } from '../../../src-main/shared/contract';
import { feasible } from '../../../src-main/shared/analysis';
import type { MetricName, TrialRecord } from '../../../src-main/shared/types';
import { METRICS, siPrefix } from '../format';
import { Plot } from '../Plot';

export interface FrontierProps {
  view: StudyView;
  x?: string;
  y?: string;
  z?: string | null;
  highlight?: number | null;
  onPick?: (trial: number) => void;
  height?: number;
}

/** Trials drawn on the canvas: positions in axis units, and how each is drawn. */
interface Cloud {
  x: Float64Array;
  y: Float64Array;
  numbers: Int32Array;
  inside: Uint8Array;
  rows: TrialRecord[];
  /** The front's points (SVG, Plotly's own hover and click): a click nearer one of them is Plotly's. */
  frontX: Float64Array;
  frontY: Float64Array;
}

/** The parts of a Plotly graph div this file reads (Plotly's own axis objects map data to pixels). */
interface PlotlyAxis {
  c2p(v: number): number;
}
interface PlotlyDiv extends HTMLDivElement {
  _fullLayout?: { _size: { l: number; t: number; w: number; h: number }; xaxis?: PlotlyAxis; yaxis?: PlotlyAxis };
  on?: (event: string, fn: () => void) => void;
  removeListener?: (event: string, fn: () => void) => void;
}

const BIG = 1000;
const GREY = '#9aa39d';
const ORANGE = '#d08a2c';
/** Pixels within which a click or hover finds a canvas point. */
const PICK_PX = 6;

/** The unit formatSi writes `typical` joules in (µJ, mJ, …): the axis's factor and the unit's name. */
function siUnit(typical: number): { factor: number; unit: string } {
  const [scale, prefix] = siPrefix(typical) ?? [1, ''];
  return { factor: 1 / scale, unit: `${prefix}J` };
}

export function FrontierPlot({ view, x, y, z, highlight, onPick, height = 420 }: FrontierProps) {
  const xm = (x ?? view.objectives[1]?.metric ?? view.objectives[0]!.metric) as MetricName;
  const ym = (y ?? view.objectives[0]!.metric) as MetricName;
  const zm = z ? (z as MetricName) : null;
  const wrap = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  // energy axes in the SI unit that suits the study's values (mJ, µJ, …), as the budget picker
  // and the tables write them, rather than in joules with many zeros
  const energyUnits = useMemo(() => {
    const out = new Map<MetricName, { factor: number; unit: string }>();
    for (const m of [xm, ym, ...(zm ? [zm] : [])]) {
      if (METRICS[m].unit !== 'J') continue;
      const vs = view.trials.map((t) => t.metrics[m]).filter((v): v is number => v !== undefined && v > 0).sort((a, b) => a - b);
      out.set(m, siUnit(vs.length ? vs[Math.floor(vs.length / 2)]! : 1));
    }
    return out;
  }, [view, xm, ym, zm]);
  const scale = (m: MetricName, v: number) => (METRICS[m].unit === 'fraction' ? v * 100 : v * (energyUnits.get(m)?.factor ?? 1));

  const { data, cloud } = useMemo(() => {
    const complete = view.trials.filter((t) => t.state === 'complete' && t.metrics[xm] !== undefined && t.metrics[ym] !== undefined);
    const front = new Set(view.front);
    const canvas = complete.length > BIG && !zm;
    const groups: { name: string; rows: TrialRecord[]; color: string; symbol: string }[] = [
      { name: 'Pareto front', rows: complete.filter((t) => front.has(t.number)), color: '#2e8b57', symbol: 'circle' },
      { name: 'other trials', rows: complete.filter((t) => !front.has(t.number) && feasible(t, view.objectives)), color: GREY, symbol: 'circle' },
      { name: 'outside the limits', rows: complete.filter((t) => !feasible(t, view.objectives)), color: ORANGE, symbol: 'x' },
    ];
    const out: Data[] = groups
      .filter((g) => g.rows.length)
      .map((g) => {
        if (zm) {
          return {
            type: 'scatter3d',
            mode: 'markers',
            name: g.name,
            x: g.rows.map((t) => scale(xm, t.metrics[xm]!)),
            y: g.rows.map((t) => scale(ym, t.metrics[ym]!)),
            z: g.rows.map((t) => scale(zm, t.metrics[zm] ?? NaN)),
            customdata: g.rows.map((t) => t.number),
            text: g.rows.map(hoverText),
            hoverinfo: 'text',
            marker: { color: g.color, size: 4, symbol: g.symbol === 'x' ? 'x' : 'circle' },
          } as Data;
        }
        if (canvas && g.name !== 'Pareto front') {
          // on the canvas: here only the legend entry
          return { type: 'scatter', mode: 'markers', name: g.name, x: [null], y: [null], hoverinfo: 'skip', marker: { color: g.color, size: 7, symbol: g.symbol } } as Data;
        }
        return {
          type: 'scatter',
          mode: 'markers',
          name: g.name,
          x: g.rows.map((t) => scale(xm, t.metrics[xm]!)),
          y: g.rows.map((t) => scale(ym, t.metrics[ym]!)),
          customdata: g.rows.map((t) => t.number),
          text: g.rows.map(hoverText),
          hoverinfo: 'text',
          marker: { color: g.color, size: g.name === 'Pareto front' ? 9 : 7, symbol: g.symbol },
        } as Data;
      });
    let cloudRows: Cloud | null = null;
    if (canvas) {
      const rows = complete.filter((t) => !front.has(t.number));
      cloudRows = {
        x: Float64Array.from(rows, (t) => scale(xm, t.metrics[xm]!)),
        y: Float64Array.from(rows, (t) => scale(ym, t.metrics[ym]!)),
        numbers: Int32Array.from(rows, (t) => t.number),
        inside: Uint8Array.from(rows, (t) => (feasible(t, view.objectives) ? 1 : 0)),
        rows,
        frontX: Float64Array.from(groups[0]!.rows, (t) => scale(xm, t.metrics[xm]!)),
        frontY: Float64Array.from(groups[0]!.rows, (t) => scale(ym, t.metrics[ym]!)),
      };
      // an invisible trace at the corners, so autorange (and double-click reset) covers every trial
      const xs = complete.map((t) => scale(xm, t.metrics[xm]!));
      const ys = complete.map((t) => scale(ym, t.metrics[ym]!));
      out.push({
        type: 'scatter',
        mode: 'markers',
        x: [Math.min(...xs), Math.max(...xs)],
        y: [Math.min(...ys), Math.max(...ys)],
        marker: { size: 7, opacity: 0 },
        hoverinfo: 'skip',
        showlegend: false,
      } as Data);
    }
    if (!zm) {
      const f = complete.filter((t) => front.has(t.number)).sort((a, b) => a.metrics[xm]! - b.metrics[xm]!);
      if (f.length > 1) {
        out.push({ type: 'scatter', mode: 'lines', name: 'front', x: f.map((t) => scale(xm, t.metrics[xm]!)), y: f.map((t) => scale(ym, t.metrics[ym]!)), line: { color: '#2e8b57', shape: 'hv' }, hoverinfo: 'skip', showlegend: false } as Data);
      }
      const h = complete.find((t) => t.number === highlight);
      if (h) out.push({ type: 'scatter', mode: 'markers', name: `chosen #${h.number}`, x: [scale(xm, h.metrics[xm]!)], y: [scale(ym, h.metrics[ym]!)], marker: { size: 18, color: 'rgba(0,0,0,0)', line: { color: '#c81e1e', width: 3 } }, hoverinfo: 'skip' } as Data);
    }
    return { data: out, cloud: cloudRows };
  }, [view, xm, ym, zm, highlight, energyUnits]);

  const label = (m: MetricName) => `${METRICS[m].label} (${METRICS[m].unit === 'fraction' ? '%' : (energyUnits.get(m)?.unit ?? METRICS[m].unit)})`;
  const layout = useMemo(
    () =>
      zm
        ? { scene: { xaxis: { title: { text: label(xm) } }, yaxis: { title: { text: label(ym) } }, zaxis: { title: { text: label(zm) } } } }
        : {
            // over the canvas, grid lines must be faint rather than white
            xaxis: { title: { text: label(xm) }, type: (METRICS[xm].unit === 'J' ? 'log' : 'linear') as 'log' | 'linear', ...(cloud ? { gridcolor: 'rgba(0,0,0,0.07)' } : {}) },
            yaxis: { title: { text: label(ym) }, ...(cloud ? { gridcolor: 'rgba(0,0,0,0.07)' } : {}) },
            legend: { orientation: 'h' as const },
            // transparent, so the canvas under the plot shows through
            ...(cloud ? { plot_bgcolor: 'rgba(0,0,0,0)', paper_bgcolor: 'rgba(0,0,0,0)' } : {}),
          },
    [xm, ym, zm, cloud, energyUnits],
  );

  // the canvas: drawn now if Plotly has laid the plot out, and again after every redraw
  useEffect(() => {
    const el = wrap.current?.querySelector('[data-testid=frontier]') as PlotlyDiv | null;
    if (!el || !cloud) return;
    const draw = () => drawCloud(el, cloud);
    draw();
    el.on?.('plotly_afterplot', draw);
    const nearest = (ev: MouseEvent): number | null => {
      const fl = el._fullLayout;
      const canvas = el.querySelector<HTMLCanvasElement>('canvas.ecopt-cloud');
      if (!fl?.xaxis || !fl.yaxis || !canvas) return null;
      const box = canvas.getBoundingClientRect();
      const px = ev.clientX - box.left;
      const py = ev.clientY - box.top;
      const closest = (xs: Float64Array, ys: Float64Array) => {
        let best = -1;
        let bestD = PICK_PX * PICK_PX;
        for (let i = 0; i < xs.length; i++) {
          const dx = fl.xaxis!.c2p(xs[i]!) - px;
          const dy = fl.yaxis!.c2p(ys[i]!) - py;
          const dd = dx * dx + dy * dy;
          if (dd <= bestD) {
            bestD = dd;
            best = i;
          }
        }
        return { best, bestD };
      };
      const c = closest(cloud.x, cloud.y);
      if (c.best < 0) return null;
      const f = closest(cloud.frontX, cloud.frontY);
      return f.best >= 0 && f.bestD <= c.bestD ? null : c.best;
    };
    const click = (ev: MouseEvent) => {
      const i = nearest(ev);
      if (i !== null) pick.current?.(cloud.numbers[i]!);
    };
    const hover = (ev: MouseEvent) => {
      const i = nearest(ev);
      el.title = i === null ? '' : hoverText(cloud.rows[i]!).replaceAll('<br>', '\n');
    };
    el.addEventListener('click', click);
    el.addEventListener('mousemove', hover);
    return () => {
      el.removeListener?.('plotly_afterplot', draw);
      el.removeEventListener('click', click);
      el.removeEventListener('mousemove', hover);
      el.querySelector('canvas.ecopt-cloud')?.remove();
      el.title = '';
    };
  }, [cloud]);

  const failed = view.trials.filter((t) => t.state === 'failed' || t.state === 'pruned').length;
  return (
    <div ref={wrap}>
      <Plot data={data} height={height} testId="frontier" layout={layout} {...(onPick ? { onClick: (p: { customdata: unknown }) => onPick(Number(p.customdata)) } : {})} />
      {failed > 0 && <p className="muted small">{failed} failed or pruned trial(s) have no figures to plot; they are listed in the trial table.</p>}
    </div>
  );
}

function hoverText(t: TrialRecord): string {
  return `#${t.number}<br>${Object.entries(t.params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(3)) : v}`)
    .join('<br>')}`;
}

/** Draws the cloud on a canvas placed under Plotly's SVG, over the plot area, in Plotly's own pixel mapping. */
function drawCloud(el: PlotlyDiv, cloud: Cloud): void {
  const fl = el._fullLayout;
  const container = el.querySelector<HTMLElement>('.svg-container');
  if (!fl?.xaxis || !fl.yaxis || !container) return;
  const { l, t, w, h } = fl._size;
  let canvas = container.querySelector<HTMLCanvasElement>('canvas.ecopt-cloud');
  if (!canvas) {
    canvas = document.createElement('canvas');
    canvas.className = 'ecopt-cloud';
    canvas.style.position = 'absolute';
    canvas.style.pointerEvents = 'none';
    container.insertBefore(canvas, container.firstChild);
  }
  const ratio = window.devicePixelRatio || 1;
  Object.assign(canvas.style, { left: `${l}px`, top: `${t}px`, width: `${w}px`, height: `${h}px` });
  canvas.width = Math.round(w * ratio);
  canvas.height = Math.round(h * ratio);
  const g = canvas.getContext('2d');
  if (!g) return;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  const xa = fl.xaxis;
  const ya = fl.yaxis;
  const r = 3.5;
  g.fillStyle = GREY;
  g.beginPath();
  for (let i = 0; i < cloud.x.length; i++) {
    if (!cloud.inside[i]) continue;
    const px = xa.c2p(cloud.x[i]!);
    const py = ya.c2p(cloud.y[i]!);
    if (!(px > -r && px < w + r && py > -r && py < h + r)) continue;
    g.moveTo(px + r, py);
    g.arc(px, py, r, 0, 2 * Math.PI);
  }
  g.fill();
  g.strokeStyle = ORANGE;
  g.lineWidth = 1.5;
  g.beginPath();
  for (let i = 0; i < cloud.x.length; i++) {
    if (cloud.inside[i]) continue;
    const px = xa.c2p(cloud.x[i]!);
    const py = ya.c2p(cloud.y[i]!);
    if (!(px > -r && px < w + r && py > -r && py < h + r)) continue;
    g.moveTo(px - r, py - r);
    g.lineTo(px + r, py + r);
    g.moveTo(px + r, py - r);
    g.lineTo(px - r, py + r);
  }
  g.stroke();
  canvas.dataset.points = String(cloud.x.length);
}
