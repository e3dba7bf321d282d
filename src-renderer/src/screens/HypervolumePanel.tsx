/**
 * The explorer's hypervolume history, drawn as the step function it is: one vertex per change
 * (hypervolumeSteps), not a marker per trial. bench:frontier: 10,000 SVG markers took over a
 * second of the explorer's first paint; the steps are a few dozen.
 */
import { useMemo } from 'react';
import type { StudyView } from '../../../src-main/shared/contract';
import { hypervolumeSteps } from '../../../src-main/shared/analysis';
import { Plot } from '../Plot';
import { countTicks } from '../chart-axes';

/** Markers on each step while there are few; beyond, the line alone. */
const MAX_MARKERS = 200;

/** Normalised hypervolume is a share of the reference box: 0 to 1 (hypervolumeHistory). */
const layoutFor = (lastTrial: number) => ({ xaxis: { title: { text: 'trial' }, ...countTicks(lastTrial) }, yaxis: { title: { text: 'hypervolume (normalised)' }, range: [0, 1.02] } });

export function HypervolumePanel({ history }: { history: StudyView['hypervolume'] }) {
  const [data, layout] = useMemo(() => {
    const steps = hypervolumeSteps(history);
    const trace = [
      {
        type: 'scatter' as const,
        mode: steps.length <= MAX_MARKERS ? ('lines+markers' as const) : ('lines' as const),
        line: { shape: 'hv' as const },
        x: steps.map((h) => h.trial),
        y: steps.map((h) => h.value),
        hovertemplate: 'after trial %{x}: %{y:.3f}<extra></extra>',
      },
    ];
    return [trace, layoutFor(steps.at(-1)?.trial ?? 0)] as const;
  }, [history]);
  return (
    <Plot
      height={240}
      lazy
      testId="hypervolume"
      data={data}
      layout={layout}
    />
  );
}
