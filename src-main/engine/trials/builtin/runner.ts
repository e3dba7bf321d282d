/**
 * The built-in trainer as a trial: trainer.ts run as a child process through the one
 * ProcessTrialRunner, like any user's command. Its input (spec, parameters, trial number) goes
 * in a JSON file named by ECOPT_TRIAL_INPUT.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WindowMeters } from '../../meters/window-meters';
import { nodeEnv, ProcessTrialRunner, type TrialProcess } from '../process-runner';
import type { TrialEvent, TrialInput, TrialOutcome, TrialRunner } from '../types';
import type { TrainerInput } from './protocol';
import { bundledTrainer } from './trainer-bundle';
import { resourcesDir } from '../../paths';

/**
 * The trainer program: from source, trainer.ts bundled once by esbuild (trainer-bundle.ts), or
 * through tsx when that bundle cannot be written; in the app, the electron-vite trainer.js.
 */
function trainerArgv(): string[] {
  if (import.meta.url.endsWith('.ts')) {
    const bundle = process.env.ECOPT_TRAINER_FROM_SOURCE ? null : bundledTrainer();
    if (bundle) return [process.execPath, '--enable-source-maps', bundle];
    return [process.execPath, '--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./trainer.ts', import.meta.url))];
  }
  return [process.execPath, fileURLToPath(new URL('./trainer.js', import.meta.url))];
}

export class BuiltinTrialRunner implements TrialRunner {
  private readonly inner: ProcessTrialRunner;

  /** `env` is added to the trainer's environment (`ecopt worker --gpus`: CUDA_VISIBLE_DEVICES). */
  constructor(onProcess?: (p: TrialProcess) => void, env: Record<string, string> = {}) {
    this.inner = new ProcessTrialRunner((input) => {
      const dir = mkdtempSync(join(tmpdir(), 'ecopt-trial-'));
      const file = join(dir, 'input.json');
      writeFileSync(file, JSON.stringify(this.trainerInput(input)));
      return {
        argv: trainerArgv(),
        cwd: process.cwd(),
        env: nodeEnv({ ...process.env, ...env, ECOPT_RESOURCES_DIR: resourcesDir(), ECOPT_TRIAL_INPUT: file, ECOPT_TRIAL: String(input.trialNumber) }),
        initialPhase: null,
        acks: true,
        shown: 'the trainer',
        cleanup: [dir],
      };
    }, onProcess);
  }

  private minInferS = 1;

  private trainerInput(input: TrialInput): TrainerInput {
    return {
      spec: input.spec,
      params: input.params,
      trialNumber: input.trialNumber,
      minInferS: this.minInferS,
      ...(input.artifactDir ? { artifactDir: input.artifactDir } : {}),
      ...(input.remeasureModelDir ? { remeasure: { modelDir: input.remeasureModelDir } } : {}),
    };
  }

  run(input: TrialInput, meters: WindowMeters, signal: AbortSignal, onEvent: (e: TrialEvent) => void): Promise<TrialOutcome> {
    // the inference window must span many counter readings for its energy to resolve
    this.minInferS = Math.max(input.spec.trial.minInferS, (10 * meters.pollMs) / 1000);
    return this.inner.run(input, meters, signal, onEvent);
  }
}
