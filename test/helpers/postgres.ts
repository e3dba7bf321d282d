/**
 * A real PostgreSQL server for tests: initdb in a temporary folder, then `postgres` itself as a
 * child of the test process, listening only on a Unix socket in that folder (no port to collide
 * with), fsync off. PostgreSQL refuses to run as root, so as root the server runs as `nobody`
 * (setpriv) in a folder owned by it. setpriv's --pdeathsig stops the server when the test process
 * dies, however it dies, and folders that such a death left behind are removed by the next start.
 * `usePostgres()` starts one server per test file and gives each caller a fresh database's URL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

const NOBODY = 65534;
const ROOT_DIR = '/tmp';
const PREFIX = 'ecopt-pg-';
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;
const asRoot = process.getuid?.() === 0;

/** The newest installed PostgreSQL's bin folder, or null. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : null;
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export const postgresMissing: string | null = !postgresBin()
  ? 'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql, as .ci/run does'
  : asRoot && !SETPRIV
    ? 'PostgreSQL will not run as root and setpriv (util-linux) is missing to run it as nobody'
    : null;

export interface PgServer {
  dir: string;
  /** Creates an empty database (or a copy of `template`, a database name) and returns its URL. */
  createDatabase(template?: string): Promise<string>;
  /** Shuts the server down (fast shutdown: every connection dropped), waits `downMs` with it down, starts it again on the same data. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** The command line that runs `argv` as the server's user, dying with this process where it can. */
function asServerUser(argv: string[], pdeathsig: boolean): [string, string[]] {
  if (!SETPRIV) return [argv[0]!, argv.slice(1)];
  const user = asRoot ? ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups'] : [];
  return [SETPRIV, [...(pdeathsig ? ['--pdeathsig', 'SIGQUIT'] : []), ...user, ...argv]];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes server folders whose test process died without stopping them (older than 10 minutes, no live server). */
function sweep(): void {
  for (const name of readdirSync(ROOT_DIR).filter((n) => n.startsWith(PREFIX))) {
    const dir = join(ROOT_DIR, name);
    try {
      if (Date.now() - statSync(dir).mtimeMs < 10 * 60_000) continue;
      const pidFile = join(dir, 'data', 'postmaster.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
      if (!pid || !alive(pid)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // another test file's folder, gone meanwhile
    }
  }
}

const running = new Set<{ child: ChildProcess; dir: string }>();
process.on('exit', () => {
  for (const { child, dir } of running) {
    child.kill('SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
});

export async function startPostgres(): Promise<PgServer> {
  const bin = postgresBin();
  if (!bin || postgresMissing) throw new Error(postgresMissing ?? 'PostgreSQL is not installed');
  sweep();
  // a short folder: a Unix socket's path must fit in 107 bytes
  const dir = mkdtempSync(join(ROOT_DIR, PREFIX));
  if (asRoot) chownSync(dir, NOBODY, NOBODY);
  const data = join(dir, 'data');
  const [cmd, args] = asServerUser([join(bin, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C'], false);
  const init = spawnSync(cmd, args, { encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout || init.error?.message}`);
  }
  const settings = ['listen_addresses=', 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200'];
  const [pcmd, pargs] = asServerUser([join(bin, 'postgres'), '-D', data, '-k', dir, ...settings.flatMap((s) => ['-c', s])], true);
  const launch = () => {
    const log = openSync(join(dir, 'log'), 'a');
    const c = spawn(pcmd, pargs, { stdio: ['ignore', log, log] });
    closeSync(log);
    return c;
  };
  let child = launch();
  const entry = { child, dir };
  running.add(entry);
  let exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = (db: string) => `postgresql://postgres@localhost/${db}?host=${encodeURIComponent(dir)}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    running.delete(entry);
    // immediate shutdown: the data is thrown away anyway
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const ready = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const c = new pg.Client({ connectionString: url('postgres') });
      try {
        await c.connect();
        await c.end();
        break;
      } catch (e) {
        await c.end().catch(() => undefined);
        if (child.exitCode !== null || Date.now() > deadline) {
          const tail = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-2000) : '';
          await stop();
          throw new Error(`the test PostgreSQL server did not start (${(e as Error).message}):\n${tail}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await ready();

  let n = 0;
  return {
    dir,
    async createDatabase(template?: string) {
      const name = `t${process.pid}_${n++}`;
      const c = new pg.Client({ connectionString: url('postgres') });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    async restart(downMs: number) {
      // fast shutdown: open connections are closed, the data is kept
      child.kill('SIGINT');
      await exited;
      await new Promise((r) => setTimeout(r, downMs));
      child = launch();
      entry.child = child;
      exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await ready();
    },
    stop,
  };
}

/** One server for the calling test file (started before its tests, stopped after them). */
export function usePostgres(): { server: () => PgServer } {
  let server: PgServer | null = null;
  beforeAll(async () => {
    if (!postgresMissing) server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    server: () => {
      if (!server) throw new Error(postgresMissing ?? 'the PostgreSQL server is not started yet');
      return server;
    },
  };
}
