import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CpuTdpEstimateMeter } from '../../../../src-main/engine/meters/estimate';
import { MeterSet } from '../../../../src-main/engine/meters/meter-set';
import { BuiltinTrialRunner } from '../../../../src-main/engine/trials/builtin/runner';
import type { TrialOutcome } from '../../../../src-main/engine/trials/types';
import { parseStudySpec } from '../../../../src-main/shared/spec';
import type { Params } from '../../../../src-main/shared/types';
import { quickSpec } from '../../../helpers/specs';

const r = parseStudySpec(
  quickSpec({
    name: 'determinism',
    dataset: { builtin: 'digits', maxSamples: 600 },
    seed: 7,
    trial: { timeoutS: 120, minInferS: 0.2, inferBatchSize: 64 },
  }),
);
if (!r.ok) throw new Error(JSON.stringify(r.issues));
const spec = r.spec;
// dropout > 0 so the masks are covered; the trainer always shuffles
const params: Params = { hidden_layers: 2, units: 32, activation: 'relu', dropout: 0.3, learning_rate: 0.01, epochs: 3, batch_size: 32 };

async function runTrial(trialNumber: number): Promise<{ accuracy: number; sha: string; backend: string; trainS: number }> {
  // fast polling keeps the inference window (at least ten polls) short
  const meters = new MeterSet([new CpuTdpEstimateMeter()], { pollMs: 20 });
  meters.start();
  let outcome: TrialOutcome;
  try {
    outcome = await new BuiltinTrialRunner().run({ trialNumber, params, spec }, meters, new AbortController().signal, () => {});
  } finally {
    meters.stop();
  }
  if (!outcome.ok) throw new Error(`${outcome.kind}: ${outcome.message}`);
  const { metrics, attrs, backend } = outcome.result;
  return { accuracy: metrics.accuracy!, sha: String(attrs.weights_sha256), backend, trainS: metrics.train_duration_s! };
}

/** Keeps one core busy for as long as it lives. */
function burnCpu(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

describe('reproducible training', () => {
  it('trains the same model, to the bit, for the same seed and trial whatever else the machine is doing', async () => {
    const quiet = await runTrial(4);
    const burner = burnCpu();
    let busy: Awaited<ReturnType<typeof runTrial>>;
    try {
      busy = await runTrial(4);
    } finally {
      burner.kill('SIGKILL');
    }
    expect(quiet.backend).toBe('wasm');
    expect(quiet.sha).toMatch(/^[0-9a-f]{64}$/);
    expect(busy.sha).toBe(quiet.sha);
    expect(busy.accuracy).toBe(quiet.accuracy);
    // the study seed and the trial number pick the seed: another trial starts elsewhere
    const other = await runTrial(5);
    expect(other.sha).not.toBe(quiet.sha);
  }, 120_000);
});
