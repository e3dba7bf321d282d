/**
 * `ecopt remeasure`: before a user commits to a model, its inference energy measured again from
 * the kept model, K times, each in a fresh trainer process with the study's own benchmark (test
 * set, batch size, window length) and the same attribution. The new windows are stored beside
 * the trial's first one (`infer` windows, listed in the trial's `remeasured` attribute), so the
 * front can be confirmed — or shown to have been luck.
 */
import { frontTrials } from '../../shared/analysis';
import type { Remeasurement } from '../../shared/remeasure';
import type { TrialRecord } from '../../shared/types';
import { UserError } from '../errors';
import { idleBaseline } from '../meters/attribution';
import { MeterThread } from '../meters/meter-thread';
import type { WindowMeters } from '../meters/window-meters';
import type { Store } from '../store/store';
import { BuiltinTrialRunner } from '../trials/builtin/runner';
import { attributedJ, finalizeEnergy } from '../trials/energy';
import { keptModelDir } from './keep';

export interface RemeasureRow {
  trial: number;
  /** Energy per prediction from the trial itself, J (attributed). */
  originalJ: number | null;
  /** Each re-measurement, J per prediction (attributed). */
  againJ: number[];
  /** Each re-measurement's own spread (relative standard error), where known. */
  spreadRel: (number | null)[];
}

export interface RemeasureOptions {
  /** Trial numbers; default: the study's Pareto front. */
  trials?: number[];
  repeats?: number;
  signal?: AbortSignal;
  meters?: WindowMeters;
  onProgress?: (trial: number, repeat: number, jPerSample: number) => void;
}

/**
 * The trials a re-measurement would run and their kept models, or a UserError naming what is
 * missing: checked before anything starts, so the app can refuse at once rather than mid-run.
 */
export function planRemeasure(store: Store, studyName: string, trials?: number[]): { trial: TrialRecord; dir: string }[] {
  const study = store.requireStudy(studyName);
  if (study.spec.command) throw new UserError(`study "${study.name}" runs a command: re-measuring needs the built-in trainer's kept models (not yet for command trials)`);
  const all = store.getTrials(study.id);
  const numbers = trials ?? frontTrials(all, study.objectives);
  const chosen = numbers.map((n) => {
    const t = all.find((x) => x.number === n);
    if (!t) throw new UserError(`study "${study.name}" has no trial ${n}; \`ecopt show ${study.name}\` lists them`);
    if (t.state !== 'complete') throw new UserError(`trial ${n} of "${study.name}" is ${t.state}: only complete trials have a model to re-measure`);
    const dir = keptModelDir(store, t.id);
    if (!dir) throw new UserError(`trial ${n} of "${study.name}" has no kept model to re-measure (run before models were kept, or not on the front with "keep": "front")`);
    return { trial: t, dir };
  });
  if (chosen.length === 0) throw new UserError(`study "${study.name}" has no complete trial on its front yet: run \`ecopt tune\` first`);
  return chosen;
}

export async function remeasure(store: Store, studyName: string, options: RemeasureOptions = {}): Promise<RemeasureRow[]> {
  const study = store.requireStudy(studyName);
  const chosen = planRemeasure(store, studyName, options.trials);
  const repeats = Math.max(1, options.repeats ?? 3);
  const stored = store.latestIdle(study.id);
  const baseline = stored ? idleBaseline(stored) : null;
  const meters = options.meters ?? new MeterThread();
  const runner = new BuiltinTrialRunner();
  const rows: RemeasureRow[] = [];
  try {
    for (const { trial, dir } of chosen) {
      const row: RemeasureRow = { trial: trial.number, originalJ: trial.metrics.infer_energy_j_per_sample ?? null, againJ: [], spreadRel: [] };
      const history = (store.getTrialAttrs(trial.id).remeasured as Remeasurement[] | undefined) ?? [];
      for (let k = 0; k < repeats; k++) {
        if (options.signal?.aborted) return rows;
        const outcome = await runner.run(
          { trialNumber: trial.number, params: trial.params, spec: study.spec, remeasureModelDir: dir },
          meters,
          options.signal ?? new AbortController().signal,
          () => {},
        );
        if (!outcome.ok) throw new UserError(`re-measuring trial ${trial.number} failed: ${outcome.message}`);
        const result = finalizeEnergy(outcome.result, baseline);
        const infer = result.windows.find((w) => w.phase === 'infer');
        if (!infer?.samples) throw new UserError(`re-measuring trial ${trial.number} gave no inference window`);
        const j = attributedJ(infer) / infer.samples;
        // its warnings say which measurement they belong to, beside the trial's own
        const flags = infer.flags?.map((f) => ({ ...f, message: `re-measurement ${history.length + 1}: ${f.message}` }));
        const windowId = store.insertWindow(study.id, trial.id, { ...infer, ...(flags ? { flags } : {}) });
        const spread = typeof result.attrs.infer_energy_spread_rel === 'number' ? result.attrs.infer_energy_spread_rel : null;
        row.againJ.push(j);
        row.spreadRel.push(spread);
        const process = result.attrs.process_energy as Remeasurement['process'] | undefined;
        history.push({ at: new Date().toISOString(), jPerSample: j, samples: infer.samples, spreadRel: spread, windowId, backend: result.backend, ...(process ? { process } : {}) });
        store.setTrialAttr(trial.id, 'remeasured', history);
        options.onProgress?.(trial.number, k + 1, j);
      }
      rows.push(row);
    }
  } finally {
    if (!options.meters) meters.stop();
  }
  return rows;
}

export { describeChange } from '../../shared/remeasure';
