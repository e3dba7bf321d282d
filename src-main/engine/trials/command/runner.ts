/**
 * Command trials: any program run as the trial (a PyTorch script, say), without a shell, so a
 * parameter value can never inject a command. Parameters go in as argv placeholders (`{name}`,
 * `{params_file}`), as ECOPT_PARAM_<NAME> environment variables and as a JSON file. Everything
 * else — the line protocol, windows, attribution, timeouts, process groups — is the one
 * ProcessTrialRunner's, shared with the built-in trainer.
 */
import type { CommandSpec } from '../../../shared/spec';
import type { WindowMeters } from '../../meters/window-meters';
import { ProcessTrialRunner, substitute, writeParamsFile, type TrialProcess } from '../process-runner';
import type { TrialEvent, TrialInput, TrialOutcome, TrialRunner } from '../types';

export { substitute };

export class CommandTrialRunner implements TrialRunner {
  private readonly inner: ProcessTrialRunner;

  constructor(command: CommandSpec, onProcess?: (p: TrialProcess) => void) {
    this.inner = new ProcessTrialRunner((input) => {
      const { dir, file } = writeParamsFile(input.params);
      const argv = command.argv.map((a) => substitute(a, input.params, file));
      const env: NodeJS.ProcessEnv = { ...process.env, ...command.env, ECOPT_PARAMS_FILE: file, ECOPT_TRIAL: String(input.trialNumber) };
      for (const [k, v] of Object.entries(input.params)) env[`ECOPT_PARAM_${k.toUpperCase()}`] = String(v);
      return {
        argv,
        cwd: command.cwd ?? process.cwd(),
        env,
        ...(command.metricsFile ? { metricsFile: substitute(command.metricsFile, input.params, file) } : {}),
        initialPhase: 'train',
        shown: `\`${argv.join(' ')}\``,
        cleanup: [dir],
      };
    }, onProcess);
  }

  run(input: TrialInput, meters: WindowMeters, signal: AbortSignal, onEvent: (e: TrialEvent) => void): Promise<TrialOutcome> {
    return this.inner.run(input, meters, signal, onEvent);
  }
}
