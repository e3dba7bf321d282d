/**
 * Beside the budget picker: did the search pay for itself? One sentence and a small chart of
 * cumulative energy against predictions for the chosen model (the campaign's energy first, then
 * its own per prediction) and the reference (its own per prediction), from the same shared
 * payback function the CLI and the reports use.
 */
import { useEffect, useState } from 'react';
import type { PaybackView } from '../../../src-main/shared/contract';
import { call } from '../client';
import { paybackFigure } from '../chart-axes';
import { formatSi, intensityText } from '../format';
import { Plot } from '../Plot';

export function PaybackPanel({ name, trial, trials }: { name: string; trial: number | null; trials: { number: number; state: string }[] }) {
  const [reference, setReference] = useState<number | null>(null);
  const [view, setView] = useState<PaybackView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (trial === null) return;
    let live = true;
    call('study.payback', { name, trial, ...(reference !== null ? { reference } : {}) }).then(
      (v) => {
        if (!live) return;
        setView(v);
        setProblem(null);
      },
      (e: Error) => live && setProblem(e.message),
    );
    return () => {
      live = false;
    };
  }, [name, trial, reference, trials.length]);
  if (trial === null) return null;
  const p = view?.payback ?? null;
  const figure = p ? paybackFigure(p) : null;
  return (
    <div className="card" data-testid="payback">
      <b>Did the search pay for itself?</b> Compared with{' '}
      <select value={reference ?? ''} onChange={(e) => setReference(e.target.value === '' ? null : Number(e.target.value))} aria-label="Compare with" data-testid="payback-reference">
        {/* the default reference named as the payback chose it: "model #3 (the most accurate trial)" or "model #0 (the first trial: …)" */}
        <option value="">{p && reference === null ? (p.untuned ? `itself (${p.referenceReason})` : `model #${p.referenceTrial} (${p.referenceReason})`) : 'the default: the most accurate model; for that model itself, the first trial'}</option>
        {trials
          .filter((t) => t.state === 'complete' && t.number !== trial)
          .map((t) => (
            <option key={t.number} value={t.number}>
              model #{t.number}
            </option>
          ))}
      </select>
      {problem && <p className="warning">{problem}</p>}
      {p && (
        <>
          <p data-testid="payback-sentence">{p.sentence}</p>
          {view?.remeasured && (
            <p className="small muted" data-testid="payback-remeasured">
              The search&apos;s {p.text.campaign} include {view.remeasured.runs} re-measurement{view.remeasured.runs === 1 ? '' : 's'} of {view.remeasured.trials} model
              {view.remeasured.trials === 1 ? '' : 's'} ({formatSi(view.remeasured.energyJ, 'J')}).
            </p>
          )}
          {p.carbon && (
            <p className="small muted">
              In carbon: the campaign emitted {formatSi(p.carbon.campaignG, 'g')} CO2e at {intensityText(view!.intensity.gPerKWh)} ({view!.intensity.country}
              {view!.intensity.worldFallback ? '; choose a country on the Reports screen for its own figure' : ''}){p.untuned ? '; nothing is saved per prediction to repay it.' : '; the payback point is the same.'}
            </p>
          )}
          {p.verdict !== 'same-model' && figure && <Plot height={240} testId="payback-chart" data={figure.data} layout={figure.layout} />}
        </>
      )}
    </div>
  );
}
