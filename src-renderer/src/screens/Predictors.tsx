/**
 * "What predicts energy": how well parameters, FLOPs, training time and inference latency track
 * the energy this study measured — the same numbers as `ecopt show` (shared/correlation.ts).
 */
import { useMemo, useState } from 'react';
import { describeCorrelation, energyPredictors, r2 } from '../../../src-main/shared/correlation';
import type { TrialLike } from '../../../src-main/shared/columns';
import { logTicks } from '../chart-axes';
import { METRICS } from '../format';
import { Plot } from '../Plot';

export function PredictorsPanel({ trials }: { trials: readonly TrialLike[] }) {
  const p = useMemo(() => energyPredictors(trials), [trials]);
  const [target, setTarget] = useState<'train_energy_j' | 'infer_energy_j_per_sample'>('infer_energy_j_per_sample');
  if (p.n < 3) return null;
  const rows = p.rows.filter((r) => r.target === target);
  return (
    <div className="card" data-testid="predictors">
      <h2>What predicts energy</h2>
      <p className="small">
        How closely each quantity tracks the{' '}
        <select aria-label="energy figure" value={target} onChange={(e) => setTarget(e.target.value as typeof target)}>
          <option value="infer_energy_j_per_sample">{METRICS.infer_energy_j_per_sample.label}</option>
          <option value="train_energy_j">{METRICS.train_energy_j.label}</option>
        </select>{' '}
        this study measured: Pearson&apos;s r (straight-line), Spearman&apos;s ρ (same order), with 95% intervals.
      </p>
      {p.warning && (
        <p className="warning" role="status">
          {p.warning}
        </p>
      )}
      <table className="small" data-testid="predictors-table">
        <tbody>
          {rows.map((r) => (
            <tr key={r.predictor}>
              <td>{METRICS[r.predictor].label}</td>
              <td>{describeCorrelation(r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="grid2">
        {rows.map((r) => (
          <Plot
            key={r.predictor}
            height={220}
            lazy
            data={[{ type: 'scatter', mode: 'markers', x: r.points.map((q) => q[0]), y: r.points.map((q) => q[1]), text: r.points.map((q) => `trial ${q[2]}`), marker: { size: 7 } }]}
            layout={{
              title: { text: `${METRICS[r.predictor].label}: r = ${r.pearson === null ? '—' : r2(r.pearson)}` },
              // ticks written with their unit ("100 µJ", "10 ms"), as the tables write them
              xaxis: { title: { text: METRICS[r.predictor].label }, type: 'log', ...logTicks(r.points.map((q) => q[0]), METRICS[r.predictor].unit) },
              yaxis: { title: { text: METRICS[target].label }, type: 'log', ...logTicks(r.points.map((q) => q[1]), METRICS[target].unit) },
            }}
          />
        ))}
      </div>
    </div>
  );
}
