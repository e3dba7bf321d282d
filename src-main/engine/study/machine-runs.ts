/**
 * Studies running on this machine, whatever their database: one small lock file per running
 * study in a folder every ECOpt process on the machine shares (`$TMPDIR/ecopt-running`, or
 * `ECOPT_RUN_DIR`). Two studies measured at once share the counters, so each one's energy would
 * include part of the other's work: `ecopt tune` refuses to start beside another (unless told
 * `--allow-concurrent`), the app warns. A file is refreshed every few seconds by its holder; one
 * whose process is gone, or which has not been refreshed for a minute (a crashed holder whose
 * pid was reused), is ignored and removed.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isAlive } from '../pid';
import { displayLocation, isDatabaseUrl } from '../store/open-storage';

export interface MachineRun {
  study: string;
  /** The study file (database) it is written to. */
  dbPath: string;
  pid: number;
  startedAt: string;
}

const REFRESH_MS = 10_000;
const STALE_MS = 60_000;

export function runsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ECOPT_RUN_DIR ? resolve(env.ECOPT_RUN_DIR) : join(tmpdir(), 'ecopt-running');
}

function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  // shared by every user of the machine, like /tmp itself: anyone may add, only owners remove
  try {
    if ((statSync(dir).mode & 0o7777) !== 0o1777) chmodSync(dir, 0o1777);
  } catch {
    // another user's folder: theirs to set
  }
}

/** Records a running study; the returned function removes the record (call it when the run ends). */
export function registerRun(study: string, dbPath: string, env: NodeJS.ProcessEnv = process.env): () => void {
  const dir = runsDir(env);
  // a PostgreSQL URL (`ecopt worker --storage`) is kept as given (without its password), not made a path
  const where = isDatabaseUrl(dbPath) ? displayLocation(dbPath) : resolve(dbPath);
  const file = join(dir, `${process.pid}-${createHash('sha256').update(`${where}\0${study}`).digest('hex').slice(0, 16)}.json`);
  const run: MachineRun & { host: string } = { study, dbPath: where, pid: process.pid, startedAt: new Date().toISOString(), host: hostname() };
  try {
    ensureDir(dir);
    writeFileSync(file, JSON.stringify(run), { mode: 0o644 });
  } catch {
    // an unwritable temporary folder must not stop a study; it only loses the warning
    return () => {};
  }
  const timer = setInterval(() => {
    try {
      const t = new Date();
      utimesSync(file, t, t);
    } catch {
      // removed by someone else: nothing to refresh
    }
  }, REFRESH_MS);
  timer.unref();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    clearInterval(timer);
    rmSync(file, { force: true });
  };
}

/** The studies running on this machine now, this process's own included. */
export function activeRuns(env: NodeJS.ProcessEnv = process.env): MachineRun[] {
  const dir = runsDir(env);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const runs: MachineRun[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const run = JSON.parse(readFileSync(file, 'utf8')) as MachineRun & { host?: string };
      const fresh = Date.now() - statSync(file).mtimeMs < STALE_MS;
      if ((run.host === undefined || run.host === hostname()) && fresh && isAlive(run.pid)) {
        runs.push({ study: run.study, dbPath: run.dbPath, pid: run.pid, startedAt: run.startedAt });
      } else if (run.host === undefined || run.host === hostname()) {
        rmSync(file, { force: true });
      }
    } catch {
      // half-written or removed while reading: not a run to report
    }
  }
  return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** One line naming the other runs, for a refusal or a warning. */
export function describeRuns(runs: MachineRun[]): string {
  return runs.map((r) => `"${r.study}" (pid ${r.pid}, ${r.dbPath})`).join(', ');
}
