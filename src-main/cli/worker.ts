/**
 * `ecopt worker`: one of any number of symmetric workers on one study, on this machine or many.
 * The first to arrive creates the study from its file; the others find it by name (or create
 * nothing and join). Each claims trials against the shared budget, runs them with this machine's
 * own meters, heartbeats them, re-runs a trial whose worker went silent, and exits 0 once the
 * budget is met. With `--gpus`, one loop per GPU runs in this process at once.
 */
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { qualityText } from '../shared/analysis';
import type { StudySpec } from '../shared/spec';
import type { TrialState } from '../shared/types';
import { UserError } from '../engine/errors';
import { loadSpecFile } from '../engine/space/load-spec';
import { openStorage } from '../engine/store/open-storage';
import { COUNTED_STATES, type Storage, type WorkerId } from '../engine/store/storage';
import { nvidiaGpus } from '../engine/study/hardware';
import { workerHost } from '../engine/study/hardware-class';
import { registerRun } from '../engine/study/machine-runs';
import { runStudy, type StudyEvent, type StudyOutcome } from '../engine/study/study';

/** `--gpus 0,1` or `all` (every GPU nvidia-smi lists); undefined: one loop, no device binding. */
export function parseGpus(value: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === 'all') {
    const found = nvidiaGpus(env.ECOPT_NVIDIA_SMI ?? 'nvidia-smi').map((g) => g.index);
    if (found.length === 0) throw new UserError('--gpus all: nvidia-smi lists no GPU on this machine; give the device numbers (e.g. --gpus 0,1) or leave --gpus out');
    return found;
  }
  const list = value.split(',').map((x) => x.trim()).filter(Boolean);
  if (list.length === 0 || list.some((x) => !/^\d+$/.test(x))) throw new UserError(`--gpus: expected device numbers such as 0,1 or "all", got "${value}"`);
  if (new Set(list).size !== list.length) throw new UserError(`--gpus: a device is listed twice in "${value}"`);
  return list;
}

/**
 * The study file, or the name of a study some other worker created in the storage. Workers are
 * often started together (a job array): one naming the study waits a while (ECOPT_JOIN_WAIT_S,
 * default 60 s) for the worker given the file to create it. A name that looks like a file path
 * is not waited for.
 */
async function studySpec(storage: Storage, study: string, signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<StudySpec> {
  if (existsSync(study) && statSync(study).isFile()) return loadSpecFile(study);
  const looksLikeFile = /\.json$/i.test(study) || /[\\/]/.test(study);
  const waitS = looksLikeFile ? 0 : Math.max(0, Number(env.ECOPT_JOIN_WAIT_S ?? 60) || 0);
  const until = Date.now() + waitS * 1000;
  for (let said = false; ; ) {
    const found = await storage.findStudy(study);
    if (found) return found.spec;
    if (Date.now() >= until || signal.aborted) break;
    if (!said) {
      process.stderr.write(`No study "${study}" in ${storage.location} yet: waiting up to ${waitS} s for the worker given its study file to create it…\n`);
      said = true;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const names = (await storage.listStudies()).map((s) => s.name);
  throw new UserError(
    (looksLikeFile ? `no study file ${study}` : `"${study}" is neither a study file nor a study in ${storage.location}${waitS > 0 ? ` (waited ${waitS} s)` : ''}`) +
      (names.length ? ` (studies there: ${names.join(', ')})` : '') +
      '; give the first worker the study file (JSON), the others may then name the study',
  );
}

function eventLine(tag: string, e: StudyEvent): string | null {
  switch (e.type) {
    case 'study-start':
      return (
        `${tag} ${e.resumed ? 'joined' : 'created'} study "${e.study.name}": ${e.done}/${e.budget} trials done${e.recovered ? `, ${e.recovered} interrupted trial(s) to re-run` : ''}` +
        (e.budgetFrom !== null ? `; this worker's study file changed the study's budget from ${e.budgetFrom} to ${e.budget} trials, for every worker` : '') +
        // walk 54: a worker joining a finished study exited with no word on how to run more
        (e.done >= e.budget && e.budgetFrom === null ? `; nothing to run: to run more, start a worker with the study file and a larger "trials" (it raises the budget for every worker)` : '') +
        // as tune says it: this machine's figures are estimates (walk 54: only tune, show and meters said so)
        (e.estimatedOnly && e.done < e.budget ? `\n${tag} energy figures from this machine are ESTIMATED, not measured: no hardware energy counter is readable here (\`ecopt meters\` says why)` : '')
      );
    case 'idle-start':
      return `${tag} measuring the idle machine for ${e.seconds} s`;
    case 'trial-start':
      return `${tag} trial ${e.trial.number} started${e.retryOf !== null ? ` (re-run of trial ${e.retryOf})` : ''}`;
    case 'trial-end': {
      const quality = qualityText(e.trial.metrics);
      return `${tag} trial ${e.trial.number} ${e.trial.state}${quality !== null ? ` (${quality})` : ''} in ${e.elapsedS.toFixed(1)} s · ${e.done}/${e.budget} done`;
    }
    case 'study-end':
      return `${tag} ${e.reason === 'budget' ? `budget met: ${e.done}/${e.budget} trials` : `stopped (${e.reason}) at ${e.done}/${e.budget} trials`}`;
    default:
      return null;
  }
}

export function addWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run trials of a shared study beside other workers, on this machine or others, until its budget is met (SQLite file or PostgreSQL)')
    .argument('<study>', 'study file (JSON; the first worker creates the study from it) or the name of a study already in the storage')
    .requiredOption('--storage <url-or-file>', 'where the study lives: postgresql://user@host/db (workers on several machines), or a SQLite file (workers on this machine)')
    .option('--gpus <list>', 'run one trial per GPU at once: device numbers (0,1) or "all"; each trial sees only its device (CUDA_VISIBLE_DEVICES) and is measured by its counter')
    .option('--models-dir <dir>', 'where kept models go for a PostgreSQL study (default: the current folder); a SQLite study keeps them beside its file')
    .option('--skip-idle', 'do not measure the idle machine first (no net energy figures)')
    .option('--quiet', 'print only the final line')
    .action(async (study: string, opts: { storage: string; gpus?: string; modelsDir?: string; skipIdle?: boolean; quiet?: boolean }) => {
      const gpus = parseGpus(opts.gpus);
      const storage = await openStorage(opts.storage);
      const controller = new AbortController();
      let stops = 0;
      const onSignal = () => {
        stops++;
        if (stops > 1) process.exit(130);
        process.stderr.write('Stopping: the running trial(s) will be marked interrupted and re-run by another worker.\n');
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const self: WorkerId = { host: workerHost(), pid: process.pid };
      try {
        const spec = await studySpec(storage, study, controller.signal);
        const release = registerRun(spec.name, storage.location);
        const loops = (gpus ?? [undefined]).map((gpu) => {
          const tag = `[${self.host} pid ${self.pid}${gpu !== undefined ? ` gpu ${gpu}` : ''}]`;
          return runStudy({
            storage,
            spec,
            mode: 'shared',
            worker: self,
            signal: controller.signal,
            skipIdle: opts.skipIdle === true,
            ...(gpu !== undefined ? { gpu } : {}),
            ...(opts.modelsDir ? { modelsDir: opts.modelsDir } : {}),
            onEvent: (e) => {
              const line = opts.quiet && e.type !== 'study-end' ? null : eventLine(tag, e);
              if (line) process.stderr.write(`${line}\n`);
            },
          });
        });
        let outcomes: StudyOutcome[];
        try {
          // one loop's failure stops the others at their next trial, not in the middle of one
          outcomes = await Promise.all(loops.map((p) => p.catch((e: unknown) => (controller.abort(), Promise.reject(e)))));
        } finally {
          await Promise.allSettled(loops);
          release();
        }
        const last = outcomes.at(-1)!;
        // the trials that count towards the budget, and of them this host's; interrupted ones apart
        const isCounted = (t: { state: TrialState }) => COUNTED_STATES.includes(t.state);
        const here = last.trials.filter((t) => (t as { host?: string | null }).host === self.host);
        const mine = here.filter(isCounted).length;
        const interruptedHere = here.filter((t) => t.state === 'interrupted').length;
        const counted = last.trials.filter(isCounted).length;
        process.stdout.write(
          `Study "${last.study.name}" in ${storage.location}: ${counted}/${last.study.spec.trials} trials done, ${mine} on ${self.host}` +
            `${interruptedHere ? ` (and ${interruptedHere} interrupted there, re-run as ${interruptedHere === 1 ? 'a new trial' : 'new trials'})` : ''}.\n`,
        );
        if (outcomes.some((o) => o.reason === 'stopped')) process.exitCode = 130;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await storage.close();
      }
    });
}
