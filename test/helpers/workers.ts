/** Study files for `ecopt worker` tests: short command trials that mostly wait (a 2-core box runs several at once). */
import { join } from 'node:path';
import { ROOT } from './cli';

const FIXTURE = join(ROOT, 'test/fixtures/commands/echo-params.mjs');

/** A study of `trials` command trials of about `napMs` each (train 70%, infer 30%), random proposals. */
export function napSpec(name: string, trials: number, napMs = 1000) {
  return {
    name,
    model: 'command',
    command: { argv: [process.execPath, FIXTURE, 'nap', String(napMs)], cwd: ROOT },
    space: { x: { type: 'int', low: 0, high: 40 } },
    objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
    sampler: 'random',
    trials,
    trial: { timeoutS: 30 },
    meters: { idleBaselineS: 0 },
  };
}
