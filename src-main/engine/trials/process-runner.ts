/**
 * The one trial runner: every trial — the built-in trainer or a user's own command — is a child
 * process speaking one line protocol on stdout, started, measured, attributed, timed out and torn
 * down here.
 *
 * The protocol (one JSON object a line; other lines are ignored):
 *   {"phase": "train" | "infer" | "evaluate"}   closes the open meter window and opens this
 *                                               phase's; to a program started with `acks` the
 *                                               runner answers {"ack": "<phase>"} on stdin once
 *                                               it is open (the built-in trainer waits for it)
 *   {"step": 3, "accuracy": 0.91, "loss": 0.2}  a learning-curve point: every numeric key is kept
 *   {"ecopt": "result", "metrics": {…}, "attrs": {…}}  the trial's metrics (else the last JSON line)
 *   {"ecopt": "error", "kind": …, "message": …}  the program's own account of a failure
 *   {"ecopt": "backend" | "profile-start" | "profile", …}  what the built-in trainer adds
 *   {"ecopt": "pause"}                          closes the open window without opening another
 *                                               (work that is no phase's, e.g. the inference
 *                                               warm-up); answered {"ack": "pause"} like a phase
 *
 * The child runs in its own process group, and a small guard process holding a pipe from this
 * one kills that group if this process dies without saying goodbye (kill -9 included), so a
 * trial never outlives the study that started it. The group id and start time are recorded, so a
 * resumed study can also stop a group left from a dead run (see study.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { METRIC_NAMES, METRICS, PHASES, type EnergyWindow, type Metrics, type Params, type Phase } from '../../shared/types';
import { readProcStat } from '../meters/proc-tree';
import type { WindowMeters } from '../meters/window-meters';
import { project, type Projection } from './projection';
import type { TrialEvent, TrialInput, TrialOutcome, TrialRunner } from './types';
import { stepReading } from '../../shared/curve';

/** Metrics in joules (or per joule): measured by ECOpt over the trial's windows, never taken from the program. */
const ENERGY_METRICS = new Set<string>(METRIC_NAMES.filter((k) => METRICS[k].unit === 'J' || METRICS[k].unit === 'samples/J'));

export interface ProcessCommand {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A JSON file the program writes its metrics to, instead of a last stdout line. */
  metricsFile?: string;
  /** The phase the window starts in when the program starts (command trials), or null: none until the first phase line (the built-in trainer, whose set-up is not the trial's work). */
  initialPhase: Phase | null;
  /** What the trial is called in messages (`python train.py …`, or `the trainer`). */
  shown: string;
  /** Files to remove afterwards. */
  cleanup?: string[];
  /**
   * Answer each phase line on the program's stdin once its window is open. Only for programs
   * that expect it: a user's script gets a closed stdin, as it would from a scheduler, so one
   * that reads stdin cannot hang waiting for input.
   */
  acks?: boolean;
}

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

function tail(text: string, lines = 6): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Node's own binary runs plain JavaScript even when it is Electron's. */
export function nodeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return process.versions.electron ? { ...env, ELECTRON_RUN_AS_NODE: '1' } : env;
}

/**
 * The guard: a shell waiting on a pipe from ECOpt. ECOpt writes `done` when the trial ended on
 * its own; if ECOpt dies first, the pipe closes unread and the guard stops the trial's process
 * group (TERM, then KILL after 2 s). A shell costs a millisecond where a second Node process
 * cost ~50 ms of CPU beside every trial.
 */
const GUARD = 'read -r line; [ "$line" = done ] && exit 0; kill -TERM "-$1" 2>/dev/null; sleep 2; kill -KILL "-$1" 2>/dev/null; exit 0';

/** Starts the guard that kills group `pgid` if this process dies; `release()` dismisses it. */
function guard(pgid: number): { release(): void } {
  const g = spawn('/bin/sh', ['-c', GUARD, 'ecopt-guard', String(pgid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  g.on('error', () => {});
  g.stdin!.on('error', () => {});
  g.unref();
  return {
    release() {
      g.stdin!.end('done\n');
    },
  };
}

/** Kills a process group, politely first. */
export function killGroup(pgid: number, graceMs = 2000): void {
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  setTimeout(() => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, graceMs).unref();
}

/** The record a resumed study uses to stop a group left from a dead run. */
export interface TrialProcess {
  pgid: number;
  /** The group leader's start time since boot, clock ticks: guards against pid reuse. */
  startTicks: number;
}

export type CommandFactory = (input: TrialInput) => ProcessCommand;

/** A trial's temporary folder (its parameters or the trainer's input) older than this is one a killed run left. */
const STALE_TRIAL_DIR_MS = 24 * 3600 * 1000;
let swept = false;

/**
 * Removes the `ecopt-trial-*` folders a run killed with -9 left in the temporary folder (a
 * trial's parameters or the trainer's input, removed when the trial ends otherwise): once per
 * process, only this user's, only those a day old or more (no trial of a run still going is that
 * old unless its timeout allows it, and then its input was read long ago) and holding nothing
 * but those files. Returns how many it removed.
 */
export function sweepStaleTrialDirs(now = Date.now(), dir = tmpdir()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith('ecopt-trial-'));
  } catch {
    return 0;
  }
  for (const name of names) {
    const full = join(dir, name);
    try {
      const st = statSync(full);
      if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid()) || now - st.mtimeMs < STALE_TRIAL_DIR_MS) continue;
      if (!readdirSync(full).every((f) => f === 'params.json' || f === 'input.json')) continue;
      rmSync(full, { recursive: true, force: true });
      removed++;
    } catch {
      // gone meanwhile, or not ours to read: left as it is
    }
  }
  return removed;
}

export class ProcessTrialRunner implements TrialRunner {
  constructor(
    private readonly make: CommandFactory,
    private readonly onProcess?: (p: TrialProcess) => void,
  ) {
    if (!swept) {
      swept = true;
      sweepStaleTrialDirs();
    }
  }

  run(input: TrialInput, meters: WindowMeters, signal: AbortSignal, onEvent: (e: TrialEvent) => void): Promise<TrialOutcome> {
    let cmd: ProcessCommand;
    try {
      cmd = this.make(input);
    } catch (e) {
      return Promise.resolve({ ok: false, kind: 'exception', message: (e as Error).message, partial: {} });
    }
    const shown = cmd.shown;
    return new Promise((resolve) => {
      const windows: (EnergyWindow & { samples?: number })[] = [];
      const curve: Record<string, number>[] = [];
      const accuracies: number[] = [];
      let phase: Phase | null = null;
      let stderr = '';
      let lastJson: Record<string, unknown> | null = null;
      let lastLineError: string | null = null;
      let result: { metrics: Record<string, unknown>; attrs: Record<string, unknown> } | null = null;
      let reportedError: { kind: string; message: string; detail?: string } | null = null;
      let backend = 'command';
      let backendNotes: string[] = [];
      let flopsPerInference: number | undefined;
      let paramCount: number | undefined;
      let profileMark: { atMs: number; energyJ: number } | null = null;
      let projection: Projection | null = null;
      let settled = false;
      /** When the infer phase's line arrived, and the next phase's or the metrics line after it (arrivedAt). */
      const inferLines: { from: number | null; to: number | null } = { from: null, to: null };
      /** When the chunk of stdout being read arrived (performance.now()). */
      let arrivedAt = performance.now();
      const key = () => `trial-${input.trialNumber}-${phase}`;

      /** The window opened at start for a command (initialPhase), while no phase line has come. */
      let implicit = false;
      const closeWindow = (keep = true) => {
        if (phase === null) return;
        const w = meters.end(key(), phase);
        // a phase entered again (train, pause, train: loading data between epochs) adds to its window
        const earlier = windows.find((x) => x.phase === w.phase);
        if (!keep) {
          // dropped: measured, but no phase's
        } else if (earlier) Object.assign(earlier, mergeWindows(earlier, w));
        else windows.push(w);
        phase = null;
      };
      const openWindow = (next: Phase) => {
        if (phase === 'infer' && inferLines.to === null) inferLines.to = arrivedAt;
        if (next === 'infer') inferLines.from = arrivedAt;
        phase = next;
        meters.begin(key());
        onEvent({ type: 'phase', phase: next });
      };

      let child: ChildProcess;
      try {
        child = spawn(cmd.argv[0]!, cmd.argv.slice(1), { cwd: cmd.cwd, env: cmd.env, shell: false, detached: true, stdio: [cmd.acks ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
      } catch (e) {
        resolve({ ok: false, kind: 'crash', message: `could not start \`${shown}\`: ${(e as Error).message}`, partial: {} });
        return;
      }
      child.stdin?.on('error', () => {}); // the program may exit before reading its acks
      const pgid = child.pid;
      const guardian = pgid ? guard(pgid) : null;
      if (pgid) {
        meters.track?.(pgid);
        this.onProcess?.({ pgid, startTicks: readProcStat(pgid)?.startTicks ?? 0 });
      }
      // the whole process beside its phases, start-up and saving included: what the campaign
      // counts (trials/energy.ts, ProcessEnergy); opened once its tree is tracked, so attributed
      const processKey = `trial-${input.trialNumber}-process`;
      meters.begin(processKey);
      let processOpen = true;
      const endProcess = (): { processWindow?: EnergyWindow } => {
        if (!processOpen) return {};
        processOpen = false;
        return { processWindow: meters.end(processKey, 'train') };
      };
      if (cmd.initialPhase) {
        openWindow(cmd.initialPhase);
        implicit = true;
      }

      const cleanup = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        meters.track?.(null);
        for (const f of cmd.cleanup ?? []) rmSync(f, { recursive: true, force: true });
      };
      const finish = (outcome: TrialOutcome) => {
        if (settled) return;
        settled = true;
        closeWindow();
        const whole = endProcess();
        if (!outcome.ok) outcome.partial = { ...outcome.partial, windows: [...windows], backend, powerSamples: meters.drainSamples(), ...whole };
        cleanup();
        guardian?.release();
        resolve(outcome);
      };
      const fail = (kind: string, message: string, detail?: string) => {
        if (pgid) killGroup(pgid);
        const d = detail ?? (stderr ? tail(stderr, 20) : undefined);
        finish({ ok: false, kind, message, ...(d ? { detail: d } : {}), partial: {} });
      };

      const timer = setTimeout(
        () => fail('timeout', `${shown} ran longer than its ${input.spec.trial.timeoutS} s limit and was stopped with its child processes; raise trial.timeoutS or shrink the search space`),
        input.spec.trial.timeoutS * 1000,
      );
      const onAbort = () => fail('interrupted', 'stopped by the user');
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort);

      const onStep = (obj: Record<string, unknown>) => {
        const point = Object.fromEntries(Object.entries(obj).filter(([, v]) => typeof v === 'number' && Number.isFinite(v))) as Record<string, number>;
        curve.push(point);
        if (typeof point.flops_per_inference === 'number') flopsPerInference = point.flops_per_inference;
        if (typeof point.param_count === 'number') paramCount = point.param_count;
        const { accuracy: valAccuracy, loss } = stepReading(point);
        const epoch = point.epoch ?? point.step!;
        const epochs = point.epochs ?? 0;
        onEvent({ type: 'progress', epoch, epochs, loss: loss ?? NaN, valAccuracy });
        // pruning predicts the end point from the curve and the FLOPs: only with both
        if (valAccuracy !== null && point.epoch !== undefined && epochs > 0 && flopsPerInference !== undefined) {
          accuracies.push(valAccuracy);
          const reason = input.shouldPrune?.({ epoch, epochs, accuracies: [...accuracies], flopsPerInference, ...(paramCount !== undefined ? { paramCount } : {}) });
          if (reason) fail('pruned', reason);
        }
      };

      const onEcopt = (obj: Record<string, unknown>) => {
        switch (obj.ecopt) {
          case 'backend':
            backend = String(obj.backend);
            backendNotes = Array.isArray(obj.notes) ? obj.notes.map(String) : [];
            onEvent({ type: 'backend', backend, notes: backendNotes });
            break;
          case 'profile-start':
            if (phase === 'train') profileMark = { atMs: performance.now(), energyJ: meters.peek(key()) };
            break;
          case 'profile':
            if (profileMark && phase === 'train') {
              // the trial's own energy so far where its CPU time is known (what the projection scales)
              const own = meters.peekOwn?.(key()) ?? null;
              const energyNow = own ?? meters.peek(key());
              const profile = obj as unknown as Parameters<typeof project>[0];
              const made: Projection = { ...project(profile, energyNow, energyNow - profileMark.energyJ, (performance.now() - profileMark.atMs) / 1000, input.projectionCalibration ?? null), energyOf: own !== null && profile.elapsedCpuS ? 'trial' : 'machine' };
              projection = made;
              onEvent({ type: 'projection', energyJ: made.projectedEnergyJ, intervalRel: made.intervalRel, remainingS: Math.max(0, made.projectedDurationS - profile.elapsedS) });
            }
            break;
          case 'pause':
            // before any phase line: the program's start-up (interpreter, imports) is no phase's
            closeWindow(!implicit);
            implicit = false;
            child.stdin?.write('{"ack": "pause"}\n');
            break;
          case 'result':
            result = { metrics: (obj.metrics ?? {}) as Record<string, unknown>, attrs: (obj.attrs ?? {}) as Record<string, unknown> };
            if (phase === 'infer') inferLines.to = arrivedAt;
            break;
          case 'error':
            reportedError = { kind: String(obj.kind ?? 'exception'), message: String(obj.message ?? 'the trial failed'), ...(typeof obj.detail === 'string' ? { detail: obj.detail } : {}) };
            break;
        }
      };

      const onLine = (line: string) => {
        if (settled) return;
        const t = line.trim();
        if (!t.startsWith('{')) {
          lastJson = null;
          lastLineError = null;
          return;
        }
        let obj: Record<string, unknown>;
        try {
          obj = JSON.parse(t) as Record<string, unknown>;
        } catch (e) {
          lastJson = null;
          lastLineError = `${(e as Error).message} in: ${t.slice(0, 120)}`;
          return;
        }
        lastLineError = null;
        lastJson = null;
        if (typeof obj.ecopt === 'string') return onEcopt(obj);
        if (typeof obj.phase === 'string' && Object.keys(obj).length <= 2 && (PHASES as readonly string[]).includes(obj.phase)) {
          const next = obj.phase as Phase;
          implicit = false;
          if (next !== phase) {
            closeWindow();
            openWindow(next);
          }
          child.stdin?.write(`{"ack": "${next}"}\n`);
          return;
        }
        if (typeof obj.step === 'number') return onStep(obj);
        lastJson = obj;
        if (phase === 'infer') inferLines.to = arrivedAt;
      };

      let buffer = '';
      child.stdout!.on('data', (d: Buffer) => {
        // lines that arrive together share a time, however long handling each takes (a window
        // opening reads the meters): the inference phase's length is read from these times
        arrivedAt = performance.now();
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
        fail('crash', e.code === 'ENOENT' ? `command not found: "${cmd.argv[0]}" (cwd ${cmd.cwd}); check the path in command.argv or install it` : `could not start ${shown}: ${e.message}`);
      });
      child.on('close', (code, sig) => {
        if (settled) return;
        if (buffer) onLine(buffer);
        const err = reportedError as { kind: string; message: string; detail?: string } | null;
        if (err) return fail(err.kind, err.message, err.detail);
        if (code !== 0) {
          return fail('crash', `${shown} exited with ${sig ? `signal ${sig}` : `code ${code}`}${stderr ? `; its last error lines:\n${tail(stderr)}` : ''}`);
        }
        let metrics: Record<string, unknown> | null = (result as { metrics: Record<string, unknown> } | null)?.metrics ?? lastJson;
        if (cmd.metricsFile) {
          const file = resolvePath(cmd.cwd, cmd.metricsFile);
          try {
            metrics = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
          } catch (e) {
            return fail('no-metrics', `${shown} wrote no readable metrics file ${file} (${(e as Error).message}); write JSON such as {"accuracy": 0.93}`);
          }
        }
        if (!metrics) {
          return fail(
            lastLineError ? 'bad-metrics' : 'no-metrics',
            lastLineError
              ? `the last line ${shown} printed is not valid JSON (${lastLineError}); print one JSON object such as {"accuracy": 0.93}`
              : `${shown} printed no metrics: make its last line on stdout a JSON object such as {"accuracy": 0.93, "infer_samples": 1000}, or set command.metricsFile`,
          );
        }
        const wrong = badMetric(metrics);
        if (wrong) return fail('bad-metrics', `${shown} printed ${wrong}`);
        const known: Metrics = {};
        const attrs: Record<string, unknown> = { ...((result as { attrs: Record<string, unknown> } | null)?.attrs ?? {}) };
        if (!attrs.learning_curve) attrs.learning_curve = curve;
        if (backend === 'command') attrs.command = cmd.argv;
        if (backendNotes.length) attrs.backend_notes = backendNotes;
        for (const [k, v] of Object.entries(metrics)) {
          if (k === 'infer_samples') continue;
          // energy is what ECOpt measures over the windows: a figure the program prints itself
          // is kept beside the trial as reported, never stored as a measurement
          if ((METRIC_NAMES as string[]).includes(k) && typeof v === 'number' && !ENERGY_METRICS.has(k)) known[k as keyof Metrics] = v;
          else if (!result || ENERGY_METRICS.has(k)) attrs[`reported_${k}`] = v;
        }
        const samples = typeof metrics.infer_samples === 'number' ? metrics.infer_samples : undefined;
        closeWindow();
        const infer = windows.find((w) => w.phase === 'infer');
        if (infer && samples) infer.samples = samples;
        // the inference phase as its lines arrived: opened by {"phase": "infer"}, ended by the
        // next phase's line or the metrics line (the window itself lasts until the program exits)
        const inferS = inferLines.from !== null && inferLines.to !== null ? (inferLines.to - inferLines.from) / 1000 : (infer?.durationS ?? Infinity);
        if (infer && samples && inferS < MIN_WINDOW_S) {
          // its lines reached ECOpt all at once: the predictions ran, and were measured, in another phase
          return fail(
            'unmeasured',
            `the inference phase of ${shown} lasted ${Number((inferS * 1000).toPrecision(2))} ms for ${samples} predictions: ECOpt received its {"phase": "infer"} line just before the metrics line, so the predictions' energy was measured in another phase. If the output passes through a pipe (| sed, | tee) or is buffered, flush stdout after each line (python -u, or print(..., flush=True)); otherwise make the predictions last about a second`,
          );
        }
        if (projection) attrs.train_projection = projection;
        const bad = Object.entries(known).find(([, v]) => !Number.isFinite(v));
        if (bad) return fail('nan', `${shown} produced ${bad[0]} = ${bad[1]}; the model diverged (try a lower learning rate)`);
        settled = true;
        const whole = endProcess();
        cleanup();
        guardian?.release();
        resolve({ ok: true, result: { metrics: known, attrs, windows: [...windows], backend, powerSamples: meters.drainSamples(), ...whole } });
      });
    });
  }
}

/**
 * Two windows of one phase as one: durations, each domain's energy and the CPU times added, the
 * flags of both; it starts when the first did (the time between them, paused, is in neither).
 */
export function mergeWindows<W extends EnergyWindow & { samples?: number }>(a: W, b: W): W {
  const domains = a.domains.map((d) => {
    const o = b.domains.find((x) => x.domain === d.domain);
    return o ? { ...d, energyJ: d.energyJ + o.energyJ, ...(d.unreliable || o.unreliable ? { unreliable: true } : {}) } : d;
  });
  for (const o of b.domains) if (!a.domains.some((d) => d.domain === o.domain)) domains.push(o);
  const flags = [...(a.flags ?? []), ...(b.flags ?? [])].filter((f, i, all) => all.findIndex((g) => g.kind === f.kind && g.domain === f.domain && g.message === f.message) === i);
  const cpu =
    a.cpu && b.cpu ? { treeS: a.cpu.treeS === null || b.cpu.treeS === null ? null : a.cpu.treeS + b.cpu.treeS, machineBusyS: a.cpu.machineBusyS + b.cpu.machineBusyS, cores: a.cpu.cores } : (a.cpu ?? b.cpu);
  return { ...a, durationS: a.durationS + b.durationS, domains, ...(flags.length ? { flags } : {}), ...(cpu ? { cpu } : {}) };
}

/**
 * An inference phase shorter than this (from its line to the next phase's or the metrics line)
 * measured no predictions: the meters read every 100 ms or faster, and a program's lines that
 * arrive together (output through a pipe, buffered) leave a phase of a fraction of a millisecond
 * with a zero or stray figure in it.
 */
export const MIN_WINDOW_S = 0.01;

/**
 * What is wrong with a metrics line, in words that say the fix, or null: a metric ECOpt knows
 * given as something other than a number, a fraction (accuracy) outside [0, 1] (a percentage:
 * 74 shown as 7400%), or infer_samples that is not a positive number.
 */
export function badMetric(metrics: Record<string, unknown>): string | null {
  for (const [k, v] of Object.entries(metrics)) {
    if (k === 'infer_samples') {
      if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) return `infer_samples = ${JSON.stringify(v)}: report the number of predictions made in the inference phase, a positive number, e.g. {"infer_samples": 1000}`;
      continue;
    }
    // null is how JSON writes NaN: left out, as before (an objective missing it fails the trial, saying so)
    if (!(METRIC_NAMES as string[]).includes(k) || ENERGY_METRICS.has(k) || v === null) continue;
    if (typeof v !== 'number') return `${k} = ${JSON.stringify(v)}, which is not a number: print it as a JSON number, e.g. {"${k}": 0.93}`;
    if (METRICS[k as keyof typeof METRICS].unit === 'fraction' && (v < 0 || v > 1)) {
      return `${k} = ${v}, which is not a fraction between 0 and 1: print ${k} as a fraction${v > 1 && v <= 100 ? ` (${Number((v / 100).toPrecision(6))} for ${v}%)` : ', e.g. 0.93'}`;
    }
  }
  return null;
}

/** The parameters as a JSON file, for `{params_file}` and ECOPT_PARAMS_FILE. */
export function writeParamsFile(params: Params): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ecopt-trial-'));
  const file = join(dir, 'params.json');
  writeFileSync(file, JSON.stringify(params, null, 2));
  return { dir, file };
}
