/**
 * Command trials: any program run as the trial (a PyTorch script, say), without a shell, so a
 * parameter value can never inject a command. Parameters go in as argv placeholders (`{name}`,
 * `{params_file}`), as ECOPT_PARAM_<NAME> environment variables and as a JSON file. Everything
 * else — the line protocol, windows, attribution, timeouts, process groups — is the one
 * ProcessTrialRunner's, shared with the built-in trainer.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { CommandSpec } from '../../../shared/spec';
import type { Params } from '../../../shared/types';
import type { WindowMeters } from '../../meters/window-meters';
import { ProcessTrialRunner, substitute, writeParamsFile, type TrialProcess } from '../process-runner';
import type { TrialEvent, TrialInput, TrialOutcome, TrialRunner } from '../types';

export { substitute };

/** Files bigger than this are named without a fingerprint (a data set, a checkpoint), not read whole at each trial's start. */
const MAX_HASHED_BYTES = 16 * 1024 * 1024;

/**
 * The files a command line names inside its working folder (`train.py`, `conf/run.yaml`), each
 * with its SHA-256 as the trial starts: what the model card's "how to reproduce it" checks the
 * script against. The interpreter and anything outside the folder are not the user's to vouch for.
 */
export function namedFiles(argv: readonly string[], cwd: string): Record<string, string> {
  const out: Record<string, string> = {};
  const root = resolve(cwd);
  for (const a of argv) {
    const path = resolve(root, a);
    const rel = relative(root, path);
    if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel in out) continue;
    try {
      const st = statSync(path);
      if (!st.isFile()) continue;
      out[rel.split(sep).join('/')] = st.size > MAX_HASHED_BYTES ? `not fingerprinted (${st.size} bytes)` : createHash('sha256').update(readFileSync(path)).digest('hex');
    } catch {
      // not a file: an option, a value
    }
  }
  return out;
}

/**
 * The command line a trial runs: `{name}` replaced by the trial's values and `{params_file}` by
 * `paramsFile`, and the environment it adds (the study's `env`, ECOPT_PARAMS_FILE, ECOPT_TRIAL,
 * ECOPT_PARAM_<NAME>). The runner runs it; the exported model card prints it to re-run.
 */
export function trialCommand(command: CommandSpec, params: Params, paramsFile: string, trialNumber: number): { argv: string[]; env: Record<string, string> } {
  const env: Record<string, string> = { ...command.env, ECOPT_PARAMS_FILE: paramsFile, ECOPT_TRIAL: String(trialNumber) };
  for (const [k, v] of Object.entries(params)) env[`ECOPT_PARAM_${k.toUpperCase()}`] = String(v);
  return { argv: command.argv.map((a) => substitute(a, params, paramsFile)), env };
}

export class CommandTrialRunner implements TrialRunner {
  private readonly inner: ProcessTrialRunner;
  /** The files each running trial's command line named, as it started, by trial number. */
  private readonly files = new Map<number, Record<string, string>>();
  /** The folder the command runs in: an `artifact` it reports is relative to it. */
  private readonly cwd: string;

  constructor(command: CommandSpec, onProcess?: (p: TrialProcess) => void) {
    this.cwd = command.cwd ?? process.cwd();
    this.inner = new ProcessTrialRunner((input) => {
      const { dir, file } = writeParamsFile(input.params);
      const { argv, env: added } = trialCommand(command, input.params, file, input.trialNumber);
      this.files.set(input.trialNumber, namedFiles(argv, command.cwd ?? process.cwd()));
      const env: NodeJS.ProcessEnv = { ...process.env, ...added };
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

  async run(input: TrialInput, meters: WindowMeters, signal: AbortSignal, onEvent: (e: TrialEvent) => void): Promise<TrialOutcome> {
    const outcome = await this.inner.run(input, meters, signal, onEvent);
    const named = this.files.get(input.trialNumber) ?? {};
    this.files.delete(input.trialNumber);
    // the model it hands back is its output, not an input to check: fingerprinted before the run,
    // it was an earlier trial's leftover (walk 44: two hashes for model.pt, one "to check")
    const artifact = outcome.ok ? outcome.result.attrs.reported_artifact : undefined;
    const out = typeof artifact === 'string' ? relative(resolve(this.cwd), resolve(this.cwd, artifact)).split(sep).join('/') : null;
    const files = Object.fromEntries(Object.entries(named).filter(([f]) => f !== out));
    if (!outcome.ok || Object.keys(files).length === 0) return outcome;
    return { ...outcome, result: { ...outcome.result, attrs: { ...outcome.result.attrs, command_files: files } } };
  }
}
