/** The live run view: progress and ETA, phase, live power per domain, trials, the front growing. */
import { useEffect, useMemo, useState } from 'react';
import { call, onEvent } from '../client';
import { formatDuration, formatMetric, METRICS } from '../format';
import { powerAxis, powerTimeRange, powerTraces as powerTraceData } from '../chart-axes';
import { Plot } from '../Plot';
import { useUi } from '../state';
import { useStudy } from '../useStudy';
import { FrontierPlot } from './FrontierPlot';
import { hostsOf, trialsOfClass } from '../../../src-main/shared/classes';
import { GUESS_MARK_NOTE, guessMark } from '../../../src-main/shared/analysis';
import { otherLoadText } from '../../../src-main/shared/meter-words';

export function RunScreen({ name }: { name: string }) {
  const { go, setError } = useUi();
  const { view } = useStudy(name);
  const [power, setPower] = useState<{ tMs: number; domain: string; powerW: number }[]>([]);
  const [stored, setStored] = useState<{ trial: number | null; samples: { tMs: number; domain: string; powerW: number }[] } | null>(null);
  useEffect(() => onEvent('power.samples', (p) => p.name === name && setPower((old) => [...old, ...p.samples].slice(-600))), [name]);
  const running = view?.running != null;
  const loaded = view !== null;
  const finishedCount = view ? view.trials.filter((t) => t.finishedAt !== null).length : 0;
  // the power stored with the last measured trial: all there is to show of a finished study, and
  // the lead-in to the live readings of a running one opened (or reloaded) mid-run
  useEffect(() => {
    if (!loaded || (running && stored)) return;
    call('study.power', { name }).then(setStored, (e: Error) => setError(e.message));
  }, [name, running, finishedCount, setError, loaded]);
  // the readings only, as they came: no point is added before the first (the y axis starts at 0 W by its range)
  const powerTraces = useMemo(() => powerTraceData(stored?.samples ?? null, power, running), [stored, power, running]);
  // while running, at least half a minute of time axis; once ended, the axis ends at the data
  const powerLayout = useMemo(() => {
    const ts = powerTraces.flatMap((t) => t.x.filter((x): x is Date => x !== null).map((x) => x.getTime()));
    return { yaxis: { ...powerAxis(), rangemode: 'tozero' as const }, xaxis: { title: { text: 'time' }, ...powerTimeRange(ts, running) }, showlegend: true };
  }, [powerTraces, running]);
  const hosts = useMemo(() => (view ? hostsOf(view.trials) : []), [view]);
  const numberOfId = useMemo(() => new Map((view?.trials ?? []).map((t) => [t.id, t.number])), [view]);
  const guesses = useMemo(() => new Map((view?.guesses ?? []).map((g) => [g.trial, g.validation])), [view]);
  // over several hardware classes, the front drawn is the first class's (the server's `front`)
  const plotted = useMemo(() => (view?.classes ? { ...view, trials: trialsOfClass(view.trials, view.classes[0]!.id) } : view), [view]);
  if (!view || !plotted) return <p role="status">Loading…</p>;
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
      {otherLoadText(view.load) && (
        <div className="banner" data-testid="load-banner">
          {otherLoadText(view.load)}
        </div>
      )}
      {view.remote && (
        <p className="muted small" data-testid="remote-note">
          Read from {view.remote.location}, read-only: its trials are run by <code>ecopt worker {name} --storage &lt;url&gt;</code> on the machines that share it (refreshed every 2 s).
        </p>
      )}
      {view.classes && (
        <div className="banner" data-testid="class-banner">
          ⚠ This study ran on {view.classes.length} hardware classes: energy is compared only within one hardware class. The trade-off below is of class{' '}
          {view.classes[0]!.id} ({view.classes[0]!.label}); the explorer shows each.
        </div>
      )}
      <div className="progress" data-testid="progress" role="progressbar" aria-label="Trials done" aria-valuemin={0} aria-valuemax={s.budget} aria-valuenow={done}>
        <div className="bar" style={{ width: `${(100 * done) / Math.max(1, s.budget)}%` }} />
      </div>
      <p data-testid="progress-text" aria-live="polite">
        {done}/{s.budget} trials
        {view.running
          ? ` · ${view.running.state}`
          : done >= s.budget
            ? ' · finished'
            : view.remote && s.counts.running
              ? ` · ${s.counts.running} running on workers`
              : ' · not running'}
        {view.running?.etaS != null ? ` · about ${formatDuration(view.running.etaS)} left` : ''}
        {view.running?.trial != null ? ` · trial ${view.running.trial}: ${view.running.phase ?? 'starting'}` : ''}
      </p>
      <p>
        {view.remote ? null : view.running ? (
          <>
            {view.running.state === 'paused' ? (
              <button onClick={() => control('resume')}>Resume</button>
            ) : (
              <button onClick={() => control('pause')} data-testid="pause">
                Pause
              </button>
            )}{' '}
            <button onClick={() => control('stop')} data-testid="stop">
              Stop
            </button>
          </>
        ) : (
          done < s.budget && !view.remote && <button onClick={() => control('resume')}>Resume</button>
        )}{' '}
        <button onClick={() => go('explorer')} data-testid="to-explorer">
          Explore the results
        </button>
      </p>
      <div className="grid2">
        <div>
          <h2>{running ? 'Power (live)' : power.length ? 'Power during the run (ended)' : `Power of the last trial${stored?.trial != null ? ` (#${stored.trial}, stored)` : ''}`}</h2>
          {/* the counters read the machine: a trial's own share is in its energy figures, not here */}
          <p className="muted small">The whole machine&apos;s power, other programs included; each trial&apos;s energy figures are its own share.</p>
          {powerTraces.length ? (
            <Plot data={powerTraces} layout={powerLayout} height={260} testId="power-chart" />
          ) : (
            <p className="muted" data-testid="power-empty">
              {running ? 'Waiting for readings…' : stored ? 'No power readings were stored for this study.' : 'Loading the stored readings…'}
            </p>
          )}
        </div>
        <div>
          <h2>{running ? 'Trade-off so far' : 'Trade-off'}</h2>
          {view.trials.some((t) => t.state === 'complete') ? (
            <FrontierPlot view={plotted} height={260} />
          ) : (
            <p className="muted" data-testid="frontier-empty">
              Each model appears here, {view.objectives.some((o) => o.metric === 'rmse') ? 'its error (RMSE)' : 'accuracy'} against energy per prediction, as soon as it is measured.
            </p>
          )}
        </div>
      </div>
      <h2>Trials</h2>
      <table data-testid="trial-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">State</th>
            {hosts.length > 1 && <th scope="col">Host</th>}
            {view.objectives.map((o) => (
              <th scope="col" key={o.metric}>
                {METRICS[o.metric as keyof typeof METRICS]?.label ?? o.metric}
              </th>
            ))}
            <th scope="col">Training energy</th>
            <th scope="col">Reason / parameters</th>
          </tr>
        </thead>
        <tbody>
          {view.trials.map((t) => (
            <tr key={t.number}>
              <td>{t.number}</td>
              <td>
                {t.state}
                {/* as `ecopt show` says it: the trial a Ctrl-C or a lost worker interrupted, run again */}
                {t.retryOf !== null && numberOfId.has(t.retryOf) ? ` (re-run of #${numberOfId.get(t.retryOf)})` : ''}
              </td>
              {hosts.length > 1 && <td>{t.host ?? '—'}</td>}
              {view.objectives.map((o) => (
                <td key={o.metric}>
                  {formatMetric(t.metrics[o.metric as keyof typeof t.metrics], o.unit)}
                  {o.metric === 'accuracy' && guessMark(t.metrics.accuracy, guesses.get(t.number)) && (
                    <span className="warning small" data-testid="guess-mark" title={GUESS_MARK_NOTE}>
                      {' '}
                      {guessMark(t.metrics.accuracy, guesses.get(t.number))}
                    </span>
                  )}
                </td>
              ))}
              <td>{formatMetric(t.metrics.train_energy_j, 'J')}</td>
              <td className="small">{t.failure ? t.failure.message : Object.entries(t.params).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(3)) : v}`).join(' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {view.objectives.some((o) => o.metric === 'accuracy') && view.trials.some((t) => guessMark(t.metrics.accuracy, guesses.get(t.number))) && (
        <p className="muted small" data-testid="guess-note">
          {GUESS_MARK_NOTE}
        </p>
      )}
    </section>
  );
}
