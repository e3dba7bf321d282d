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
import type { TrialLike } from '../../../src-main/shared/columns';
import type { MetricName } from '../../../src-main/shared/types';
import { frontierLayout, logTicks } from '../chart-axes';
import { formatMetric, METRICS, siPrefix } from '../format';
import { Plot } from '../Plot';

export interface FrontierProps {
  /** The study's trials (whole records or the explorer's columns made records), front and objectives. */
  view: { trials: readonly TrialLike[]; front: readonly number[]; objectives: StudyView['objectives']; target?: string | null };
  x?: string;
  y?: string;
  z?: string | null;
  highlight?: number | null;
  onPick?: (trial: number) => void;
  height?: number;
  /** The least width the plot is drawn at, px: how closely its log axis's tick labels may sit (chart-axes.ts). */
  axisPx?: number;
}

/** Trials drawn on the canvas: positions in axis units, and how each is drawn. */
interface Cloud {
  x: Float64Array;
  y: Float64Array;
  numbers: Int32Array;
  inside: Uint8Array;
  rows: TrialLike[];
  /** The front's points (SVG, Plotly's own hover and click): a click nearer one of them is Plotly's. */
  frontX: Float64Array;
  frontY: Float64Array;
}

/** The parts of a Plotly graph div this file reads (Plotly's own axis objects map data to pixels). */
interface PlotlyAxis {
  c2p(v: number): number;
  range?: unknown[];
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

export function FrontierPlot({ view, x, y, z, highlight, onPick, height = 420, axisPx }: FrontierProps) {
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
      const vs: number[] = [];
      for (const t of view.trials) {
        const v = t.metrics[m];
        if (v !== undefined && v > 0) vs.push(v);
      }
      // a typed array sorts numerically without a comparator: a tenth of the time at 10,000
      const sorted = Float64Array.from(vs).sort();
      out.set(m, siUnit(sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 1));
    }
    return out;
  }, [view, xm, ym, zm]);
  const scale = (m: MetricName, v: number) => (METRICS[m].unit === 'fraction' ? v * 100 : v * (energyUnits.get(m)?.factor ?? 1));

  const { data, cloud } = useMemo(() => {
    const complete = view.trials.filter((t) => t.state === 'complete' && t.metrics[xm] !== undefined && t.metrics[ym] !== undefined);
    const front = new Set(view.front);
    const canvas = complete.length > BIG && !zm;
    const groups: { name: string; rows: TrialLike[]; color: string; symbol: string }[] = [
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

  // "RMSE (target units)": the metric's full name does not fit a small plot's axis (walk 41: "Root-mean-square error (regression) (ta")
  // and in the units of the column it predicts where known ("RMSE (price_eur)", walk 45)
  const label = (m: MetricName) => `${m === 'rmse' ? 'RMSE' : METRICS[m].label} (${METRICS[m].unit === 'fraction' ? '%' : m === 'rmse' && view.target ? view.target : (energyUnits.get(m)?.unit ?? METRICS[m].unit)})`;
  // a log energy axis writes its unit on each tick ("200 µJ", "1 mJ"), as the tables do: a few
  // round ticks, where Plotly's own (200, 300, … 1200) tilted and crowded in the run view's column
  const xTicks = useMemo(() => {
    if (METRICS[xm].unit !== 'J' || zm) return null;
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of view.trials) {
      const v = t.state === 'complete' ? t.metrics[xm] : undefined;
      if (v === undefined || !(v > 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return Number.isFinite(lo) ? logTicks([lo, hi], 'J', energyUnits.get(xm)?.factor ?? 1, axisPx) : null;
  }, [view, xm, zm, energyUnits, axisPx]);
  const layout = useMemo(
    () =>
      zm
        ? { scene: { xaxis: { title: { text: label(xm) } }, yaxis: { title: { text: label(ym) } }, zaxis: { title: { text: label(zm) } } } }
        : {
            // over the canvas, grid lines must be faint rather than white. Tick labels are not
            // measured to hide those past the plot's edge (Plotly's default): the SVG clips them
            // anyway, and measuring each label of a log axis spanning decades forced a layout per
            // label, 0.1-0.2 s of bench:frontier's first paint at 10,000 trials
            xaxis: {
              title: { text: xTicks ? METRICS[xm].label : label(xm) },
              type: (METRICS[xm].unit === 'J' ? 'log' : 'linear') as 'log' | 'linear',
              ticklabeloverflow: 'allow' as const,
              ...(xTicks ? { tickmode: 'array' as const, ...xTicks } : {}),
              ...(cloud ? { gridcolor: 'rgba(0,0,0,0.07)' } : {}),
            },
            yaxis: { title: { text: label(ym) }, ticklabeloverflow: 'allow' as const, ...(cloud ? { gridcolor: 'rgba(0,0,0,0.07)' } : {}) },
            ...frontierLayout(),
            // transparent, so the canvas under the plot shows through
            ...(cloud ? { plot_bgcolor: 'rgba(0,0,0,0)', paper_bgcolor: 'rgba(0,0,0,0)' } : {}),
          },
    [xm, ym, zm, cloud, energyUnits, xTicks],
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
      {failed > 0 && <p className="muted small">{failed} failed or pruned trial(s) have no figures to plot; the run view&apos;s trials table lists them, with why.</p>}
    </div>
  );
}

/** The figures a point stands for, before its parameters (what the hover is for). */
const HOVER_METRICS: MetricName[] = ['accuracy', 'rmse', 'infer_energy_j_per_sample', 'train_energy_j'];

function hoverText(t: TrialLike): string {
  const figures = HOVER_METRICS.filter((m) => t.metrics[m] !== undefined).map((m) => `${METRICS[m].label} ${formatMetric(t.metrics[m], METRICS[m].unit)}`);
  return `#${t.number}<br>${[...figures, ''].join('<br>')}${Object.entries(t.params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(3)) : v}`)
    .join('<br>')}`;
}

/** What each cloud canvas shows now. */
const drawn = new WeakMap<HTMLCanvasElement, { cloud: Cloud; signature: string }>();

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
  // Plotly's first draw and its afterplot event both ask: draw once per cloud, size and axis ranges
  const signature = [l, t, w, h, ratio, fl.xaxis.range, fl.yaxis.range].join();
  if (drawn.get(canvas)?.cloud === cloud && drawn.get(canvas)?.signature === signature) return;
  drawn.set(canvas, { cloud, signature });
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
  // each marker's shape drawn once, then its coverage added at every point and the canvas written
  // once: one path of 10,000 arcs, or 10,000 drawImage calls, took 100-300 ms in software rendering
  const dot = sprite(r, ratio, (s) => {
    s.beginPath();
    s.arc(0, 0, r, 0, 2 * Math.PI);
    s.fill();
  });
  const cross = sprite(r, ratio, (s) => {
    s.lineWidth = 1.5;
    s.beginPath();
    s.moveTo(-r, -r);
    s.lineTo(r, r);
    s.moveTo(r, -r);
    s.lineTo(-r, r);
    s.stroke();
  });
  const W = canvas.width;
  const H = canvas.height;
  // coverage per layer (one colour each), each marker's added as `a + s·(1 − a)` (source-over)
  const layers = [new Float32Array(W * H), new Float32Array(W * H)];
  for (const inside of [1, 0]) {
    const m = inside ? dot : cross;
    const cover = layers[inside]!;
    const half = m.side >> 1;
    const count = m.u.length;
    for (let i = 0; i < cloud.x.length; i++) {
      if (cloud.inside[i] !== inside) continue;
      const cx = Math.floor(xa.c2p(cloud.x[i]!) * ratio) - half;
      const cy = Math.floor(ya.c2p(cloud.y[i]!) * ratio) - half;
      if (cx <= -m.side || cx >= W || cy <= -m.side || cy >= H) continue;
      const whole = cx >= 0 && cy >= 0 && cx + m.side <= W && cy + m.side <= H;
      for (let k = 0; k < count; k++) {
        const x = cx + m.u[k]!;
        const y = cy + m.v[k]!;
        if (!whole && (x < 0 || x >= W || y < 0 || y >= H)) continue;
        const o = y * W + x;
        const sa = m.a[k]!;
        cover[o] = cover[o]! + sa * (1 - cover[o]!);
      }
    }
  }
  // the out-of-limit crosses over the grey dots, into the unpremultiplied values ImageData holds
  const out = g.createImageData(W, H);
  const px = out.data;
  const [gr, gg, gb] = rgb(GREY);
  const [or, og, ob] = rgb(ORANGE);
  const grey = layers[1]!;
  const orange = layers[0]!;
  for (let o = 0; o < W * H; o++) {
    const ag = grey[o]!;
    const ao = orange[o]!;
    if (ag === 0 && ao === 0) continue;
    const a = ao + ag * (1 - ao);
    const wo = ao / a;
    const wg = 1 - wo;
    const k = o * 4;
    px[k] = or * wo + gr * wg;
    px[k + 1] = og * wo + gg * wg;
    px[k + 2] = ob * wo + gb * wg;
    px[k + 3] = a * 255;
  }
  g.putImageData(out, 0, 0);
  canvas.dataset.points = String(cloud.x.length);
}

/** '#rrggbb' as numbers. */
function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A marker of radius `r` (CSS pixels) drawn by `draw` around (0, 0), at the screen's pixel ratio: its covered pixels (offsets u, v in a `side` square) and their coverage a (0–1). */
function sprite(r: number, ratio: number, draw: (g: CanvasRenderingContext2D) => void): { side: number; u: Int16Array; v: Int16Array; a: Float32Array } {
  const side = Math.ceil((2 * r + 2) * ratio) | 1;
  const c = document.createElement('canvas');
  c.width = side;
  c.height = side;
  const g = c.getContext('2d', { willReadFrequently: true });
  if (!g) return { side, u: new Int16Array(0), v: new Int16Array(0), a: new Float32Array(0) };
  g.setTransform(ratio, 0, 0, ratio, side / 2, side / 2);
  g.fillStyle = '#000';
  g.strokeStyle = '#000';
  draw(g);
  const data = g.getImageData(0, 0, side, side).data;
  const u: number[] = [];
  const v: number[] = [];
  const a: number[] = [];
  for (let i = 0; i < side * side; i++) {
    if (!data[i * 4 + 3]) continue;
    u.push(i % side);
    v.push(Math.floor(i / side));
    a.push(data[i * 4 + 3]! / 255);
  }
  return { side, u: Int16Array.from(u), v: Int16Array.from(v), a: Float32Array.from(a) };
}
