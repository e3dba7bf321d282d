/**
 * The new-study wizard, in plain language: dataset → model and search space → what matters and
 * the limits → review and run. Nothing is required that has a default; the study file is checked
 * as the user types with the same rules as the CLI.
 */
import { useEffect, useMemo, useState } from 'react';
import type { StudySpecInput } from '../../../src-main/shared/spec';
import { formatSpecIssues, parseStudySpec } from '../../../src-main/shared/spec';
import type { DatasetSummaryView } from '../../../src-main/shared/types';
import type { Response } from '../../../src-main/shared/contract';
import { call } from '../client';
import { useUi } from '../state';

type Preset = 'quick' | 'standard' | 'thorough';
type Space = NonNullable<StudySpecInput['space']>;

function DatasetPreview({ d }: { d: DatasetSummaryView }) {
  if ('images' in d.preview) {
    return (
      <div className="thumbs">
        {d.preview.images.map((img, i) => (
          <figure key={i}>
            <svg width={img.width * 3} height={img.height * 3} viewBox={`0 0 ${img.width} ${img.height}`}>
              {img.pixels.map((p, k) => (
                <rect key={k} x={k % img.width} y={Math.floor(k / img.width)} width={1} height={1} fill={`rgb(${p},${p},${p})`} />
              ))}
            </svg>
            <figcaption>{img.label}</figcaption>
          </figure>
        ))}
      </div>
    );
  }
  return (
    <table className="small">
      <thead>
        <tr>{d.preview.columns.map((c) => <th key={c}>{c}</th>)}</tr>
      </thead>
      <tbody>
        {d.preview.rows.map((r, i) => (
          <tr key={i}>{r.map((v, j) => <td key={j}>{typeof v === 'number' ? Number(v.toPrecision(3)) : v}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}

function estimateMinutes(spec: StudySpecInput): number {
  const epochs = spec.space?.epochs && 'high' in spec.space.epochs ? (spec.space.epochs.low + spec.space.epochs.high) / 2 : 5;
  const rows = spec.dataset && 'builtin' in spec.dataset && spec.dataset.builtin === 'iris' ? 150 : (spec.dataset?.maxSamples ?? 10000);
  const perTrialS = 1.5 + (spec.trial?.minInferS ?? 1) + (epochs * rows) / 6000;
  return ((spec.trials ?? 0) * perTrialS + (spec.meters?.idleBaselineS ?? 10)) / 60;
}

export function WizardScreen() {
  const { go, setError } = useUi();
  const [step, setStep] = useState(0);
  const [datasets, setDatasets] = useState<DatasetSummaryView[]>([]);
  const [dataset, setDataset] = useState<'digits' | 'iris' | 'csv'>('digits');
  const [csvPath, setCsvPath] = useState('');
  const [csv, setCsv] = useState<Response<'datasets.inspect'> | null>(null);
  const [preset, setPreset] = useState<Preset>('quick');
  const [spec, setSpec] = useState<StudySpecInput | null>(null);
  const [trainingEnergy, setTrainingEnergy] = useState(false);
  const [maxMj, setMaxMj] = useState('');
  const [minAcc, setMinAcc] = useState('');
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    call('datasets.list', {}).then(setDatasets, (e: Error) => setError(e.message));
  }, [setError]);
  useEffect(() => {
    // a CSV study takes the tabular preset, with the user's file as its data
    call('spec.preset', { dataset: dataset === 'csv' ? 'iris' : dataset, preset }).then((s) => {
      const base = s as StudySpecInput;
      setSpec(dataset === 'csv' && csv ? { ...base, name: `${csvPath.split(/[\\/]/).pop()!.replace(/\.csv$/i, '')}-${preset}`, dataset: { csv: csvPath, target: csv.target } } : base);
    }, (e: Error) => setError(e.message));
  }, [dataset, preset, csv, csvPath, setError]);
  const inspect = (target?: string) =>
    call('datasets.inspect', { csv: csvPath, ...(target ? { target } : {}) }).then(
      (r) => {
        setCsv(r);
        setDataset('csv');
      },
      (e: Error) => setError(e.message),
    );

  const final = useMemo<StudySpecInput | null>(() => {
    if (!spec) return null;
    const regression = dataset === 'csv' && csv?.summary?.task === 'regression';
    const objectives: StudySpecInput['objectives'] = [
      regression ? { metric: 'rmse', direction: 'minimize' } : { metric: 'accuracy', direction: 'maximize', ...(minAcc !== '' ? { threshold: Number(minAcc) / 100 } : {}) },
      { metric: 'infer_energy_j_per_sample', direction: 'minimize', ...(maxMj !== '' ? { threshold: Number(maxMj) / 1000 } : {}) },
      ...(trainingEnergy ? [{ metric: 'train_energy_j' as const, direction: 'minimize' as const }] : []),
    ];
    return { ...spec, objectives };
  }, [spec, trainingEnergy, maxMj, minAcc, dataset, csv]);
  const check = useMemo(() => (final ? parseStudySpec(final) : null), [final]);
  const current = dataset === 'csv' ? (csv?.summary ?? undefined) : datasets.find((d) => d.name === dataset);

  const setRange = (name: string, field: 'low' | 'high' | 'log', value: number | boolean) => {
    if (!spec?.space) return;
    const p = spec.space[name]!;
    setSpec({ ...spec, space: { ...spec.space, [name]: { ...p, [field]: value } as Space[string] } });
  };

  const steps = ['Dataset', 'Model and search', 'What matters', 'Your own script', 'Review and run'];
  return (
    <section>
      <h1>New study</h1>
      <ol className="steps">
        {steps.map((s, i) => (
          <li key={s} className={i === step ? 'active' : ''}>
            <button onClick={() => setStep(i)}>{s}</button>
          </li>
        ))}
      </ol>

      {step === 0 && (
        <div data-testid="step-dataset">
          <p>Which data should the models learn from?</p>
          {datasets.map((d) => (
            <label key={d.name} className="choice">
              <input type="radio" name="dataset" checked={dataset === d.name} onChange={() => setDataset(d.name as 'digits' | 'iris')} data-testid={`dataset-${d.name}`} />
              <b>{d.name}</b> — {d.kind === 'image' ? 'small images' : 'a table'}, {d.rows.toLocaleString()} rows, {d.classes.length} classes, {d.features} features
            </label>
          ))}
          <div className="choice">
            <label>
              <input type="radio" name="dataset" checked={dataset === 'csv'} disabled={!csv} onChange={() => setDataset('csv')} /> A CSV file of your own:{' '}
            </label>
            <input value={csvPath} onChange={(e) => setCsvPath(e.target.value)} placeholder="/path/to/data.csv" size={40} data-testid="csv-path" />{' '}
            <button onClick={() => inspect()} disabled={!csvPath} data-testid="csv-inspect">
              Read it
            </button>
            {csv && (
              <>
                {' '}
                predict{' '}
                <select value={csv.target} onChange={(e) => void inspect(e.target.value)} data-testid="csv-target">
                  {csv.columns.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
                <ul className="small">{csv.notes.map((n) => <li key={n}>{n}</li>)}</ul>
              </>
            )}
          </div>
          <label className="choice disabled">
            <input type="radio" disabled /> A folder of images of your own — not available yet in this version.
          </label>
          {current && (
            <div className="card" data-testid="dataset-summary">
              <p>
                {current.rows.toLocaleString()} rows · {current.features} features ·{' '}
                {current.task === 'regression' ? 'regression (a number to predict)' : `classes: ${current.classes.map((c) => `${c.name} (${c.count})`).join(', ')}`}
              </p>
              {current.warnings.map((w) => (
                <p key={w} className="warning">
                  {w}
                </p>
              ))}
              <DatasetPreview d={current} />
            </div>
          )}
          <button className="primary" onClick={() => setStep(1)} data-testid="next">
            Next
          </button>
        </div>
      )}

      {step === 1 && spec && (
        <div data-testid="step-model">
          <p>How hard should ECOpt search? Bigger searches find better trade-offs and use more energy.</p>
          {(['quick', 'standard', 'thorough'] as Preset[]).map((p) => (
            <label key={p} className="choice">
              <input type="radio" name="preset" checked={preset === p} onChange={() => setPreset(p)} data-testid={`preset-${p}`} /> <b>{p}</b>
              {p === 'quick' ? ' — a few small models, minutes' : p === 'standard' ? ' — a proper search, tens of minutes' : ' — wide ranges and many trials, hours'}
            </label>
          ))}
          <details>
            <summary>Advanced: the search ranges</summary>
            <table>
              <thead>
                <tr>
                  <th>Parameter</th>
                  <th>From</th>
                  <th>To</th>
                  <th>Log scale</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(spec.space ?? {}).map(([name, p]) =>
                  p.type === 'float' || p.type === 'int' ? (
                    <tr key={name}>
                      <td>{name}</td>
                      <td>
                        <input type="number" value={p.low} step="any" onChange={(e) => setRange(name, 'low', Number(e.target.value))} data-testid={`low-${name}`} />
                      </td>
                      <td>
                        <input type="number" value={p.high} step="any" onChange={(e) => setRange(name, 'high', Number(e.target.value))} data-testid={`high-${name}`} />
                      </td>
                      <td>
                        <input type="checkbox" checked={p.log ?? false} onChange={(e) => setRange(name, 'log', e.target.checked)} />
                      </td>
                    </tr>
                  ) : (
                    <tr key={name}>
                      <td>{name}</td>
                      <td colSpan={3}>{p.type === 'categorical' ? p.choices.join(', ') : String(p.value)}</td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </details>
          {check && !check.ok && (
            <pre className="error" data-testid="spec-issues">
              {formatSpecIssues(check.issues)}
            </pre>
          )}
          <button className="primary" onClick={() => setStep(2)} data-testid="next">
            Next
          </button>
        </div>
      )}

      {step === 2 && spec && (
        <div data-testid="step-objectives">
          <p>ECOpt looks for the best trade-offs between <b>accuracy</b> and <b>energy per prediction</b>.</p>
          <label className="choice">
            <input type="checkbox" checked={trainingEnergy} onChange={(e) => setTrainingEnergy(e.target.checked)} /> Also keep training energy low
          </label>
          <label className="choice">
            Energy per prediction at most <input type="number" min="0" step="any" value={maxMj} onChange={(e) => setMaxMj(e.target.value)} data-testid="limit-energy" /> mJ (optional)
          </label>
          <label className="choice">
            Accuracy at least <input type="number" min="0" max="100" step="any" value={minAcc} onChange={(e) => setMinAcc(e.target.value)} data-testid="limit-accuracy" /> % (optional)
          </label>
          <label className="choice">
            Number of models to try <input type="number" min="1" value={spec.trials} onChange={(e) => setSpec({ ...spec, trials: Number(e.target.value) })} data-testid="trials" />
          </label>
          <label className="choice">
            Stop after at most <input type="number" min="0" value={spec.timeBudgetS ? spec.timeBudgetS / 60 : ''} onChange={(e) => setSpec({ ...spec, ...(e.target.value ? { timeBudgetS: Number(e.target.value) * 60 } : { timeBudgetS: undefined }) })} /> minutes (optional)
          </label>
          <label className="choice">
            Measure the idle machine first for <input type="number" min="0" value={spec.meters?.idleBaselineS ?? 10} onChange={(e) => setSpec({ ...spec, meters: { idleBaselineS: Number(e.target.value) } })} data-testid="idle" /> s (0 skips; needed for energy net of idle)
          </label>
          {final && <p data-testid="estimate">Estimated duration: about {Math.max(1, Math.round(estimateMinutes(final)))} min on a machine like this one.</p>}
          {check && !check.ok && (
            <pre className="error" data-testid="spec-issues">
              {formatSpecIssues(check.issues)}
            </pre>
          )}
          <button className="primary" onClick={() => setStep(3)} data-testid="next">
            Next
          </button>
        </div>
      )}

      {step === 3 && (
        <div data-testid="step-command">
          <p>
            Practitioners can have ECOpt run their own training command (a PyTorch script, say) as each trial. That arrives with command trials; until then
            studies use the built-in trainer.
          </p>
          <button className="primary" onClick={() => setStep(4)} data-testid="next">
            Next
          </button>
        </div>
      )}

      {step === 4 && final && (
        <div data-testid="step-review">
          <label className="choice">
            Study name <input value={final.name} onChange={(e) => spec && setSpec({ ...spec, name: e.target.value })} data-testid="study-name" />
          </label>
          <p>
            {final.trials} models on <b>{final.dataset ? ('builtin' in final.dataset ? final.dataset.builtin : 'csv' in final.dataset ? final.dataset.csv : final.dataset.images) : 'your command'}</b>, sampler <b>{String(final.sampler)}</b>; objectives: {final.objectives.map((o) => o.metric).join(', ')}.
          </p>
          <details>
            <summary>The study file</summary>
            <pre className="small">{JSON.stringify(final, null, 2)}</pre>
          </details>
          {check && !check.ok && (
            <pre className="error" data-testid="spec-issues">
              {formatSpecIssues(check.issues)}
            </pre>
          )}
          <button
            className="primary"
            disabled={!check?.ok || starting}
            data-testid="run"
            onClick={() => {
              setStarting(true);
              call('study.start', { spec: final }).then(
                (r) => go('run', r.name),
                (e: Error) => {
                  setStarting(false);
                  setError(e.message);
                },
              );
            }}
          >
            Run
          </button>
        </div>
      )}
    </section>
  );
}
