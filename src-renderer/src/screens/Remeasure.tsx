/**
 * "Re-measure": before a user commits to a model, its inference energy measured again from the
 * kept model, K times (as `ecopt remeasure` does); the new figures and their spread beside the
 * first, which stays as it was.
 */
import { useCallback, useEffect, useState } from 'react';
import type { EventPayload, TrialView } from '../../../src-main/shared/contract';
import { describeChange, type Remeasurement } from '../../../src-main/shared/remeasure';
import { call, onEvent } from '../client';
import { formatSi } from '../format';

type Progress = EventPayload<'remeasure.progress'>;

function history(t: TrialView): Remeasurement[] {
  return (t.attrs.remeasured as Remeasurement[] | undefined) ?? [];
}

/**
 * `trial`: the chosen trial (null: none chosen); `front`: the Pareto-optimal trials;
 * `onMeasured`: after each new measurement is stored (the trial's detail reloads).
 */
export function RemeasurePanel({ name, trial, front, onMeasured }: { name: string; trial: number | null; front: number[]; onMeasured: () => void }) {
  const [dbPath, setDbPath] = useState<string | null>(null);
  const [repeats, setRepeats] = useState('3');
  const [problem, setProblem] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [job, setJob] = useState<number[] | null>(null);
  const [rows, setRows] = useState<TrialView[]>([]);
  const shown = job ?? (trial !== null ? [trial] : front);
  const key = shown.join(',');

  const load = useCallback(() => {
    const numbers = key ? key.split(',').map(Number) : [];
    Promise.all(numbers.map((number) => call('trial.get', { name, number }))).then(setRows, () => setRows([]));
  }, [name, key]);
  useEffect(load, [load]);
  useEffect(() => {
    call('app.info', {}).then((i) => setDbPath(i.dbPath), () => undefined);
  }, []);
  useEffect(
    () =>
      onEvent('remeasure.progress', (p) => {
        // another study's, or a study of the same name in a file another tab opened
        if (p.name !== name || (dbPath !== null && p.dbPath !== dbPath)) return;
        setProgress(p);
        if (p.state === 'measured' || p.state === 'finished') {
          load();
          onMeasured();
        }
        if (p.state === 'failed') setProblem(`The re-measurement stopped: ${p.message ?? 'no reason given'}`);
      }),
    [name, dbPath, load, onMeasured],
  );

  const k = Number(repeats);
  const badRepeats = !/^\d+$/.test(repeats.trim()) || k < 1 || k > 10;
  const busy = progress !== null && progress.state !== 'finished' && progress.state !== 'failed';
  const start = (trials: number[] | null) => {
    setProblem(null);
    call('trial.remeasure', { name, repeats: k, ...(trials ? { trials } : {}) }).then(
      (r) => {
        setJob(r.trials);
        setProgress({ name, dbPath: dbPath ?? '', state: 'measuring', trial: r.trials[0]!, repeat: 1, done: 0, total: r.trials.length * r.repeats });
      },
      (e: Error) => setProblem(e.message),
    );
  };

  const measured = rows.filter((t) => history(t).length > 0);
  return (
    <div className="card" data-testid="remeasure">
      <h2>Re-measure</h2>
      <p className="muted small">
        Runs the inference benchmark again from the kept model, in a fresh process each time, and stores each new measurement beside the first (which stays as it was): a
        figure that moves a lot was luck, not the model.
      </p>
      <p>
        <label htmlFor="remeasure-repeats">Times per model</label>{' '}
        <input
          id="remeasure-repeats"
          type="number"
          min={1}
          max={10}
          value={repeats}
          onChange={(e) => setRepeats(e.target.value)}
          aria-invalid={badRepeats}
          aria-describedby={badRepeats ? 'remeasure-repeats-problem' : undefined}
          data-testid="remeasure-repeats"
          style={{ width: '4em' }}
        />{' '}
        {trial !== null && (
          <button onClick={() => start([trial])} disabled={busy || badRepeats} data-testid="remeasure-trial">
            Re-measure model #{trial}
          </button>
        )}{' '}
        <button onClick={() => start(null)} disabled={busy || badRepeats || front.length === 0} data-testid="remeasure-front">
          Re-measure the front ({front.length} model{front.length === 1 ? '' : 's'})
        </button>
      </p>
      {badRepeats && (
        <p id="remeasure-repeats-problem" className="warning" role="alert">
          Times per model: enter a whole number from 1 to 10.
        </p>
      )}
      {problem && (
        <p className="error" role="alert" data-testid="remeasure-problem">
          {problem}
        </p>
      )}
      {progress && (
        <>
          <div className="progress" role="progressbar" aria-label="Re-measurements done" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done}>
            <div className="bar" style={{ width: `${(100 * progress.done) / Math.max(1, progress.total)}%` }} />
          </div>
          <p aria-live="polite" data-testid="remeasure-progress">
            {progress.state === 'finished'
              ? `Done: ${progress.done} of ${progress.total} measurements stored.`
              : progress.state === 'failed'
                ? `Stopped after ${progress.done} of ${progress.total} measurements.`
                : progress.state === 'measuring'
                  ? `Measuring model #${progress.trial} (time ${progress.repeat}): ${progress.done} of ${progress.total} done…`
                  : `Model #${progress.trial}, time ${progress.repeat}: ${formatSi(progress.jPerSample ?? NaN, 'J')} per prediction; ${progress.done} of ${progress.total} done…`}
          </p>
        </>
      )}
      {measured.length > 0 ? (
        <table className="small" data-testid="remeasure-results">
          <caption className="visually-hidden">Energy per prediction, first measured and measured again</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">First measured</th>
              <th scope="col">Measured again</th>
              <th scope="col">Change</th>
              <th scope="col">Spread of each</th>
            </tr>
          </thead>
          <tbody>
            {measured.map((t) => {
              const again = history(t);
              const first = t.trial.metrics.infer_energy_j_per_sample ?? null;
              return (
                <tr key={t.trial.number} data-testid={`remeasure-row-${t.trial.number}`}>
                  <td>#{t.trial.number}</td>
                  <td data-testid={`remeasure-first-${t.trial.number}`}>{first === null ? '—' : formatSi(first, 'J')}</td>
                  <td data-testid={`remeasure-again-${t.trial.number}`}>{again.map((a) => formatSi(a.jPerSample, 'J')).join(', ')}</td>
                  <td>{describeChange({ originalJ: first, againJ: again.map((a) => a.jPerSample) })}</td>
                  <td>{again.map((a) => (a.spreadRel === null ? '—' : `±${(a.spreadRel * 100).toFixed(0)}%`)).join(', ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p className="muted small" data-testid="remeasure-none">
          {shown.length === 1 ? `Model #${shown[0]} has` : 'These models have'} not been re-measured yet.
        </p>
      )}
    </div>
  );
}
