/**
 * Runs one built-in trial in a fresh worker thread: opens and closes a meter window per phase
 * as the worker announces it, enforces the timeout, and stops the worker on abort.
 */
import type { EnergyWindow, Metrics } from '../../../shared/types';
import type { MeterSet } from '../../meters/meter-set';
import { totalEnergyJ } from '../../meters/meter-set';
import { project, type Projection } from '../projection';
import { spawnWorker } from '../../worker-spawn';
import type { TrialEvent, TrialInput, TrialOutcome, TrialRunner } from '../types';
import type { FromWorker, WorkerInput } from './protocol';

function workerEntry(): URL {
  // From source (CLI, tests) the worker is TypeScript; in the electron-vite bundle it is a
  // sibling chunk named trainer-worker.js.
  return import.meta.url.endsWith('.ts')
    ? new URL('./worker.ts', import.meta.url)
    : new URL('./trainer-worker.js', import.meta.url);
}

export class BuiltinTrialRunner implements TrialRunner {
  run(input: TrialInput, meters: MeterSet, signal: AbortSignal, onEvent: (e: TrialEvent) => void): Promise<TrialOutcome> {
    return new Promise((resolve) => {
      const windows: (EnergyWindow & { samples?: number })[] = [];
      let backend = '';
      let settled = false;
      // the window must span many counter readings for its energy to resolve
      const minInferS = Math.max(input.spec.trial.minInferS, (10 * meters.pollMs) / 1000);
      const workerInput: WorkerInput = { spec: input.spec, params: input.params, trialNumber: input.trialNumber, minInferS };
      const worker = spawnWorker(workerEntry(), { workerData: workerInput, stdout: false, stderr: false });
      let openPhase: string | null = null;
      let profileMark: { atMs: number; energyJ: number } | null = null;
      const accuracies: number[] = [];
      let projection: Projection | null = null;

      const partial = () => ({ windows: [...windows], backend, powerSamples: meters.drainSamples() });
      const finish = (outcome: TrialOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (openPhase) {
          // close the window of the phase that was cut short, so its energy is kept
          windows.push(meters.end(`trial-${input.trialNumber}-${openPhase}`, openPhase as EnergyWindow['phase']));
          openPhase = null;
          if (!outcome.ok) outcome.partial.windows = [...windows];
        }
        void worker.terminate();
        resolve(outcome);
      };
      const fail = (kind: string, message: string, detail?: string) =>
        finish({ ok: false, kind, message, ...(detail ? { detail } : {}), partial: partial() });

      const timer = setTimeout(
        () => fail('timeout', `the trial ran longer than its ${input.spec.trial.timeoutS} s limit; raise trial.timeoutS or shrink the search space`),
        input.spec.trial.timeoutS * 1000,
      );
      const onAbort = () => fail('interrupted', 'stopped by the user');
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort);

      worker.on('message', (msg: FromWorker) => {
        if (settled) return;
        switch (msg.type) {
          case 'backend':
            backend = msg.backend;
            onEvent({ type: 'backend', backend: msg.backend, notes: msg.notes });
            break;
          case 'phase-begin':
            openPhase = msg.phase;
            meters.begin(`trial-${input.trialNumber}-${msg.phase}`);
            onEvent({ type: 'phase', phase: msg.phase });
            worker.postMessage({ type: 'go' });
            break;
          case 'phase-end': {
            const w = meters.end(`trial-${input.trialNumber}-${msg.phase}`, msg.phase);
            openPhase = null;
            windows.push(msg.samples !== undefined ? { ...w, samples: msg.samples } : w);
            break;
          }
          case 'progress': {
            onEvent({ type: 'progress', epoch: msg.epoch, epochs: msg.epochs, loss: msg.loss, valAccuracy: msg.valAccuracy });
            if (msg.valAccuracy !== null) accuracies.push(msg.valAccuracy);
            const reason = input.shouldPrune?.({ epoch: msg.epoch, epochs: msg.epochs, accuracies: [...accuracies], flopsPerInference: msg.flopsPerInference });
            if (reason) fail('pruned', reason);
            break;
          }
          case 'profile-start':
            profileMark = { atMs: performance.now(), energyJ: meters.peek(`trial-${input.trialNumber}-train`) };
            break;
          case 'profile': {
            if (!profileMark) break;
            const energyNow = meters.peek(`trial-${input.trialNumber}-train`);
            projection = project(msg, energyNow, energyNow - profileMark.energyJ, (performance.now() - profileMark.atMs) / 1000);
            break;
          }
          case 'result': {
            const metrics = { ...msg.metrics, ...energyMetrics(windows) };
            const train = windows.find((w) => w.phase === 'train');
            if (projection && train) {
              msg.attrs.train_projection = { ...projection, actualDurationS: train.durationS, actualEnergyJ: metrics.train_energy_j };
            }
            const bad = Object.entries(metrics).find(([, v]) => !Number.isFinite(v));
            if (bad) return fail('nan', `the trial produced ${bad[0]} = ${bad[1]}; the model diverged (try a lower learning rate)`);
            finish({ ok: true, result: { metrics, attrs: msg.attrs, windows: [...windows], backend, powerSamples: meters.drainSamples() } });
            break;
          }
          case 'error':
            fail(msg.kind, msg.message, msg.detail);
            break;
        }
      });
      worker.on('error', (e) => fail('crash', `the trainer crashed: ${e.message}`, e.stack));
      worker.on('exit', (code) => fail('crash', `the trainer exited unexpectedly (code ${code})`));
    });
  }
}

/** Training energy and inference energy per sample from the phase windows. */
export function energyMetrics(windows: readonly (EnergyWindow & { samples?: number })[]): Metrics {
  const out: Metrics = {};
  const train = windows.find((w) => w.phase === 'train');
  if (train) out.train_energy_j = totalEnergyJ(train);
  const infer = windows.find((w) => w.phase === 'infer');
  if (infer?.samples) {
    const j = totalEnergyJ(infer);
    out.infer_energy_j_per_sample = j / infer.samples;
    out.infer_samples_per_j = infer.samples / j;
  }
  return out;
}
