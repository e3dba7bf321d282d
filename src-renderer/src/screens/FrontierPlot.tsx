/** Objectives scatter with the Pareto front drawn; WebGL traces for large studies; 3-D for three. */
import type { Data } from 'plotly.js';
import type { StudyView } from '../../../src-main/shared/contract';
import { feasible } from '../../../src-main/shared/analysis';
import type { MetricName } from '../../../src-main/shared/types';
import { METRICS } from '../format';
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

export function FrontierPlot({ view, x, y, z, highlight, onPick, height = 420 }: FrontierProps) {
  const xm = (x ?? view.objectives[1]?.metric ?? view.objectives[0]!.metric) as MetricName;
  const ym = (y ?? view.objectives[0]!.metric) as MetricName;
  const zm = z ? (z as MetricName) : null;
  const complete = view.trials.filter((t) => t.state === 'complete' && t.metrics[xm] !== undefined && t.metrics[ym] !== undefined);
  const front = new Set(view.front);
  const big = complete.length > 1000;
  const scale = (m: MetricName, v: number) => (METRICS[m].unit === 'fraction' ? v * 100 : v);
  const label = (m: MetricName) => `${METRICS[m].label} (${METRICS[m].unit === 'fraction' ? '%' : METRICS[m].unit})`;
  const groups: { name: string; rows: typeof complete; color: string; symbol: string }[] = [
    { name: 'Pareto front', rows: complete.filter((t) => front.has(t.number)), color: '#2e8b57', symbol: 'circle' },
    { name: 'other trials', rows: complete.filter((t) => !front.has(t.number) && feasible(t, view.objectives)), color: '#9aa39d', symbol: 'circle' },
    { name: 'outside the limits', rows: complete.filter((t) => !feasible(t, view.objectives)), color: '#d08a2c', symbol: 'x' },
  ];
  const hover = (t: (typeof complete)[number]) =>
    `#${t.number}<br>${Object.entries(t.params)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(3)) : v}`)
      .join('<br>')}`;
  const data: Data[] = groups
    .filter((g) => g.rows.length)
    .map((g) =>
      zm
        ? ({
            type: 'scatter3d',
            mode: 'markers',
            name: g.name,
            x: g.rows.map((t) => scale(xm, t.metrics[xm]!)),
            y: g.rows.map((t) => scale(ym, t.metrics[ym]!)),
            z: g.rows.map((t) => scale(zm, t.metrics[zm] ?? NaN)),
            customdata: g.rows.map((t) => t.number),
            text: g.rows.map(hover),
            hoverinfo: 'text',
            marker: { color: g.color, size: 4, symbol: g.symbol === 'x' ? 'x' : 'circle' },
          } as Data)
        : ({
            type: big ? 'scattergl' : 'scatter',
            mode: 'markers',
            name: g.name,
            x: g.rows.map((t) => scale(xm, t.metrics[xm]!)),
            y: g.rows.map((t) => scale(ym, t.metrics[ym]!)),
            customdata: g.rows.map((t) => t.number),
            text: g.rows.map(hover),
            hoverinfo: 'text',
            marker: { color: g.color, size: g.name === 'Pareto front' ? 9 : 7, symbol: g.symbol },
          } as Data),
    );
  if (!zm) {
    const f = complete.filter((t) => front.has(t.number)).sort((a, b) => a.metrics[xm]! - b.metrics[xm]!);
    if (f.length > 1) data.push({ type: big ? 'scattergl' : 'scatter', mode: 'lines', name: 'front', x: f.map((t) => scale(xm, t.metrics[xm]!)), y: f.map((t) => scale(ym, t.metrics[ym]!)), line: { color: '#2e8b57', shape: 'hv' }, hoverinfo: 'skip', showlegend: false } as Data);
    const h = complete.find((t) => t.number === highlight);
    if (h) data.push({ type: 'scatter', mode: 'markers', name: `chosen #${h.number}`, x: [scale(xm, h.metrics[xm]!)], y: [scale(ym, h.metrics[ym]!)], marker: { size: 18, color: 'rgba(0,0,0,0)', line: { color: '#c81e1e', width: 3 } }, hoverinfo: 'skip' } as Data);
  }
  const failed = view.trials.filter((t) => t.state === 'failed' || t.state === 'pruned').length;
  return (
    <div>
      <Plot
        data={data}
        height={height}
        testId="frontier"
        layout={
          zm
            ? { scene: { xaxis: { title: { text: label(xm) } }, yaxis: { title: { text: label(ym) } }, zaxis: { title: { text: label(zm) } } } }
            : { xaxis: { title: { text: label(xm) }, type: METRICS[xm].unit === 'J' ? 'log' : 'linear' }, yaxis: { title: { text: label(ym) } }, legend: { orientation: 'h' } }
        }
        {...(onPick ? { onClick: (p: { customdata: unknown }) => onPick(Number(p.customdata)) } : {})}
      />
      {failed > 0 && <p className="muted small">{failed} failed or pruned trial(s) have no figures to plot; they are listed in the trial table.</p>}
    </div>
  );
}
