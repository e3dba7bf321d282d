/** A thin React wrapper over plotly.js (bundled, no CDN). */
import Plotly from 'plotly.js-dist-min';
import { type RefObject, useEffect, useRef, useState } from 'react';

export interface PlotProps {
  data: Plotly.Data[];
  layout?: Partial<Plotly.Layout>;
  onClick?: (point: { customdata: unknown }) => void;
  testId?: string;
  height?: number;
  /**
   * Draw only once the plot comes within a screen of the viewport (a panel below the fold does
   * not delay the ones above it: bench:frontier). Its height is reserved meanwhile.
   */
  lazy?: boolean;
}

export function Plot({ data, layout, onClick, testId, height = 360, lazy = false }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = useNearViewport(ref, lazy);
  useEffect(() => {
    const el = ref.current;
    if (!el || !shown) return;
    const drawing = Plotly.react(el, data, { height, margin: { l: 60, r: 20, t: 30, b: 50 }, ...layout }, { displaylogo: false, responsive: true });
    if (!lazy) drawnFirst(drawing);
  }, [data, layout, height, shown, lazy]);
  useEffect(() => {
    const el = ref.current as (HTMLDivElement & { on?: (e: string, cb: (ev: { points: { customdata: unknown }[] }) => void) => void; removeAllListeners?: (e: string) => void }) | null;
    if (!el || !onClick || !el.on || !shown) return;
    el.on('plotly_click', (ev) => ev.points[0] && onClick(ev.points[0]));
    return () => el.removeAllListeners?.('plotly_click');
  }, [onClick, data, shown]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) Plotly.purge(el);
    };
  }, []);
  return <div ref={ref} data-testid={testId} style={shown ? undefined : { minHeight: height }} />;
}

/** Resolved once the plots drawn without `lazy` (the screen's main plot) are drawn and on screen. */
let eagerDrawn: Promise<void> = Promise.resolve();

function drawnFirst(drawing: Promise<unknown>): void {
  const painted = drawing.then(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
    () => undefined,
  );
  eagerDrawn = Promise.all([eagerDrawn, painted]).then(() => undefined);
}

/**
 * True once the element has come within one viewport height of the screen, the page's eager plots
 * are on screen and the page is idle (always true when not lazy): a panel on the first screen
 * waits for the plot above it (the explorer's frontier) instead of delaying it (bench:frontier).
 */
export function useNearViewport(ref: RefObject<HTMLElement | null>, lazy: boolean): boolean {
  const [near, setNear] = useState(!lazy || typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const el = ref.current;
    if (near || !el) return;
    let idle: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const show = () =>
      void eagerDrawn.then(() => {
        if (!live) return;
        if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(() => setNear(true), { timeout: 500 });
        else timer = setTimeout(() => setNear(true), 0);
      });
    const io = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      io.disconnect();
      show();
    }, { rootMargin: '100% 0px' });
    io.observe(el);
    return () => {
      live = false;
      io.disconnect();
      if (idle !== undefined) cancelIdleCallback(idle);
      clearTimeout(timer);
    };
  }, [ref, near]);
  return near;
}
