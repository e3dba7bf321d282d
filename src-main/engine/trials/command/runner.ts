/**
 * Command trials: any program run as the trial (a PyTorch script, say), without a shell, so a
 * parameter value can never inject a command. Parameters go in as argv placeholders (`{name}`,
 * `{params_file}`), as ECOPT_PARAM_<NAME> environment variables and as a JSON file. Metrics come
 * back as the last JSON line on stdout, or a metrics file. Lines `{"phase": "infer"}` (or
 * `train`, `evaluate`) move the meter window to that phase; `{"step": …, "metric": …}` lines are
 * kept as the learning curve. The process runs in its own process group so a stop or a timeout
 * kills its whole tree. Its energy is the machine's during the window (net of the idle baseline
 * where one was measured), with the process tree's share of the machine's CPU time recorded.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import type { CommandSpec } from '../../../shared/spec';
import { METRIC_NAMES, PHASES, type EnergyWindow, type Metrics, type Phase } from '../../../shared/types';
import { readCpuTimes } from '../../meters/estimate';
import type { MeterSet } from '../../meters/meter-set';
import { energyMetrics } from '../builtin/runner';
import type { TrialEvent, TrialInput, TrialOutcome, TrialRunner } from '../types';

/** `{name}` → the parameter's value; `{params_file}` → the JSON file; `{{` and `}}` are literal braces. */
export function substitute(arg: string, params: Record<string, unknown>, paramsFile: string): string {
  return arg.replace(/\{\{|\}\}|\{([a-z_][a-z0-9_]*)\}/g, (m, name: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (name === 'params_file') return paramsFile;
    if (name !== undefined && name in params) return String(params[name]);
    return m;
  });
}

/** utime + stime + cutime + cstime of a process, in clock ticks (Linux), or null. */
function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [11, 12, 13, 14].reduce((a, i) => a + Number(fields[i]), 0);
  } catch {
    return null;
  }
}

function tail(text: string, lines = 6): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

export class CommandTrialRunner implements TrialRunner {
  constructor(private readonly command: CommandSpec) {}

  run(input: TrialInput, meters: MeterSet, signal: AbortSignal, onEvent: (e: TrialEvent) => void): Promise<TrialOutcome> {
    const dir = mkdtempSync(join(tmpdir(), 'ecopt-trial-'));
    const paramsFile = join(dir, 'params.json');
    writeFileSync(paramsFile, JSON.stringify(input.params, null, 2));
    const argv = this.command.argv.map((a) => substitute(a, input.params, paramsFile));
    const cwd = this.command.cwd ?? process.cwd();
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.command.env, ECOPT_PARAMS_FILE: paramsFile, ECOPT_TRIAL: String(input.trialNumber) };
    for (const [k, v] of Object.entries(input.params)) env[`ECOPT_PARAM_${k.toUpperCase()}`] = String(v);
    const shown = argv.join(' ');

    return new Promise((resolve) => {
      const windows: (EnergyWindow & { samples?: number })[] = [];
      const curve: { step: number; metric: number }[] = [];
      let phase: Phase = 'train';
      let stderr = '';
      let lastJson: Record<string, unknown> | null = null;
      let lastLineError: string | null = null;
      let settled = false;
      let ticks: number | null = null;
      const machineStart = readCpuTimes();
      const key = () => `cmd-${input.trialNumber}-${phase}`;

      meters.begin(key());
      onEvent({ type: 'phase', phase });
      const child = spawn(argv[0]!, argv.slice(1), { cwd, env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const sampler = setInterval(() => {
        if (child.pid) ticks = processTicks(child.pid) ?? ticks;
      }, 100);

      const killTree = () => {
        if (!child.pid) return;
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }, 2000).unref();
      };

      const finish = (outcome: TrialOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(sampler);
        signal.removeEventListener('abort', onAbort);
        windows.push(meters.end(key(), phase));
        if (!outcome.ok) outcome.partial.windows = [...windows];
        rmSync(dir, { recursive: true, force: true });
        resolve(outcome);
      };
      const fail = (kind: string, message: string) => finish({ ok: false, kind, message, ...(stderr ? { detail: tail(stderr, 20) } : {}), partial: { powerSamples: meters.drainSamples() } });

      const timer = setTimeout(() => {
        killTree();
        fail('timeout', `\`${shown}\` ran longer than its ${input.spec.trial.timeoutS} s limit and was stopped with its child processes; raise trial.timeoutS`);
      }, input.spec.trial.timeoutS * 1000);
      const onAbort = () => {
        killTree();
        fail('interrupted', 'stopped by the user');
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort);

      const onLine = (line: string) => {
        const t = line.trim();
        if (!t.startsWith('{')) {
          lastJson = null;
          lastLineError = null;
          return;
        }
        try {
          const obj = JSON.parse(t) as Record<string, unknown>;
          lastJson = obj;
          lastLineError = null;
          if (typeof obj.phase === 'string' && Object.keys(obj).length <= 2) {
            const next = obj.phase as Phase;
            if ((PHASES as readonly string[]).includes(next) && next !== phase) {
              const w = meters.end(key(), phase);
              windows.push(w);
              phase = next;
              meters.begin(key());
              onEvent({ type: 'phase', phase });
            }
            lastJson = null;
          } else if (typeof obj.step === 'number' && typeof obj.metric === 'number') {
            curve.push({ step: obj.step, metric: obj.metric });
            onEvent({ type: 'progress', epoch: obj.step, epochs: 0, loss: obj.metric, valAccuracy: null });
            lastJson = null;
          }
        } catch (e) {
          lastJson = null;
          lastLineError = `${(e as Error).message} in: ${t.slice(0, 120)}`;
        }
      };
      let buffer = '';
      child.stdout!.on('data', (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        lines.forEach(onLine);
      });
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        fail('crash', e.code === 'ENOENT' ? `command not found: "${argv[0]}" (cwd ${cwd}); check the path in command.argv or install it` : `could not start \`${shown}\`: ${e.message}`);
      });
      child.on('close', (code, sig) => {
        if (settled) return;
        if (buffer) onLine(buffer);
        if (code !== 0) {
          return fail('crash', `\`${shown}\` exited with ${sig ? `signal ${sig}` : `code ${code}`}${stderr ? `; its last error lines:\n${tail(stderr)}` : ''}`);
        }
        let metrics: Record<string, unknown> | null = lastJson;
        if (this.command.metricsFile) {
          const file = resolvePath(cwd, substitute(this.command.metricsFile, input.params, paramsFile));
          try {
            metrics = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
          } catch (e) {
            return fail('no-metrics', `\`${shown}\` wrote no readable metrics file ${file} (${(e as Error).message}); write JSON such as {"accuracy": 0.93}`);
          }
        }
        if (!metrics) {
          return fail(
            lastLineError ? 'bad-metrics' : 'no-metrics',
            lastLineError
              ? `the last line \`${shown}\` printed is not valid JSON (${lastLineError}); print one JSON object such as {"accuracy": 0.93}`
              : `\`${shown}\` printed no metrics: make its last line on stdout a JSON object such as {"accuracy": 0.93, "infer_samples": 1000}, or set command.metricsFile`,
          );
        }
        const known: Metrics = {};
        const attrs: Record<string, unknown> = { command: argv, learning_curve: curve };
        for (const [k, v] of Object.entries(metrics)) {
          if ((METRIC_NAMES as string[]).includes(k) && typeof v === 'number') known[k as keyof Metrics] = v;
          else attrs[`reported_${k}`] = v;
        }
        const samples = typeof metrics.infer_samples === 'number' ? metrics.infer_samples : undefined;
        const end = meters.end(key(), phase);
        settled = true;
        clearTimeout(timer);
        clearInterval(sampler);
        signal.removeEventListener('abort', onAbort);
        windows.push(end);
        const infer = windows.find((w) => w.phase === 'infer');
        if (infer && samples) infer.samples = samples;
        const machine = readCpuTimes();
        const machineTicks = machine.busy - machineStart.busy;
        if (ticks !== null && machineTicks > 0) attrs.process_cpu_share = Math.min(1, ticks / machineTicks);
        rmSync(dir, { recursive: true, force: true });
        const all = { ...known, ...energyMetrics(windows) };
        const bad = Object.entries(all).find(([, v]) => !Number.isFinite(v));
        if (bad) {
          resolve({ ok: false, kind: 'nan', message: `\`${shown}\` reported ${bad[0]} = ${bad[1]}`, partial: { windows, powerSamples: meters.drainSamples() } });
          return;
        }
        resolve({ ok: true, result: { metrics: all, attrs, windows, backend: 'command', powerSamples: meters.drainSamples() } });
      });
    });
  }
}
