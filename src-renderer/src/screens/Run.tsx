/** The live run view: progress and ETA, phase, live power per domain, trials, the front growing. */
import { useEffect, useMemo, useState } from 'react';
import { call, onEvent } from '../client';
import { formatDuration, formatMetric } from '../format';
import { Plot } from '../Plot';
import { useUi } from '../state';
import { useStudy } from '../useStudy';
import { FrontierPlot } from './FrontierPlot';

export function RunScreen({ name }: { name: string }) {
  const { go, setError } = useUi();
  const { view } = useStudy(name);
  const [power, setPower] = useState<{ tMs: number; domain: string; powerW: number }[]>([]);
  useEffect(() => onEvent('power.samples', (p) => p.name === name && setPower((old) => [...old, ...p.samples].slice(-600))), [name]);
  const powerTraces = useMemo(() => {
    const domains = [...new Set(power.map((s) => s.domain))];
    return domains.map((d) => {
      const pts = power.filter((s) => s.domain === d);
      return { type: 'scatter' as const, mode: 'lines' as const, name: d, x: pts.map((s) => new Date(s.tMs)), y: pts.map((s) => s.powerW) };
    });
  }, [power]);
  if (!view) return <p>Loading…</p>;
  const s = view.summary;
  const done = s.counts.complete + s.counts.failed + s.counts.pruned;
  const control = (action: 'pause' | 'resume' | 'stop') => call('study.control', { name, action }).catch((e: Error) => setError(e.message));
  return (
    <section>
      <h1>{name}</h1>
      {view.estimatedOnly && (
        <div className="banner" data-testid="estimated-banner">
          Energy figures in this study are <b>estimated</b> from the CPU&apos;s rated power and its load, not measured: this machine exposes no energy counter.
        </div>
      )}
      <div className="progress" data-testid="progress">
        <div className="bar" style={{ width: `${(100 * done) / Math.max(1, s.budget)}%` }} />
      </div>
      <p data-testid="progress-text">
        {done}/{s.budget} trials
        {view.running ? ` · ${view.running.state}` : done >= s.budget ? ' · finished' : ' · not running'}
        {view.running?.etaS != null ? ` · about ${formatDuration(view.running.etaS)} left` : ''}
        {view.running?.trial != null ? ` · trial ${view.running.trial}: ${view.running.phase ?? 'starting'}` : ''}
      </p>
      <p>
        {view.running ? (
          <>
            {view.running.state === 'paused' ? <button onClick={() => control('resume')}>Resume</button> : <button onClick={() => control('pause')} data-testid="pause">Pause</button>}{' '}
            <button onClick={() => control('stop')} data-testid="stop">
              Stop
            </button>
          </>
        ) : (
          done < s.budget && <button onClick={() => control('resume')}>Resume</button>
        )}{' '}
        <button onClick={() => go('explorer')} data-testid="to-explorer">
          Explore the results
        </button>
      </p>
      <div className="grid2">
        <div>
          <h2>Power (live)</h2>
          {powerTraces.length ? <Plot data={powerTraces} layout={{ yaxis: { title: { text: 'W' } }, showlegend: true }} height={260} testId="power-chart" /> : <p className="muted">Waiting for readings…</p>}
        </div>
        <div>
          <h2>Trade-off so far</h2>
          <FrontierPlot view={view} height={260} />
        </div>
      </div>
      <h2>Trials</h2>
      <table data-testid="trial-table">
        <thead>
          <tr>
            <th>#</th>
            <th>State</th>
            {view.objectives.map((o) => (
              <th key={o.metric}>{o.metric}</th>
            ))}
            <th>Training energy</th>
            <th>Reason / parameters</th>
          </tr>
        </thead>
        <tbody>
          {view.trials.map((t) => (
            <tr key={t.number}>
              <td>{t.number}</td>
              <td>{t.state}</td>
              {view.objectives.map((o) => (
                <td key={o.metric}>{formatMetric(t.metrics[o.metric as keyof typeof t.metrics], o.unit)}</td>
              ))}
              <td>{formatMetric(t.metrics.train_energy_j, 'J')}</td>
              <td className="small">{t.failure ? t.failure.message : Object.entries(t.params).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(3)) : v}`).join(' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
