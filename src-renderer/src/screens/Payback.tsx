/**
 * Beside the budget picker: did the search pay for itself? One sentence and a small chart of
 * cumulative energy against predictions for the chosen model (the campaign's energy first, then
 * its own per prediction) and the reference (its own per prediction), from the same shared
 * payback function the CLI and the reports use.
 */
import { useEffect, useState } from 'react';
import type { PaybackView } from '../../../src-main/shared/contract';
import { call } from '../client';
import { siAxisUnit } from '../chart-axes';
import { formatSi } from '../format';
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
  const nMax = p ? (p.predictions !== null && p.predictions > 0 ? 2 * p.predictions : p.referenceJPerPrediction > 0 ? (2 * p.campaignEnergyJ) / p.referenceJPerPrediction || 1000 : 1000) : 0;
  // the energy axis in the one SI unit its largest value suits ("15 kJ", not Plotly's "15k J")
  const e = p ? siAxisUnit(Math.max(p.campaignEnergyJ + p.chosenJPerPrediction * nMax, p.referenceJPerPrediction * nMax), 'J') : { factor: 1, unit: 'J' };
  const hover = `%{y:.3~g} ${e.unit} after %{x:,.0f} predictions`;
  return (
    <div className="card" data-testid="payback">
      <b>Did the search pay for itself?</b> Compared with{' '}
      <select value={reference ?? ''} onChange={(e) => setReference(e.target.value === '' ? null : Number(e.target.value))} aria-label="Compare with" data-testid="payback-reference">
        <option value="">the most accurate model (or the first trial)</option>
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
          {p.carbon && (
            <p className="small muted">
              In carbon: the campaign emitted {formatSi(p.carbon.campaignG, 'g')} CO2e at {view!.intensity.gPerKWh} g/kWh ({view!.intensity.country}
              {view!.intensity.worldFallback ? '; choose a country on the Reports screen for its own figure' : ''}); the payback point is the same.
            </p>
          )}
          {p.verdict !== 'same-model' && (
            <Plot
              height={240}
              testId="payback-chart"
              data={[
                { type: 'scatter', mode: 'lines', name: `model #${p.chosenTrial}: the search, then per prediction`, x: [0, nMax], y: [p.campaignEnergyJ * e.factor, (p.campaignEnergyJ + p.chosenJPerPrediction * nMax) * e.factor], hovertemplate: hover, line: { color: '#2e8b57' } },
                { type: 'scatter', mode: 'lines', name: `model #${p.referenceTrial} (reference)`, x: [0, nMax], y: [0, p.referenceJPerPrediction * nMax * e.factor], hovertemplate: hover, line: { color: '#555', dash: 'dash' } },
                ...(p.predictions !== null
                  ? [{ type: 'scatter' as const, mode: 'markers' as const, name: `pays back after ${p.text.predictions}`, x: [p.predictions], y: [p.referenceJPerPrediction * p.predictions * e.factor], hovertemplate: hover, marker: { color: '#c81e1e', size: 9 } }]
                  : []),
              ]}
              layout={{
                margin: { l: 60, r: 10, t: 10, b: 70 },
                xaxis: { title: { text: 'predictions made with the model' }, range: [0, nMax] },
                yaxis: { title: { text: 'cumulative energy' }, ticksuffix: ` ${e.unit}`, exponentformat: 'none', rangemode: 'tozero' },
                legend: { orientation: 'h', y: -0.5 },
                ...(p.interval ? { shapes: [{ type: 'rect', xref: 'x', yref: 'paper', x0: Math.min(p.interval.low, nMax), x1: Math.min(p.interval.high ?? nMax, nMax), y0: 0, y1: 1, fillcolor: '#2e8b57', opacity: 0.12, line: { width: 0 } }] } : {}),
              }}
            />
          )}
        </>
      )}
    </div>
  );
}
