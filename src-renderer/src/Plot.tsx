/** A thin React wrapper over plotly.js (bundled, no CDN). */
import Plotly from 'plotly.js-dist-min';
import { useEffect, useRef } from 'react';

export interface PlotProps {
  data: Plotly.Data[];
  layout?: Partial<Plotly.Layout>;
  onClick?: (point: { customdata: unknown }) => void;
  testId?: string;
  height?: number;
}

export function Plot({ data, layout, onClick, testId, height = 360 }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    void Plotly.react(el, data, { height, margin: { l: 60, r: 20, t: 30, b: 50 }, ...layout }, { displaylogo: false, responsive: true });
  }, [data, layout, height]);
  useEffect(() => {
    const el = ref.current as (HTMLDivElement & { on?: (e: string, cb: (ev: { points: { customdata: unknown }[] }) => void) => void; removeAllListeners?: (e: string) => void }) | null;
    if (!el || !onClick || !el.on) return;
    el.on('plotly_click', (ev) => ev.points[0] && onClick(ev.points[0]));
    return () => el.removeAllListeners?.('plotly_click');
  }, [onClick, data]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) Plotly.purge(el);
    };
  }, []);
  return <div ref={ref} data-testid={testId} />;
}
