/**
 * The frontier explorer: any pair of objectives (3-D for three), click a point for the trial's
 * detail, hypervolume history, parameter importance, and the budget picker: "the best model under
 * 2 mJ per prediction", with the trade-off in a sentence.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { TrialView } from '../../../src-main/shared/contract';
import type { HardwareClassView } from '../../../src-main/shared/classes';
import { batchingText, dataUnit, guessOf, noModelText, testClassesOf, testClassesText, isRegressionResult, partsText, littleLearnt, littleLearntText, pickByBudget, pickComparisons, pickTestText, splitOf, studyQuality } from '../../../src-main/shared/analysis';
import { projectionCheck, projectionCheckText } from '../../../src-main/shared/projection-check';
import { trialsOfClass } from '../../../src-main/shared/classes';
import { parseBudget } from '../../../src-main/shared/budget';
import { comparisonChecks } from '../../../src-main/shared/remeasure';
import { shellWord } from '../../../src-main/shared/shell-word';
import { METRIC_NAMES, type MetricName } from '../../../src-main/shared/types';
import { call } from '../client';
import { download } from '../download';
import { formatMetric, formatSi, METRICS } from '../format';
import { learningCurveLayout, phaseMarks, powerAxis } from '../chart-axes';
import { cpuShareText, curvePoints, hardwareClassText, inferenceUncertaintyText, mergeFlags, spreadText, windowLabel } from '../trial-detail';
import { Plot } from '../Plot';
import { useUi } from '../state';
import { useExplore } from '../useStudy';
import { otherLoadText } from '../../../src-main/shared/meter-words';
import { FrontierPlot } from './FrontierPlot';
import { HypervolumePanel } from './HypervolumePanel';
import { ImportancePanel } from './ImportancePanel';
import { PaybackPanel } from './Payback';
import { PredictorsPanel } from './Predictors';
import { RemeasurePanel } from './Remeasure';
import { targetUnitsText } from '../../../src-main/shared/spec';



interface Taken {
  trial: number;
  file: string;
  files: string[];
  /** `command`: what a command trial handed back, in its own format. */
  kind: 'ecopt' | 'command';
}

/** The trained model itself, with its model card, as a .zip: from the budget's pick or from any trial's detail. */
function useTakeModel(name: string): { taken: Taken | null; take: (trial: number) => void } {
  const { setError } = useUi();
  const [taken, setTaken] = useState<Taken | null>(null);
  const take = useCallback(
    (trial: number) => {
      call('model.download', { name, trial }).then(
        (z) => {
          download(z.name, z.mimeType, z.base64);
          setTaken({ trial, file: z.name, files: z.files, kind: z.kind });
        },
        (e: Error) => setError(e.message),
      );
    },
    [name, setError],
  );
  return { taken, take };
}

/** What came down and how to use it. */
function TakenNote({ taken, testId }: { taken: Taken; testId: string }) {
  if (taken.kind === 'command')
    return (
      <p className="muted small" role="status" data-testid={testId}>
        Downloaded <b>{taken.file}</b>: what your command handed back for model #{taken.trial}, in its own format (load it with your script), with{' '}
        <code>params.json</code>, the study file and its model card (its accuracy and energy, where each figure came from, and the command line that made it).
      </p>
    );
  return (
    <p className="muted small" role="status" data-testid={testId}>
      Downloaded <b>{taken.file}</b>: model #{taken.trial} in TensorFlow.js format, the preprocessing it needs and its model card (what it predicts, its accuracy and
      energy, how to reproduce it). Unzip it and, in the folder ECOpt is installed in, run <code>npx ecopt predict &lt;folder&gt; {takenInput(taken.files)} --out predictions.csv</code>{' '}
      (after <code>npm link</code> there, <code>ecopt predict …</code> works in any folder), or load <code>model.json</code> with TensorFlow.js.
    </p>
  );
}

/**
 * `version`: bumped when the trial's windows change (a re-measurement stored); `classes`: the study's, where it spans several (each with its label);
 * `takeable`: whether models can be taken from here (not from a study read off a database server: its models are on its workers);
 * `commandStudy`: a command's model is only what it handed back.
 */
function TrialDetail({
  name,
  number,
  version,
  classes,
  takeable,
  commandStudy,
  target,
  dataset,
}: {
  name: string;
  number: number;
  version: number;
  classes?: readonly HardwareClassView[] | undefined;
  takeable: boolean;
  commandStudy: boolean;
  /** A CSV study's column to predict: a regression's RMSE is in its units. */
  target: string | null;
  /** The study's data label ("csv:houses.csv", "images:photos", "builtin:digits"): its parts are counted in rows, images or samples. */
  dataset: string;
}) {
  const { setError, go } = useUi();
  const { taken, take } = useTakeModel(name);
  const [t, setT] = useState<TrialView | null>(null);
  useEffect(() => {
    call('trial.get', { name, number }).then(setT, (e: Error) => setError(e.message));
  }, [name, number, setError, version]);
  if (!t) return null;
  const curve = curvePoints(t.attrs.learning_curve);
  // a command's step lines carry whatever accuracy it printed (training or validation): ECOpt cannot say which
  const accuracyLabel = commandStudy ? 'accuracy (as reported)' : 'validation accuracy';
  // a regression study's quality is its RMSE (it measures no accuracy)
  const regressionTrial = isRegressionResult(t.trial.metrics);
  // the built-in trainer fits a regression on the target scaled to mean 0 and sd 1: its loss is that scale's squared error
  // the built-in trainer's curve is the training loss; the card's "Loss (validation)" is another figure (walk 48: 1.06 here, 0.97 there)
  const lossLabel = commandStudy ? 'loss' : regressionTrial ? 'training loss (MSE, standardised target)' : 'training loss';
  const testGuess = guessOf(t.attrs, 'test');
  const testClasses = testClassesOf(t.attrs);
  // how many rows (images) each part holds (walk 48: 25 validation images, every accuracy a multiple of 4%, said nowhere)
  const split = splitOf(t.attrs);
  const unit = dataUnit(dataset);
  const domains = [...new Set(t.power.map((p) => p.domain))];
  const marks = phaseMarks(t.windows, t.power.map((p) => p.tMs));
  // the trace is of the domains' readings: estimated where any of them is an estimate
  const estimatedPower = t.windows.some((w) => w.domains.some((d) => domains.includes(d.domain) && d.method === 'estimated'));
  const flags = mergeFlags(t.windows);
  const cpuShares = t.windows.flatMap((w, i) => {
    const line = cpuShareText({ ...w, phase: windowLabel(t.windows, i) });
    return line === null ? [] : [line];
  });
  const projection = projectionCheck(t.attrs.train_projection);
  const hwClass = t.trial.hardwareClass ? hardwareClassText(t.trial.hardwareClass, t.hardwareClassLabel ?? classes?.find((c) => c.id === t.trial.hardwareClass)?.label) : null;
  return (
    <div className="card" data-testid="trial-detail">
      {/* "Model #7", as the budget picker, the take and report buttons and the report call it; a trial that ended without a model stays a trial */}
      <h2>{t.trial.state === 'complete' ? `Model #${t.trial.number}` : `Trial ${t.trial.number} (${t.trial.state})`}</h2>
      {/* any trial can be taken away, not only the budget's pick: a point clicked on the front, or the closest model when none meets the budget */}
      {t.trial.state === 'complete' && (
        <p>
          {takeable && t.modelKept && (
            <>
              <button onClick={() => take(t.trial.number)} data-testid="detail-take-model">
                Take model #{t.trial.number}
              </button>{' '}
            </>
          )}
          <button onClick={() => go('reports')} data-testid="detail-report">
            Energy report of #{t.trial.number}
          </button>
          {takeable && !t.modelKept && (
            <span className="muted small" data-testid="detail-no-model">
              {' '}
              {noModelText(t.attrs, commandStudy)}
            </span>
          )}
          {/* walk 54: on a study read from a database server the button was simply missing */}
          {!takeable && (
            <span className="muted small" data-testid="detail-remote-model">
              {' '}
              Its model is kept by the worker that trained it{t.trial.host !== null ? ` (on ${t.trial.host})` : ''}: to take it, run <code>ecopt export {shellWord(name)} --storage &lt;the URL&gt; --trial {t.trial.number}</code> on that machine.
            </span>
          )}
        </p>
      )}
      {taken && taken.trial === t.trial.number && <TakenNote taken={taken} testId="detail-taken-note" />}
      {t.trial.host !== null && (
        <p className="muted small" data-testid="detail-host">
          Ran on {t.trial.host}
          {hwClass && (
            <>
              , <span title={`hardware class id ${hwClass.id}`}>{hwClass.text}</span>
            </>
          )}
        </p>
      )}
      <p className="small">
        {Object.entries(t.trial.params).map(([k, v]) => `${k} = ${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`).join(' · ')}
      </p>
      {split && (
        <p className="small muted" data-testid="detail-split">
          {partsText(split, unit)}
          {!regressionTrial && !commandStudy && split.validation < 100 && (
            <>
              : on {split.validation} validation {unit}, one is {(100 / split.validation).toFixed(1)} points of accuracy, so close figures may not differ
            </>
          )}
          .
        </p>
      )}
      <table className="small">
        <tbody>
          <tr>
            {regressionTrial ? (
              <>
                <td title="root-mean-square error of its predictions, in the target's own units: lower is better">{commandStudy ? 'RMSE (as reported)' : 'RMSE (validation)'}</td>
                <td data-testid="detail-accuracy">{formatMetric(t.trial.metrics.rmse, 'target units')}</td>
              </>
            ) : (
              <>
                <td>{commandStudy ? 'Accuracy (as reported)' : 'Accuracy (validation)'}</td>
                <td data-testid="detail-accuracy">{formatMetric(t.trial.metrics.accuracy, 'fraction')}</td>
              </>
            )}
            <td>Energy per prediction</td>
            <td data-testid="detail-energy">{formatMetric(t.trial.metrics.infer_energy_j_per_sample, 'J')}</td>
          </tr>
          <tr>
            <td>Trainable parameters</td>
            <td>{formatMetric(t.trial.metrics.param_count, 'parameters')}</td>
            <td>FLOPs per prediction</td>
            <td>{formatMetric(t.trial.metrics.flops_per_inference, 'FLOP')}</td>
          </tr>
          <tr>
            <td>Training energy</td>
            <td>{formatMetric(t.trial.metrics.train_energy_j, 'J')}</td>
            <td>Training time</td>
            <td data-testid="detail-train-time">
              {formatMetric(t.trial.metrics.train_duration_s, 's')}
              {trainWindowNote(t)}
            </td>
          </tr>
          <tr>
            <td>Whole machine, training</td>
            <td>{formatMetric(t.trial.metrics.train_energy_gross_j, 'J')}</td>
            <td>Whole machine, per prediction</td>
            <td>{formatMetric(t.trial.metrics.infer_energy_gross_j_per_sample, 'J')}</td>
          </tr>
          {typeof t.attrs.test_accuracy === 'number' && (
            <tr>
              <td>Accuracy on held-out test data</td>
              <td data-testid="detail-test-accuracy">{formatMetric(t.attrs.test_accuracy, 'fraction')}</td>
              <td colSpan={2} className="muted" data-testid="detail-test-guess">
                never seen in training or in choosing; what to expect on new data
                {testGuess !== null && <>; always answering the most frequent class would score {formatMetric(testGuess, 'fraction')}</>}
                {testGuess !== null && littleLearnt(t.attrs.test_accuracy, testGuess) && <span className="warning"> {littleLearntText(t.attrs.test_accuracy, testGuess)}</span>}
              </td>
            </tr>
          )}
          {testClasses && (
            <tr>
              <td>Right on the test data, class by class</td>
              <td colSpan={3} data-testid="detail-test-classes">
                {testClassesText(testClasses)}
              </td>
            </tr>
          )}
          {typeof t.attrs.test_rmse === 'number' && (
            <tr>
              <td>RMSE on held-out test data</td>
              <td data-testid="detail-test-accuracy">{formatMetric(t.attrs.test_rmse, 'target units')}</td>
              <td colSpan={2} className="muted">
                {targetUnitsText(target)}; never seen in training or in choosing: what to expect on new data
              </td>
            </tr>
          )}
          {commandStudy && typeof t.attrs.reported_test_accuracy === 'number' && (
            <tr>
              <td>Test accuracy (as reported)</td>
              <td data-testid="detail-test-accuracy">{formatMetric(t.attrs.reported_test_accuracy, 'fraction')}</td>
              <td colSpan={2} className="muted">
                as your command reported it, on data ECOpt does not know
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {projection && (
        <p className="small" data-testid="detail-projection">
          Training was projected while it ran: {projectionCheckText(projection)}.
        </p>
      )}
      <p className="small" data-testid="attribution">
        Energy figures are this trial&apos;s own share of the machine&apos;s energy ({String(t.attrs.attribution ?? 'the whole machine')})
        {spreadText(t.attrs.energy_spread_rel)}.
      </p>
      <h3>Energy per phase and domain</h3>
      <table className="small" data-testid="provenance">
        <thead>
          <tr>
            <th>Phase</th>
            <th>Domain</th>
            <th>This trial</th>
            <th>Whole machine</th>
            <th>Net of idle</th>
            <th>How obtained</th>
          </tr>
        </thead>
        <tbody>
          {t.windows.flatMap((w, i) => {
            const phase = windowLabel(t.windows, i);
            // a share of 0 J because the trial's processes used no measurable CPU time: marked in the cell, not a plain zero (walk 54)
            const noShare = w.flags?.some((f) => f.kind === 'no-own-share') ?? false;
            return w.domains.map((d) => (
              <tr key={`${i}-${d.domain}`}>
                <td>{phase}</td>
                <td>{d.domain}</td>
                <td>
                  {d.attributedEnergyJ === null ? '—' : formatSi(d.attributedEnergyJ, 'J')}
                  {d.unreliable ? ' ⚠ unreliable' : ''}
                  {noShare && d.attributedEnergyJ === 0 ? ' ⚠ no measurable CPU time (see the warnings below)' : ''}
                </td>
                <td>{formatSi(d.energyJ, 'J')}</td>
                <td>{d.netEnergyJ === null ? '—' : formatSi(d.netEnergyJ, 'J')}</td>
                <td>
                  <b>{d.method}</b> by {d.source}: {d.detail}
                </td>
              </tr>
            ));
          })}
        </tbody>
      </table>
      {cpuShares.length > 0 && (
        <div className="small" data-testid="cpu-share">
          The CPU time behind this trial&apos;s own share (it is taken by CPU time; during each phase itself, not when the idle baseline was taken):
          <ul>
            {cpuShares.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {flags.length > 0 && (
        <ul className="warning" data-testid="detail-warnings">
          {flags.map((f, i) => (
            <li key={i} title={f.kind}>{`${f.phases.join(', ')}: ${f.message}`}</li>
          ))}
        </ul>
      )}
      <div className="grid2">
        {curve.points.length > 0 && (
          <Plot
            height={260}
            data={[
              ...(curve.points.some((c) => c.loss !== null) ? [{ type: 'scatter' as const, mode: 'lines+markers' as const, name: lossLabel, x: curve.points.map((c) => c.x), y: curve.points.map((c) => c.loss) }] : []),
              ...(curve.points.some((c) => c.accuracy !== null)
                ? [{ type: 'scatter' as const, mode: 'lines+markers' as const, name: accuracyLabel, x: curve.points.map((c) => c.x), y: curve.points.map((c) => c.accuracy), yaxis: 'y2' }]
                : []),
            ]}
            layout={learningCurveLayout(curve.by, accuracyLabel, Math.max(...curve.points.map((c) => c.x)), curve.points.flatMap((c) => (c.accuracy === null ? [] : [c.accuracy])), lossLabel)}
          />
        )}
        {domains.length > 0 && (
          <div>
            <Plot
              height={260}
              testId="trial-power"
              data={domains.map((d) => {
                const pts = t.power.filter((p) => p.domain === d);
                return { type: 'scatter', mode: 'lines', name: d, x: pts.map((p) => new Date(p.tMs)), y: pts.map((p) => p.powerW) };
              })}
              layout={{
                title: { text: 'Power trace' },
                margin: { l: 60, r: 20, t: 30, b: 60 },
                xaxis: { title: { text: 'time' } },
                yaxis: { ...powerAxis(), rangemode: 'tozero' },
                ...(marks ?? {}),
              }}
            />
            {/* the counters read the machine: the trial's own share is in the table above, as on the run view */}
            <p className="muted small" data-testid="trial-power-note">
              The whole machine&apos;s power{estimatedPower ? ', estimated from the CPU\'s rated power and its load (no energy counter)' : ''}, other programs included
              {marks ? '; the bands mark the trial\'s phases' : ''}. This trial&apos;s own share is in its energy table above.
            </p>
          </div>
        )}
      </div>
    </div>
  );
}

/**
 * The trainer's own clock and the measurement window around it differ by the set-up before and
 * the saving after: " (energy measured over 563 ms, the window around it)" where they do, so
 * the detail, the card and the report (which gives the window) are read alike.
 */
function trainWindowNote(t: TrialView): string {
  const own = t.trial.metrics.train_duration_s;
  const w = t.windows.find((x) => x.phase === 'train');
  // said wherever the two figures print differently (walk 43: 2.504 s on the card, 2.51 s in the report)
  if (own === undefined || !w || formatSi(w.durationS, 's') === formatSi(own, 's')) return '';
  return ` (energy measured over ${formatSi(w.durationS, 's')}, the window around it)`;
}

/** What to try the downloaded model on: its held-out test rows or sample images when the zip has them. */
function takenInput(files: readonly string[]): string {
  if (files.some((f) => /\/samples\//.test(f))) return '<folder>/samples';
  if (files.some((f) => f.endsWith('/test-rows.csv'))) return '<folder>/test-rows.csv';
  return '<rows.csv | folder of images>';
}

export function ExplorerScreen({ name }: { name: string }) {
  const { go, trial, selectTrial, budget, setBudget } = useUi();
  const { view: whole } = useExplore(name);
  // over several hardware classes, everything below is of one class (the server's default: most complete trials)
  const [classId, setClassId] = useState<string | null>(null);
  const classes = whole?.classes;
  const shown = classes ? (classes.find((c) => c.id === classId) ?? classes[0]!) : null;
  const view = useMemo(
    () => (whole && shown ? { ...whole, trials: trialsOfClass(whole.trials, shown.id), front: shown.front, hypervolume: shown.hypervolume, importance: shown.importance } : whole),
    [whole, shown],
  );
  const [x, setX] = useState<string | null>(null);
  const [y, setY] = useState<string | null>(null);
  // the budget lives in the address (walk 50: a reload lost it); typed here, read back on a reload
  const [budgetText, setBudgetText] = useState(budget ?? '');
  const [measuredVersion, setMeasuredVersion] = useState(0);
  const { taken, take } = useTakeModel(name);
  const onMeasured = useCallback(() => setMeasuredVersion((v) => v + 1), []);
  const reading = useMemo(() => (budgetText.trim() ? parseBudget(budgetText) : null), [budgetText]);
  const quality = useMemo(() => studyQuality(view?.objectives ?? null, view?.trials ?? []), [view]);
  const pick = useMemo(() => (view && reading?.ok ? pickByBudget(view.trials, reading.limits, quality, undefined, view.target ?? null) : null), [view, reading, quality]);
  // the trial in focus is what the user did last: a point clicked, or a trial the address names
  // (?trial=7, "Show model #7"), wins over the budget's pick until the budget is edited
  const [clicked, setClicked] = useState<number | null>(null);
  useEffect(() => setClicked(null), [budgetText]);
  useEffect(() => {
    if (trial !== null) setClicked(trial);
  }, [trial]);
  // the pick's own record: its held-out test figure and its energy's stated ± (walk 42)
  const [picked, setPicked] = useState<TrialView | null>(null);
  const pickTrial = pick?.trial ?? null;
  useEffect(() => {
    setPicked(null);
    if (pickTrial === null) return;
    let live = true;
    call('trial.get', { name, number: pickTrial }).then((v) => live && setPicked(v), () => undefined);
    return () => {
      live = false;
    };
  }, [name, pickTrial]);
  if (!view) return <p>Loading…</p>;
  const metrics = METRIC_NAMES.filter((m) => view.trials.some((t) => t.metrics[m] !== undefined));
  const xm = x ?? view.objectives[1]?.metric ?? view.objectives[0]!.metric;
  const ym = y ?? view.objectives[0]!.metric;
  const z = view.objectives.length === 3 && !x && !y ? view.objectives[2]!.metric : null;
  const chosen = pick?.trial ?? null;
  const pickedTest = picked && picked.trial.number === chosen ? pickTestText(chosen, picked.attrs, picked.trial.metrics, view.target ?? null) : null;
  const pickedPlusMinus = picked && picked.trial.number === chosen ? inferenceUncertaintyText(picked.windows) : null;
  // the batching the per-prediction figures are for, under a limit on them (walk 47: one row per call cost 47× more)
  const batching = reading?.ok ? batchingText(view.inferBatchSize ?? null, reading.limits) : null;
  // trials whose re-measurements since disagree with the figure the front and the pick use
  const disagrees = view.flagged.filter((f) => f.kinds.includes('remeasure-disagrees')).map((f) => f.trial);
  const noisy = view.flagged.filter((f) => f.kinds.includes('noisy')).map((f) => f.trial);
  // the sentence's energy comparisons, against the re-measurements made since (as `ecopt show --budget` says it)
  const compared = pick ? pickComparisons(pick) : [];
  const energyOf = (n: number) => view.trials.find((t) => t.number === n)?.metrics.infer_energy_j_per_sample;
  // against the figures' own spread: a difference inside it may not hold on another run (walk 43),
  // unless re-measuring both sides held it (walk 56: the advice outlived the re-measuring)
  const spreads = new Map((view.inferSpreads ?? []).map((s) => [s.trial, s.rel]));
  const checks = pick
    ? comparisonChecks(compared, energyOf, (n) => spreads.get(n), new Map((view.remeasuredMeans ?? []).map((r) => [r.trial, r.jPerSample])), (j) => formatSi(j, 'J'))
    : { overturned: null, held: null, withinSpread: null };
  const { overturned, held, withinSpread } = checks;
  const showModel = (n: number) => {
    selectTrial(n);
    // its details open below the plots: take the user there
    setTimeout(() => document.querySelector('[data-testid="trial-detail"]')?.scrollIntoView({ behavior: 'smooth', block: 'start' }), 300);
  };
  return (
    <section>
      <h1>{name}: the trade-off</h1>
      {view.remote && (
        <p className="muted small" data-testid="remote-note">
          Read from {view.remote.location} (read-only, refreshed every 2 s; last read {view.remote.readAt.slice(11, 19)} UTC).
        </p>
      )}
      {classes && shown && (
        <div className="banner" data-testid="class-banner">
          ⚠ This study ran on {classes.length} hardware classes: energy is compared only within one hardware class. Showing{' '}
          <select value={shown.id} onChange={(e) => setClassId(e.target.value)} aria-label="Hardware class" data-testid="class-picker">
            {classes.map((c) => (
              <option key={c.id} value={c.id}>
                {`${c.id}: ${c.label} (${c.complete} complete${c.hosts.length ? `; ${c.hosts.join(', ')}` : ''})`}
              </option>
            ))}
          </select>
          : its trials, front and budget picker.
        </div>
      )}
      {view.estimatedOnly && (
        <div className="banner" data-testid="estimated-banner">
          Energy figures are <b>estimated</b>, not measured (no energy counter on this machine).
        </div>
      )}
      {otherLoadText(view.load) && (
        <div className="banner" data-testid="load-banner">
          {otherLoadText(view.load)}
        </div>
      )}
      {noisy.length > 0 && (
        <div className="banner" data-testid="noisy-banner">
          Inference energy of trial{noisy.length > 1 ? 's' : ''} {noisy.map((n) => `#${n}`).join(', ')}{' '}
          could move more than 20% between runs (the CPU time of {noisy.length > 1 ? 'their' : 'its'} inference repeats spread that much, as <code>ecopt show</code> says; other programs&apos; work is one cause, not the only one):
          treat {noisy.length > 1 ? 'their' : 'its'} place on the front with caution, or re-measure.
          
        </div>
      )}
      {disagrees.length > 0 && (
        <div className="banner" data-testid="remeasure-banner">
          Re-measured since, the inference energy of trial{disagrees.length > 1 ? 's' : ''} {disagrees.map((n) => `#${n}`).join(', ')} came out more than 20% away from
          the first figure, which the front and the budget pick still use: see &ldquo;Re-measure&rdquo; below.
        </div>
      )}
      {view.flagged.some((f) => f.kinds.some((k) => ['stale', 'reset', 'unreadable', 'gap', 'short-window', 'aliasing'].includes(k))) && (
        <div className="banner" data-testid="counter-banner">
          A counter fault touched trial
          {' ' +
            view.flagged
              .filter((f) => f.kinds.some((k) => ['stale', 'reset', 'unreadable', 'gap', 'short-window', 'aliasing'].includes(k)))
              .map((f) => `#${f.trial}`)
              .join(', ')}
          : open a trial to see which figure and why.
        </div>
      )}
      <div className="card budget" data-testid="budget-picker">
        <label htmlFor="budget-text">
          <b>Pick a model by its budget.</b> Say it in words, e.g. &ldquo;at most 2 mJ per prediction&rdquo;, &ldquo;under 0.5 J per 1000
          predictions&rdquo; or {quality.metric === 'rmse' ? <>&ldquo;RMSE at most 20 and ≤ 1 mJ&rdquo; (RMSE {targetUnitsText(view.target)})</> : <>&ldquo;at least 95% accuracy and ≤ 1 mJ&rdquo;</>}:
        </label>{' '}
        <input
          id="budget-text"
          type="text"
          value={budgetText}
          onChange={(e) => {
            setBudgetText(e.target.value);
            setBudget(e.target.value);
          }}
          placeholder="at most 2 mJ per prediction"
          aria-describedby="budget-reading"
          data-testid="budget-text"
        />
        <p id="budget-reading" className={reading && !reading.ok ? 'warning' : 'muted small'} role={reading && !reading.ok ? 'alert' : undefined} data-testid="budget-reading">
          {reading ? (reading.ok ? reading.readAs : reading.error) : `Energy in µJ, mJ, J, kJ, Wh or kWh; ${quality.metric === 'rmse' ? `RMSE ${targetUnitsText(view.target)}` : 'accuracy in %'}.`}
        </p>
        {taken && taken.trial === chosen && <TakenNote taken={taken} testId="taken-note" />}
        {pick && (
          <p data-testid="budget-sentence">
            {pick.sentence}{' '}
            {chosen !== null && (
              <>
                <button onClick={() => showModel(chosen)} data-testid="budget-show">
                  Show model #{chosen}
                </button>{' '}
                {!view.remote && (
                  <>
                    <button onClick={() => take(chosen)} data-testid="take-model">
                      Take this model
                    </button>{' '}
                  </>
                )}
                {view.remote && (
                  <span className="muted small" data-testid="take-remote">
                    (its model is kept by the worker that trained it: its detail says how to take it){' '}
                  </span>
                )}
                <button
                  onClick={() => {
                    // the report is for the model the budget picked, not the study's most accurate, and says why
                    selectTrial(chosen);
                    go('reports', undefined, budgetText);
                  }}
                  data-testid="budget-report"
                >
                  Energy report
                </button>
              </>
            )}
            {/* nothing meets the budget: the models the sentence names as closest are one click away, and can be taken from their detail */}
            {chosen === null &&
              pick.closest.map((n) => (
                <span key={n}>
                  <button onClick={() => showModel(n)} data-testid={`budget-closest-${n}`}>
                    Show model #{n}
                  </button>{' '}
                </span>
              ))}
          </p>
        )}
        {pick && chosen !== null && pickedTest && (
          <p className="small" data-testid="budget-test">
            {pickedTest}
          </p>
        )}
        {pick && chosen !== null && view.estimatedOnly && reading?.ok && reading.limits.some((l) => l.bound === 'max') && (
          <p className="muted small" data-testid="budget-estimated">
            These energy figures are estimates{pickedPlusMinus ? ` (model #${chosen}'s: ${pickedPlusMinus})` : ''}, not measurements (see the banner above): a model close to an energy limit may not meet it once measured. Re-measure it on a
            machine with energy counters before relying on the margin.
          </p>
        )}
        {pick && batching && (
          <p className="muted small" data-testid="budget-batching">
            {batching}
          </p>
        )}
        {pick && withinSpread && (
          <p className="warning" data-testid="budget-within-spread">
            ⚠ {withinSpread}
          </p>
        )}
        {pick && held && <p data-testid="budget-remeasured-held">{held}</p>}
        {pick && overturned && (
          <p className="warning" role="alert" data-testid="budget-remeasured-order">
            ⚠ {overturned}
          </p>
        )}
        {pick && chosen !== null && disagrees.includes(chosen) && (
          <p className="warning" role="alert" data-testid="budget-remeasured">
            ⚠ Model #{chosen} was re-measured since, and its inference energy came out more than 20% away from the figure this pick used: see
            &ldquo;Re-measure&rdquo; below, and re-measure it on a quiet machine before relying on it.
          </p>
        )}
      </div>
      <PaybackPanel name={name} trial={clicked ?? chosen ?? trial} trials={view.trials} />
      <p>
        Horizontal{' '}
        <select value={xm} onChange={(e) => setX(e.target.value)} aria-label="Horizontal axis" data-testid="axis-x">
          {metrics.map((m) => (
            <option key={m} value={m}>
              {METRICS[m as MetricName].label}
            </option>
          ))}
        </select>{' '}
        vertical{' '}
        <select value={ym} onChange={(e) => setY(e.target.value)} aria-label="Vertical axis" data-testid="axis-y">
          {metrics.map((m) => (
            <option key={m} value={m}>
              {METRICS[m as MetricName].label}
            </option>
          ))}
        </select>
      </p>
      {/* nothing measured: no empty axes, and where the reasons are (walk 50: axes from −1 to 4 % and "listed in the trial table", which this screen has not) */}
      {!view.trials.some((t) => t.state === 'complete') && (
        <p className="banner" data-testid="explorer-nothing">
          No trial of this study has completed yet, so there is nothing to plot.{' '}
          {view.trials.some((t) => t.state === 'failed' || t.state === 'pruned') ? 'The run view lists each trial with why it failed or was pruned. ' : ''}
          <button type="button" onClick={() => go('run')} data-testid="explorer-to-run">
            Open the run view
          </button>
        </p>
      )}
      {view.trials.some((t) => t.state === 'complete') && <FrontierPlot
        view={view}
        x={xm}
        y={ym}
        z={z}
        highlight={clicked ?? chosen}
        // the explorer's plot spans the page: at least 600 px in a window of about 900
        axisPx={600}
        onPick={(n) => {
          selectTrial(n);
          setClicked(n);
        }}
      />}
      {trial !== null && <TrialDetail name={name} number={trial} version={measuredVersion} classes={classes} takeable={!view.remote} commandStudy={view.summary.model === 'command'} target={view.target ?? null} dataset={view.summary.dataset} />}
      {/* a study read from a database is only read here: its models are measured where its workers run */}
      {!view.remote && view.summary.model === 'command' && (
        <div className="card" data-testid="remeasure">
          <h2>Re-measure</h2>
          <p className="muted small">
            Not yet for a command study: re-measuring re-runs ECOpt&apos;s own inference benchmark on a model it trained, and a command&apos;s model (what it hands back
            as its artifact, kept and taken away as it is) is in its own format, which only your script runs.
          </p>
        </div>
      )}
      {!view.remote && view.summary.model !== 'command' && <RemeasurePanel name={name} trial={trial} front={view.front} onMeasured={onMeasured} />}
      <div className="grid2">
        <div>
          <h2>Hypervolume</h2>
          <HypervolumePanel history={view.hypervolume} />
        </div>
        <div>
          <h2>What mattered</h2>
          <ImportancePanel view={view} />
        </div>
      </div>
      <PredictorsPanel trials={view.trials} />
    </section>
  );
}
