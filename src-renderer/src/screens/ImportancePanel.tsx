/**
 * "What mattered": first-order parameter importance, computed by the server with the study's
 * view (it reads every trial: about 0.1 s of the page's first paint at 10,000, bench:frontier),
 * or here after the first paint when the server did not; drawn when scrolled near.
 */
import { useEffect, useMemo, useState } from 'react';
import type { StudyView } from '../../../src-main/shared/contract';
import { parameterImportance } from '../../../src-main/shared/analysis';
import type { TrialLike } from '../../../src-main/shared/columns';
import type { MetricName } from '../../../src-main/shared/types';
import { METRICS } from '../format';
import { Plot } from '../Plot';

/** Below this many complete trials the shares are said to be rough (binned variance over a handful of points). */
const FEW_TRIALS = 30;

const LAYOUT = { barmode: 'group' as const, yaxis: { title: { text: 'share of variance' } } };

export function ImportancePanel({ view }: { view: Pick<StudyView, 'importance' | 'objectives'> & { trials: readonly TrialLike[] } }) {
  const [computed, setImportance] = useState<Record<string, Record<string, number>> | null>(null);
  const importance = view.importance ?? computed;
  const complete = useMemo(() => view.trials.filter((t) => t.state === 'complete').length, [view.trials]);
  useEffect(() => {
    if (view.importance) return;
    // a server without it: after the next paint, so the frontier above is on screen first
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setImportance(parameterImportance(view.trials, view.objectives)), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [view]);
  const data = useMemo(
    () =>
      Object.entries(importance ?? {})
        // parameters that never varied are not in it (parameterImportance): maybe none is
        .filter(([, imp]) => Object.keys(imp).length > 0)
        .map(([metric, imp]) => ({ type: 'bar' as const, name: METRICS[metric as MetricName].label, x: Object.keys(imp), y: Object.values(imp) })),
    [importance],
  );
  return (
    <>
      {importance === null ? (
        <p className="muted">Working it out…</p>
      ) : Object.keys(importance).length === 0 ? (
        <p className="muted">Needs at least four complete trials.</p>
      ) : data.length === 0 ? (
        <p className="muted">No parameter took more than one value in the complete trials.</p>
      ) : (
        <Plot
          height={240}
          lazy
          data={data}
          layout={LAYOUT}
        />
      )}
      <p className="muted small">
        First-order importance: the share of each objective&apos;s variance explained by each parameter alone (binned).
        {complete < FEW_TRIALS && complete >= 4 && (
          <span data-testid="importance-few">
            {' '}
            From only {complete} complete trials: a rough guide, not a ranking; the shares can change a lot with a few more trials.
          </span>
        )}
      </p>
    </>
  );
}
