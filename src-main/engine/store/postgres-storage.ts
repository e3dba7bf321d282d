/**
 * The shared storage: one PostgreSQL database that workers on many machines use at once.
 * Same records as SqliteStorage (records.ts maps rows for both), same numbered migrations in
 * PostgreSQL's dialect (migrations/postgres.ts), applied under an advisory lock so workers that
 * start together do not race. Every write that touches a study's trials first locks the study's
 * row (`FOR NO KEY UPDATE`), so claims, stale recovery and finishing trials are serialised per
 * study and always take their locks in one order (study, then trial): no deadlocks.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { StudySpec } from '../../shared/spec';
import { datasetLabel } from '../../shared/spec';
import { TRIAL_TRANSITIONS, type EnergyWindow, type MeterFlag, type MeterInfo, type StudySummary, type TrialRecord, type TrialState } from '../../shared/types';
import { UserError, errorMessage } from '../errors';
import { migrationChecksum as checksum } from './db';
import type { Migration } from './migrations/index';
import { PG_MIGRATIONS } from './migrations/postgres';
import {
  TRIAL_COLUMNS,
  WINDOW_COLUMNS,
  WINDOW_ENERGY_COLUMNS,
  metricRows,
  toStoredWindow,
  toStudyRow,
  toSummary,
  toTrials,
  windowEnergyValues,
  windowValues,
  type RawEnergy,
  type RawObjective,
  type RawStudy,
  type RawTrialRow,
  type RawWindow,
} from './records';
import { COUNTED_STATES, type ExportedTrial, type PlacedTrial, type Storage, type StudyExport, type TrialClaim, type WorkerId } from './storage';
import { ECOPT_VERSION, STALE_MESSAGE, exportedWindow, holderIsLive, trialIsLive, type StoredWindow, type StudyRow, type TrialResult } from './store';

type Client = pg.PoolClient;
type Queryable = pg.Pool | pg.PoolClient;

/** The URL with its password replaced, for messages and `location`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
}

/** An error's message with the URL and its password hidden (a driver may quote either). */
function hidden(e: unknown, url: string): string {
  let message = errorMessage(e).replaceAll(url, redactUrl(url));
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // not a URL: nothing more to hide than the URL itself
  }
  if (password.length >= 4) message = message.replaceAll(password, '***');
  return message;
}

/**
 * Whether an error means the connection to the server was refused or lost (a restart, a network
 * blip), not that the statement was wrong: such a statement is retried on a new connection.
 */
export function isConnectionLoss(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  const message = typeof err?.message === 'string' ? err.message : '';
  return (
    // ENOENT: a Unix socket's file is gone while its server is down
    ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03'].includes(code) ||
    code.startsWith('08') ||
    /Connection terminated|timeout exceeded when trying to connect|terminating connection due to administrator command/i.test(message)
  );
}

/** How long a lost connection is retried before the command gives up (`ECOPT_DB_RETRY_S`, seconds). */
export function reconnectMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.ECOPT_DB_RETRY_S);
  return (Number.isFinite(s) && s >= 0 ? s : 60) * 1000;
}

/**
 * The password when the URL has none, asked for only when the server wants one: PGPASSWORD, then
 * ~/.pgpass (PGPASSFILE), as libpq does; or an error saying where to put it. (pg's own reading of
 * ~/.pgpass prints a deprecation warning on every command.)
 */
async function passwordFor(params: { host?: string; port?: number; database?: string; user?: string }): Promise<string> {
  if (process.env.PGPASSWORD) return process.env.PGPASSWORD;
  const { default: pgpass } = await import('pgpass');
  const fromFile = await new Promise<string | undefined>((resolve) => pgpass(params, resolve));
  if (fromFile !== undefined) return fromFile;
  throw new Error(
    `the server asks for a password for user "${params.user ?? ''}" and none was given: put it in the URL (postgresql://${params.user ?? 'user'}:PASSWORD@host/database), ` +
      'in ~/.pgpass (a line host:port:database:user:password, file mode 0600; PGPASSFILE names another file) or in PGPASSWORD',
  );
}

/** Key of the advisory lock held while migrations run ("ECOp"). */
const MIGRATION_LOCK = 0x45434f70;

// BIGINT (ids, milliseconds, counts) as numbers: every value stored is far below 2^53
const typesOf = (driver: typeof pg) => ({
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : driver.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
});

const now = (): string => new Date().toISOString();
const C = 'COLLATE "C"';

export interface PostgresOptions {
  /** Migrations to apply (tests pass a longer list to make a database "from a newer ECOpt"). */
  migrations?: readonly Migration[];
  /** Connections in the pool. */
  max?: number;
}

export class PostgresStorage implements Storage {
  readonly kind = 'postgresql' as const;

  /** When the connection was lost (null: it is up), and when it last came back: see recoverStale. */
  private lostAt: number | null = null;
  private backAt: number | null = null;

  /** The pool's `query`, retried through a lost connection (see `retrying`); what every single statement outside a transaction goes through. */
  private readonly db: pg.Pool;

  private constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
    private readonly retryMs = reconnectMs(),
  ) {
    this.db = { query: (...args: unknown[]) => this.retrying(() => (pool.query as (...a: unknown[]) => Promise<unknown>)(...args)) } as unknown as pg.Pool;
  }

  /**
   * Runs a statement or a whole transaction again while the server cannot be reached (a restart,
   * a network blip), for up to `retryMs`; then says what was lost and the fix. A transaction cut
   * off mid-way was rolled back by the server, so running it again is safe.
   */
  private async retrying<T>(f: () => Promise<T>): Promise<T> {
    const until = Date.now() + this.retryMs;
    for (let wait = 250; ; wait = Math.min(wait * 2, 4000)) {
      try {
        const out = await f();
        if (this.lostAt !== null) {
          process.stderr.write(`ecopt: the connection to ${this.location} is back after ${Math.round((Date.now() - this.lostAt) / 1000)} s\n`);
          this.lostAt = null;
          this.backAt = Date.now();
        }
        return out;
      } catch (e) {
        if (!isConnectionLoss(e)) throw e;
        if (this.lostAt === null) {
          this.lostAt = Date.now();
          process.stderr.write(`ecopt: lost the connection to ${this.location} (${errorMessage(e)}); trying again for up to ${Math.round(this.retryMs / 1000)} s\n`);
        }
        if (Date.now() + wait > until) {
          throw new UserError(
            `lost the connection to the PostgreSQL database ${this.location} (${errorMessage(e)}) and could not get it back in ${Math.round(this.retryMs / 1000)} s: ` +
              'check that the server runs and this machine can reach it, then run the command again (a worker\'s unfinished trial is re-run); ECOPT_DB_RETRY_S sets how long to keep trying',
          );
        }
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Connects, checks the database's migration history, and migrates it; UserError with the fix when it cannot. */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
    const location = redactUrl(url);
    let pool: pg.Pool;
    // loaded here, not at start-up: a command that never opens PostgreSQL does not pay for the driver
    const { default: driver } = await import('pg');
    const { parse } = await import('pg-connection-string');
    const types = typesOf(driver);
    try {
      // parsed here rather than by the driver: the password is ours to find (see passwordFor),
      // and a Unix-socket URL without a host (postgresql://user@/db?host=/run/postgresql) reads
      const config = parse(url) as pg.PoolConfig;
      pool = new driver.Pool({ ...config, password: config.password || (passwordFor as unknown as () => Promise<string>), types, max: options.max ?? 4, connectionTimeoutMillis: 15_000 });
    } catch (e) {
      throw new UserError(`${location} is not a PostgreSQL URL this build can read (${hidden(e, url)}); write it as postgresql://user:password@host:5432/database`);
    }
    // an idle connection the server closes must not crash the process
    pool.on('error', () => undefined);
    const storage = new PostgresStorage(pool, location);
    let client: Client;
    try {
      client = await pool.connect();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new UserError(
        `cannot connect to the PostgreSQL database ${location}: ${hidden(e, url)}; check that the server runs and accepts connections from this machine, ` +
          'and the user, password and database name in the URL',
      );
    }
    try {
      await migrate(client, location, options.migrations ?? PG_MIGRATIONS);
    } catch (e) {
      client.release();
      await pool.end().catch(() => undefined);
      throw e;
    }
    // the write transactions' tokens are needed only while a retry may ask for them: a day is ample
    // (best effort: a role that may only read, or a database of an older schema, skips it)
    await client.query('DELETE FROM committed_tx WHERE at_ms < $1', [Date.now() - 86_400_000]).catch(() => undefined);
    client.release();
    return storage;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * A write transaction (READ COMMITTED), run again through a lost connection. Cut off before its
   * COMMIT, the server rolled it back and running it again is safe. Cut off after sending COMMIT,
   * it may have committed with only the reply lost: running it again would claim a second trial or
   * count an idle window twice. So each one writes its own token to `committed_tx` inside itself,
   * and a retry after a lost COMMIT first asks whether that token is there.
   */
  private async tx<T>(f: (c: Client) => Promise<T>): Promise<T> {
    const token = randomUUID();
    let sent: { out: T } | null = null;
    return this.retrying(async () => {
      if (sent) {
        if ((await this.pool.query('SELECT 1 FROM committed_tx WHERE token = $1', [token])).rowCount) return sent.out;
        sent = null;
      }
      return this.attempt('READ COMMITTED', f, async (c, out) => {
        await c.query('INSERT INTO committed_tx (token, at_ms) VALUES ($1, $2)', [token, Date.now()]);
        sent = { out };
      });
    });
  }

  /** A read as one snapshot (REPEATABLE READ), run again through a lost connection; writes nothing, so a role that may only read can run it. */
  private async snapshot<T>(f: (c: Client) => Promise<T>): Promise<T> {
    return this.retrying(() => this.attempt('REPEATABLE READ', f));
  }

  /** One try of a transaction on a connection of its own; `beforeCommit` runs last inside it. */
  private async attempt<T>(isolation: 'READ COMMITTED' | 'REPEATABLE READ', f: (c: Client) => Promise<T>, beforeCommit?: (c: Client, out: T) => Promise<void>): Promise<T> {
    const c = await this.pool.connect();
    // a connection cut with a statement on the way (a network drop, not a server shutdown, which
    // says goodbye first) fails that statement and also emits 'error' on the client: without a
    // listener that would end the process; the failed statement is what is handled, below
    const ignore = () => undefined;
    c.on('error', ignore);
    let broken = false;
    try {
      await c.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      const out = await f(c);
      if (beforeCommit) await beforeCommit(c, out);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      broken = isConnectionLoss(e);
      if (!broken) await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      // a dropped connection keeps the listener (a late 'error' from its socket is harmless) and is
      // discarded, not handed to the next statement; a healthy one goes back to the pool as it came
      if (!broken) c.off('error', ignore);
      c.release(broken);
    }
  }

  private async rows<T>(q: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
    return (await q.query(sql, params)).rows as T[];
  }

  private async arrays<T>(q: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
    return (await q.query({ text: sql, values: params, rowMode: 'array' })).rows as T[];
  }

  /** Locks a study's row for this transaction: writes to one study's trials go one at a time. */
  private async lockStudy(c: Client, studyId: number): Promise<void> {
    const r = await c.query('SELECT id FROM studies WHERE id = $1 FOR NO KEY UPDATE', [studyId]);
    if (r.rowCount === 0) throw new Error(`study ${studyId} does not exist`);
  }

  private async studyOfTrial(q: Queryable, trialId: number): Promise<number> {
    const [row] = await this.rows<{ study_id: number }>(q, 'SELECT study_id FROM trials WHERE id = $1', [trialId]);
    if (!row) throw new Error(`trial ${trialId} does not exist`);
    return row.study_id;
  }

  private async touch(c: Queryable, studyId: number): Promise<void> {
    await c.query('UPDATE studies SET updated_at = $1 WHERE id = $2', [now(), studyId]);
  }

  // ---- studies ---------------------------------------------------------------------------------

  async createStudy(spec: StudySpec): Promise<StudyRow> {
    const id = await this.tx(async (c) => {
      const ts = now();
      const [row] = await this.rows<{ id: number }>(
        c,
        `INSERT INTO studies (name, spec_json, model, sampler, dataset, ecopt_version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [spec.name, JSON.stringify(spec), spec.model, spec.sampler.name, datasetLabel(spec), ECOPT_VERSION, ts, ts],
      );
      for (const [i, o] of spec.objectives.entries()) {
        await c.query('INSERT INTO study_objectives (study_id, idx, metric, direction, unit, threshold) VALUES ($1, $2, $3, $4, $5, $6)', [
          row!.id,
          i,
          o.metric,
          o.direction,
          o.unit,
          o.threshold ?? null,
        ]);
      }
      return row!.id;
    });
    return (await this.getStudy(id))!;
  }

  private async studyWhere(q: Queryable, where: string, value: unknown): Promise<StudyRow | null> {
    const [row] = await this.rows<RawStudy>(q, `SELECT * FROM studies WHERE ${where}`, [value]);
    if (!row) return null;
    const objectives = await this.rows<RawObjective>(q, 'SELECT metric, direction, unit, threshold FROM study_objectives WHERE study_id = $1 ORDER BY idx', [row.id]);
    return toStudyRow(row, objectives);
  }

  getStudy(id: number): Promise<StudyRow | null> {
    return this.studyWhere(this.db, 'id = $1', id);
  }

  findStudy(name: string): Promise<StudyRow | null> {
    return this.studyWhere(this.db, 'name = $1', name);
  }

  async requireStudy(nameOrId: string): Promise<StudyRow> {
    const study = (await this.findStudy(nameOrId)) ?? (/^\d+$/.test(nameOrId) ? await this.getStudy(Number(nameOrId)) : null);
    if (!study) {
      const names = (await this.listStudies()).map((s) => s.name);
      throw new UserError(
        `no study "${nameOrId}" in ${this.location}` + (names.length ? `; studies here: ${names.join(', ')}` : '; this database has no studies yet'),
      );
    }
    return study;
  }

  async listStudies(): Promise<StudySummary[]> {
    return this.snapshot(async (c) => {
      const studies = await this.rows<RawStudy>(c, 'SELECT * FROM studies ORDER BY id');
      const counts = await this.rows<{ study_id: number; state: TrialState; n: number }>(c, 'SELECT study_id, state, count(*) AS n FROM trials GROUP BY study_id, state');
      return studies.map((s) => toSummary(s, counts.filter((n) => n.study_id === s.id)));
    });
  }

  async setStudyBudget(studyId: number, trials: number, timeBudgetS: number | undefined): Promise<void> {
    await this.tx(async (c) => {
      await this.lockStudy(c, studyId);
      const study = (await this.studyWhere(c, 'id = $1', studyId))!;
      await c.query('UPDATE studies SET spec_json = $1, updated_at = $2 WHERE id = $3', [JSON.stringify({ ...study.spec, trials, timeBudgetS }), now(), studyId]);
    });
  }

  async setStudyBackend(studyId: number, backend: string): Promise<void> {
    await this.tx(async (c) => {
      await this.lockStudy(c, studyId);
      await this.addBackend(c, studyId, backend);
    });
  }

  private async addBackend(c: Client, studyId: number, backend: string): Promise<void> {
    const [row] = await this.rows<{ backend: string | null }>(c, 'SELECT backend FROM studies WHERE id = $1', [studyId]);
    if (row!.backend === backend) return;
    // a study whose trials ran on different backends says so rather than keeping the first
    const value = row!.backend && !row!.backend.split('+').includes(backend) ? `${row!.backend}+${backend}` : backend;
    await c.query('UPDATE studies SET backend = $1, updated_at = $2 WHERE id = $3', [value, now(), studyId]);
  }

  async setHardware(studyId: number, entries: Record<string, string>): Promise<void> {
    await this.tx(async (c) => {
      for (const [k, v] of Object.entries(entries)) {
        await c.query('INSERT INTO hardware (study_id, key, value) VALUES ($1, $2, $3) ON CONFLICT (study_id, key) DO UPDATE SET value = excluded.value', [studyId, k, v]);
      }
    });
  }

  async getHardware(studyId: number): Promise<Record<string, string>> {
    const rows = await this.rows<{ key: string; value: string }>(this.db, `SELECT key, value FROM hardware WHERE study_id = $1 ORDER BY key ${C}`, [studyId]);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async setMeters(studyId: number, meters: MeterInfo[]): Promise<void> {
    await this.tx(async (c) => {
      for (const m of meters) {
        await c.query(
          `INSERT INTO meters (study_id, meter_id, domains_json, status, detail) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (study_id, meter_id) DO UPDATE SET domains_json = excluded.domains_json, status = excluded.status, detail = excluded.detail`,
          [studyId, m.id, JSON.stringify(m.domains), m.status, m.detail],
        );
      }
    });
  }

  async getMeters(studyId: number): Promise<MeterInfo[]> {
    const rows = await this.rows<{ meter_id: string; domains_json: string; status: string; detail: string }>(
      this.db,
      `SELECT * FROM meters WHERE study_id = $1 ORDER BY meter_id ${C}`,
      [studyId],
    );
    return rows.map((r) => ({ id: r.meter_id, domains: JSON.parse(r.domains_json) as string[], status: r.status, detail: r.detail }));
  }

  async putHardwareClass(studyId: number, classId: string, inventory: Record<string, string>): Promise<void> {
    await this.db.query(
      `INSERT INTO hardware_classes (study_id, class_id, inventory_json) VALUES ($1, $2, $3)
       ON CONFLICT (study_id, class_id) DO UPDATE SET inventory_json = excluded.inventory_json`,
      [studyId, classId, JSON.stringify(inventory)],
    );
  }

  async getHardwareClasses(studyId: number): Promise<{ classId: string; inventory: Record<string, string> }[]> {
    const rows = await this.rows<{ class_id: string; inventory_json: string }>(
      this.db,
      `SELECT class_id, inventory_json FROM hardware_classes WHERE study_id = $1 ORDER BY class_id ${C}`,
      [studyId],
    );
    return rows.map((r) => ({ classId: r.class_id, inventory: JSON.parse(r.inventory_json) as Record<string, string> }));
  }

  // ---- the exclusive runner lock -----------------------------------------------------------------

  private async holder(q: Queryable, studyId: number, self: WorkerId, staleAfterMs: number): Promise<WorkerId | null> {
    const [row] = await this.rows<{ runner_pid: number | null; runner_host: string | null; runner_heartbeat_ms: number | null }>(
      q,
      'SELECT runner_pid, runner_host, runner_heartbeat_ms FROM studies WHERE id = $1',
      [studyId],
    );
    if (!row || !row.runner_pid) return null;
    const holder = { host: row.runner_host ?? self.host, pid: row.runner_pid };
    return holderIsLive(holder, row.runner_heartbeat_ms, self, staleAfterMs, Date.now()) ? holder : null;
  }

  async acquireRunner(studyId: number, owner: WorkerId, staleAfterMs = 30_000): Promise<void> {
    await this.tx(async (c) => {
      await this.lockStudy(c, studyId);
      const holder = await this.holder(c, studyId, owner, staleAfterMs);
      if (holder) {
        throw new UserError(`this study is being run by another ECOpt process (pid ${holder.pid} on ${holder.host}); wait for it to finish or stop it first`);
      }
      const t = Date.now();
      const [busy] = await this.rows<{ n: number }>(
        c,
        "SELECT count(*) AS n FROM trials WHERE study_id = $1 AND state = 'running' AND heartbeat_ms > $2 AND NOT (host = $3 AND worker_pid = $4)",
        [studyId, t - staleAfterMs, owner.host, owner.pid],
      );
      if (busy!.n > 0) {
        throw new UserError(`workers are running ${busy!.n} trial(s) of this study right now; add another worker with \`ecopt worker\` instead, or wait for them to finish`);
      }
      await c.query('UPDATE studies SET runner_pid = $1, runner_host = $2, runner_heartbeat_ms = $3 WHERE id = $4', [owner.pid, owner.host, t, studyId]);
    });
  }

  async heartbeatRunner(studyId: number, owner: WorkerId): Promise<void> {
    await this.db.query('UPDATE studies SET runner_heartbeat_ms = $1 WHERE id = $2 AND runner_pid = $3 AND runner_host = $4', [Date.now(), studyId, owner.pid, owner.host]);
  }

  async releaseRunner(studyId: number, owner: WorkerId): Promise<void> {
    await this.db.query('UPDATE studies SET runner_pid = NULL, runner_host = NULL, runner_heartbeat_ms = NULL WHERE id = $1 AND runner_pid = $2 AND runner_host = $3', [
      studyId,
      owner.pid,
      owner.host,
    ]);
  }

  runnerHeld(studyId: number, self: WorkerId, staleAfterMs = 30_000): Promise<WorkerId | null> {
    return this.holder(this.db, studyId, self, staleAfterMs);
  }

  // ---- trials ------------------------------------------------------------------------------------

  async claimTrial(studyId: number, claim: TrialClaim): Promise<PlacedTrial | null> {
    const id = await this.tx(async (c) => {
      await this.lockStudy(c, studyId);
      const [counted] = await this.rows<{ n: number }>(c, 'SELECT count(*) AS n FROM trials WHERE study_id = $1 AND state = ANY($2)', [
        studyId,
        [...COUNTED_STATES, 'running'],
      ]);
      if (counted!.n >= claim.budget) return null;
      if (claim.retryOf !== null && (await c.query('SELECT 1 FROM trials WHERE retry_of = $1', [claim.retryOf])).rowCount) return null;
      if (claim.proposals !== undefined) {
        const [fresh] = await this.rows<{ n: number }>(c, 'SELECT count(*)::int AS n FROM trials WHERE study_id = $1 AND retry_of IS NULL', [studyId]);
        if (fresh!.n !== claim.proposals) return null;
      }
      const [next] = await this.rows<{ n: number }>(c, 'SELECT coalesce(max(number), -1) + 1 AS n FROM trials WHERE study_id = $1', [studyId]);
      const ts = now();
      const [row] = await this.rows<{ id: number }>(
        c,
        `INSERT INTO trials (study_id, number, state, retry_of, created_at, started_at, host, worker_pid, heartbeat_ms, hardware_class)
         VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [studyId, next!.n, claim.retryOf, ts, ts, claim.worker.host, claim.worker.pid, Date.now(), claim.hardwareClass],
      );
      for (const [k, v] of Object.entries(claim.params)) {
        await c.query('INSERT INTO trial_params (trial_id, name, value_json) VALUES ($1, $2, $3)', [row!.id, k, JSON.stringify(v)]);
      }
      await this.touch(c, studyId);
      return row!.id;
    });
    return id === null ? null : this.getTrial(id);
  }

  async heartbeatTrials(trialIds: readonly number[], worker: WorkerId): Promise<void> {
    if (trialIds.length === 0) return;
    await this.db.query("UPDATE trials SET heartbeat_ms = $1 WHERE id = ANY($2) AND host = $3 AND worker_pid = $4 AND state = 'running'", [
      Date.now(),
      [...trialIds],
      worker.host,
      worker.pid,
    ]);
  }

  /** Moves a trial along its state machine inside `c` (the study already locked). */
  private async transition(c: Client, trialId: number, to: TrialState): Promise<void> {
    const [row] = await this.rows<{ state: TrialState; study_id: number }>(c, 'SELECT state, study_id FROM trials WHERE id = $1 FOR UPDATE', [trialId]);
    if (!row) throw new Error(`trial ${trialId} does not exist`);
    if (!TRIAL_TRANSITIONS[row.state].includes(to)) throw new Error(`trial ${trialId} cannot go from ${row.state} to ${to}`);
    const column = to === 'running' ? 'started_at' : 'finished_at';
    await c.query(`UPDATE trials SET state = $1, ${column} = $2 WHERE id = $3`, [to, now(), trialId]);
    await this.touch(c, row.study_id);
  }

  /** A write to one trial, in a transaction holding its study's lock. */
  private async onTrial(trialId: number, f: (c: Client, studyId: number) => Promise<void>): Promise<void> {
    const studyId = await this.studyOfTrial(this.db, trialId);
    await this.tx(async (c) => {
      await this.lockStudy(c, studyId);
      await f(c, studyId);
    });
  }

  private async writeResult(c: Client, studyId: number, trialId: number, result: TrialResult): Promise<void> {
    for (const [name, value, unit] of metricRows(result.metrics)) {
      await c.query(
        'INSERT INTO trial_metrics (trial_id, name, value, unit) VALUES ($1, $2, $3, $4) ON CONFLICT (trial_id, name) DO UPDATE SET value = excluded.value, unit = excluded.unit',
        [trialId, name, value, unit],
      );
    }
    for (const [k, v] of Object.entries(result.attrs)) await this.putAttr(c, trialId, k, v);
    for (const w of result.windows) await this.writeWindow(c, studyId, trialId, w);
    await this.writeSamples(c, studyId, trialId, result.powerSamples);
  }

  private async writeSamples(c: Client, studyId: number, trialId: number, samples: TrialResult['powerSamples']): Promise<void> {
    if (samples.length === 0) return;
    await c.query(
      `INSERT INTO power_samples (study_id, trial_id, t_ms, domain, power_w)
       SELECT $1, $2, t, d, p FROM unnest($3::bigint[], $4::text[], $5::double precision[]) WITH ORDINALITY AS s(t, d, p, o) ORDER BY o`,
      [studyId, trialId, samples.map((s) => Math.round(s.tMs)), samples.map((s) => s.domain), samples.map((s) => s.powerW)],
    );
  }

  private async putAttr(c: Queryable, trialId: number, key: string, value: unknown): Promise<void> {
    await c.query('INSERT INTO trial_attrs (trial_id, key, value_json) VALUES ($1, $2, $3) ON CONFLICT (trial_id, key) DO UPDATE SET value_json = excluded.value_json', [
      trialId,
      key,
      JSON.stringify(value),
    ]);
  }

  private async writeWindow(c: Queryable, studyId: number, trialId: number | null, w: EnergyWindow & { samples?: number }): Promise<number> {
    const energy = w.domains.map(windowEnergyValues);
    const [row] = await this.rows<{ id: number }>(
      c,
      `INSERT INTO windows (study_id, trial_id, ${WINDOW_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [studyId, trialId, ...windowValues(w)],
    );
    for (const values of energy) {
      await c.query(`INSERT INTO window_energy (window_id, ${WINDOW_ENERGY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, [row!.id, ...values]);
    }
    for (const f of w.flags ?? []) {
      await c.query('INSERT INTO window_flags (window_id, domain, kind, message) VALUES ($1, $2, $3, $4)', [row!.id, f.domain, f.kind, f.message]);
    }
    return row!.id;
  }

  async completeTrial(trialId: number, result: TrialResult, state: 'complete' | 'pruned' = 'complete'): Promise<void> {
    await this.onTrial(trialId, async (c, studyId) => {
      await this.writeResult(c, studyId, trialId, result);
      await c.query('UPDATE trials SET backend = $1 WHERE id = $2', [result.backend, trialId]);
      await this.addBackend(c, studyId, result.backend);
      await this.transition(c, trialId, state);
    });
  }

  failTrial(trialId: number, kind: string, message: string, partial?: Partial<TrialResult>, detail?: string): Promise<void> {
    return this.stopTrial(trialId, 'failed', kind, message, partial, detail);
  }

  pruneTrial(trialId: number, reason: string, partial: Partial<TrialResult>): Promise<void> {
    return this.stopTrial(trialId, 'pruned', 'pruned', reason, partial);
  }

  private async stopTrial(trialId: number, state: 'failed' | 'pruned' | 'interrupted', kind: string, message: string, partial?: Partial<TrialResult>, detail?: string): Promise<void> {
    await this.onTrial(trialId, async (c, studyId) => {
      if (partial) await this.writeResult(c, studyId, trialId, { metrics: {}, windows: [], attrs: {}, powerSamples: [], backend: '', ...partial });
      if (partial?.backend) await c.query('UPDATE trials SET backend = $1 WHERE id = $2', [partial.backend, trialId]);
      await this.putFailure(c, trialId, kind, message, detail ?? null);
      await this.transition(c, trialId, state);
    });
  }

  private async putFailure(c: Client, trialId: number, kind: string, message: string, detail: string | null): Promise<void> {
    await c.query(
      `INSERT INTO trial_failures (trial_id, kind, message, detail) VALUES ($1, $2, $3, $4)
       ON CONFLICT (trial_id) DO UPDATE SET kind = excluded.kind, message = excluded.message, detail = excluded.detail`,
      [trialId, kind, message, detail],
    );
  }

  async interruptTrial(trialId: number, message: string, partial?: Partial<TrialResult>): Promise<void> {
    await this.stopTrial(trialId, 'interrupted', 'interrupted', message, partial);
  }

  async setTrialAttr(trialId: number, key: string, value: unknown): Promise<void> {
    await this.putAttr(this.db, trialId, key, value);
  }

  async recoverStale(studyId: number, self: WorkerId, staleAfterMs: number): Promise<TrialRecord[]> {
    // just back from a lost connection (a server restart): every worker's heartbeats stopped
    // meanwhile, not only a dead one's; judge none until they have had time to beat again
    const justBack = () => this.lostAt !== null || (this.backAt !== null && Date.now() - this.backAt < staleAfterMs);
    if (justBack()) return [];
    const ids = await this.tx(async (c) => {
      // (this very statement may be the one that waited for the server)
      if (justBack()) return [];
      await this.lockStudy(c, studyId);
      const rows = await this.rows<{ id: number; host: string | null; worker_pid: number | null; heartbeat_ms: number | null }>(
        c,
        "SELECT id, host, worker_pid, heartbeat_ms FROM trials WHERE study_id = $1 AND state IN ('running', 'queued') ORDER BY number",
        [studyId],
      );
      const t = Date.now();
      // an exclusive runner (`ecopt tune`) heartbeats the study, not its trials
      const runner = await this.holder(c, studyId, self, staleAfterMs);
      const stale = rows.filter((r) => !(runner && r.heartbeat_ms === null) && !trialIsLive(r, self, staleAfterMs, t));
      for (const { id } of stale) {
        await this.putFailure(c, id, 'interrupted', STALE_MESSAGE, null);
        await this.transition(c, id, 'interrupted');
      }
      return stale.map((r) => r.id);
    });
    return this.readTrials('t.id = ANY($1)', [ids], false);
  }

  async pendingRetries(studyId: number): Promise<TrialRecord[]> {
    return this.readTrials(
      "t.study_id = $1 AND t.state = 'interrupted' AND NOT EXISTS (SELECT 1 FROM trials r WHERE r.retry_of = t.id)",
      [studyId],
      false,
    );
  }

  async insertWindow(studyId: number, trialId: number | null, w: EnergyWindow & { samples?: number }): Promise<number> {
    return this.tx((c) => this.writeWindow(c, studyId, trialId, w));
  }

  /** Trials matching `where` (over `trials t`) in number order, as one snapshot. */
  private async readTrials(where: string, params: unknown[], placed: boolean, q?: Client): Promise<PlacedTrial[]> {
    const read = async (c: Client) => {
      const cols = TRIAL_COLUMNS.split(', ')
        .map((col) => `t.${col}`)
        .join(', ');
      const rows = await this.arrays<RawTrialRow>(c, `SELECT ${cols} FROM trials t WHERE ${where} ORDER BY t.number`, params);
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r[0]);
      return toTrials(
        rows,
        await this.arrays(c, `SELECT trial_id, name, value_json FROM trial_params WHERE trial_id = ANY($1) ORDER BY trial_id, name ${C}`, [ids]),
        await this.arrays(c, `SELECT trial_id, name, value FROM trial_metrics WHERE trial_id = ANY($1) ORDER BY trial_id, name ${C}`, [ids]),
        await this.arrays(c, 'SELECT trial_id, kind, message FROM trial_failures WHERE trial_id = ANY($1)', [ids]),
        placed,
      ) as PlacedTrial[];
    };
    return q ? read(q) : this.snapshot(read);
  }

  async getTrial(id: number): Promise<PlacedTrial | null> {
    return (await this.readTrials('t.id = $1', [id], true))[0] ?? null;
  }

  async getTrialByNumber(studyId: number, number: number): Promise<PlacedTrial | null> {
    return (await this.readTrials('t.study_id = $1 AND t.number = $2', [studyId, number], true))[0] ?? null;
  }

  async getTrials(studyId: number, states?: readonly TrialState[]): Promise<PlacedTrial[]> {
    const list = await this.readTrials('t.study_id = $1', [studyId], true);
    return states ? list.filter((t) => states.includes(t.state)) : list;
  }

  async getTrialAttrs(trialId: number): Promise<Record<string, unknown>> {
    const rows = await this.rows<{ key: string; value_json: string }>(this.db, 'SELECT key, value_json FROM trial_attrs WHERE trial_id = $1', [trialId]);
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value_json)]));
  }

  async latestIdle(studyId: number): Promise<StoredWindow | null> {
    return (await this.getWindows({ studyId, phase: 'idle' })).at(-1) ?? null;
  }

  private async windowsWhere(c: Queryable, where: string, value: unknown): Promise<StoredWindow[]> {
    const rows = await this.rows<RawWindow>(c, `SELECT * FROM windows WHERE ${where} ORDER BY id`, [value]);
    if (rows.length === 0) return [];
    const ids = rows.map((w) => w.id);
    const energy = await this.rows<RawEnergy & { window_id: number }>(c, `SELECT * FROM window_energy WHERE window_id = ANY($1) ORDER BY window_id, domain ${C}`, [ids]);
    const flags = await this.rows<MeterFlag & { window_id: number }>(c, 'SELECT window_id, domain, kind, message FROM window_flags WHERE window_id = ANY($1) ORDER BY id', [ids]);
    const group = <T extends { window_id: number }>(list: T[]) => {
      const m = new Map<number, T[]>();
      for (const r of list) m.set(r.window_id, [...(m.get(r.window_id) ?? []), r]);
      return m;
    };
    const e = group(energy);
    const f = group(flags);
    return rows.map((w) =>
      toStoredWindow(
        w,
        e.get(w.id) ?? [],
        (f.get(w.id) ?? []).map(({ domain, kind, message }) => ({ domain, kind, message })),
      ),
    );
  }

  async getWindows(filter: { trialId: number } | { studyId: number; phase: 'idle' }): Promise<StoredWindow[]> {
    return this.snapshot((c) => ('trialId' in filter ? this.windowsWhere(c, 'trial_id = $1', filter.trialId) : this.windowsWhere(c, "phase = 'idle' AND study_id = $1", filter.studyId)));
  }

  async getPowerSamples(trialId: number): Promise<{ tMs: number; domain: string; powerW: number }[]> {
    const rows = await this.rows<{ t_ms: number; domain: string; power_w: number }>(
      this.db,
      'SELECT t_ms, domain, power_w FROM power_samples WHERE trial_id = $1 ORDER BY t_ms, id',
      [trialId],
    );
    return rows.map((r) => ({ tMs: r.t_ms, domain: r.domain, powerW: r.power_w }));
  }

  // ---- whole studies -------------------------------------------------------------------------------

  async exportStudy(studyId: number): Promise<StudyExport> {
    return this.snapshot(async (c) => {
      const study = await this.studyWhere(c, 'id = $1', studyId);
      if (!study) throw new Error(`study ${studyId} does not exist`);
      const trials = await this.readTrials('t.study_id = $1', [studyId], true, c);
      const extra = await this.rows<{ id: number; worker_pid: number | null; detail: string | null }>(
        c,
        'SELECT t.id, t.worker_pid, f.detail FROM trials t LEFT JOIN trial_failures f ON f.trial_id = t.id WHERE t.study_id = $1',
        [studyId],
      );
      const byId = new Map(extra.map((r) => [r.id, r]));
      const numberOf = new Map(trials.map((t) => [t.id, t.number]));
      const attrs = await this.rows<{ trial_id: number; key: string; value_json: string }>(
        c,
        'SELECT a.trial_id, a.key, a.value_json FROM trial_attrs a JOIN trials t ON t.id = a.trial_id WHERE t.study_id = $1',
        [studyId],
      );
      const samples = await this.rows<{ trial_id: number; t_ms: number; domain: string; power_w: number }>(
        c,
        'SELECT trial_id, t_ms, domain, power_w FROM power_samples WHERE study_id = $1 AND trial_id IS NOT NULL ORDER BY t_ms, id',
        [studyId],
      );
      const out: ExportedTrial[] = trials.map((t) => ({
        number: t.number,
        state: t.state,
        retryOf: t.retryOf === null ? null : (numberOf.get(t.retryOf) ?? null),
        params: t.params,
        metrics: t.metrics,
        backend: t.backend,
        createdAt: t.createdAt,
        startedAt: t.startedAt,
        finishedAt: t.finishedAt,
        failure: t.failure ? { ...t.failure, detail: byId.get(t.id)?.detail ?? null } : null,
        attrs: Object.fromEntries(attrs.filter((a) => a.trial_id === t.id).map((a) => [a.key, JSON.parse(a.value_json)])),
        host: t.host,
        workerPid: byId.get(t.id)?.worker_pid ?? null,
        heartbeatMs: t.heartbeatMs,
        hardwareClass: t.hardwareClass,
        powerSamples: samples.filter((s) => s.trial_id === t.id).map((s) => ({ tMs: s.t_ms, domain: s.domain, powerW: s.power_w })),
      }));
      const windows = (await this.windowsWhere(c, 'study_id = $1', studyId)).map((w) => ({
        trial: w.trialId === null ? null : (numberOf.get(w.trialId) ?? null),
        window: exportedWindow(w),
      }));
      const hw = await this.rows<{ key: string; value: string }>(c, 'SELECT key, value FROM hardware WHERE study_id = $1', [studyId]);
      const meters = await this.rows<{ meter_id: string; domains_json: string; status: string; detail: string }>(
        c,
        `SELECT * FROM meters WHERE study_id = $1 ORDER BY meter_id ${C}`,
        [studyId],
      );
      const classes = await this.rows<{ class_id: string; inventory_json: string }>(
        c,
        `SELECT class_id, inventory_json FROM hardware_classes WHERE study_id = $1 ORDER BY class_id ${C}`,
        [studyId],
      );
      return {
        spec: study.spec,
        backend: study.backend,
        createdAt: study.createdAt,
        updatedAt: (await this.rows<{ updated_at: string }>(c, 'SELECT updated_at FROM studies WHERE id = $1', [studyId]))[0]!.updated_at,
        hardware: Object.fromEntries(hw.map((r) => [r.key, r.value])),
        meters: meters.map((r) => ({ id: r.meter_id, domains: JSON.parse(r.domains_json) as string[], status: r.status, detail: r.detail })),
        hardwareClasses: classes.map((r) => ({ classId: r.class_id, inventory: JSON.parse(r.inventory_json) as Record<string, string> })),
        trials: out,
        windows,
      };
    });
  }

  async importStudy(data: StudyExport): Promise<StudyRow> {
    const id = await this.tx(async (c) => {
      if ((await c.query('SELECT 1 FROM studies WHERE name = $1', [data.spec.name])).rowCount) {
        throw new UserError(`${this.location} already has a study named "${data.spec.name}"; copy into another database, or remove that study first`);
      }
      const ts = now();
      const spec = data.spec;
      const [row] = await this.rows<{ id: number }>(
        c,
        `INSERT INTO studies (name, spec_json, model, sampler, dataset, backend, ecopt_version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [spec.name, JSON.stringify(spec), spec.model, spec.sampler.name, datasetLabel(spec), data.backend, ECOPT_VERSION, data.createdAt, ts],
      );
      const studyId = row!.id;
      for (const [i, o] of spec.objectives.entries()) {
        await c.query('INSERT INTO study_objectives (study_id, idx, metric, direction, unit, threshold) VALUES ($1, $2, $3, $4, $5, $6)', [
          studyId,
          i,
          o.metric,
          o.direction,
          o.unit,
          o.threshold ?? null,
        ]);
      }
      for (const [k, v] of Object.entries(data.hardware)) await c.query('INSERT INTO hardware (study_id, key, value) VALUES ($1, $2, $3)', [studyId, k, v]);
      for (const m of data.meters) {
        await c.query('INSERT INTO meters (study_id, meter_id, domains_json, status, detail) VALUES ($1, $2, $3, $4, $5)', [
          studyId,
          m.id,
          JSON.stringify(m.domains),
          m.status,
          m.detail,
        ]);
      }
      for (const k of data.hardwareClasses) {
        await c.query('INSERT INTO hardware_classes (study_id, class_id, inventory_json) VALUES ($1, $2, $3)', [studyId, k.classId, JSON.stringify(k.inventory)]);
      }
      const ids = new Map<number, number>();
      for (const t of data.trials) {
        const [tr] = await this.rows<{ id: number }>(
          c,
          `INSERT INTO trials (study_id, number, state, retry_of, backend, created_at, started_at, finished_at, host, worker_pid, heartbeat_ms, hardware_class)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
          [
            studyId,
            t.number,
            t.state,
            t.retryOf === null ? null : (ids.get(t.retryOf) ?? null),
            t.backend,
            t.createdAt,
            t.startedAt,
            t.finishedAt,
            t.host,
            t.workerPid,
            t.heartbeatMs,
            t.hardwareClass,
          ],
        );
        const trialId = tr!.id;
        ids.set(t.number, trialId);
        for (const [k, v] of Object.entries(t.params)) await c.query('INSERT INTO trial_params (trial_id, name, value_json) VALUES ($1, $2, $3)', [trialId, k, JSON.stringify(v)]);
        for (const [name, value, unit] of metricRows(t.metrics)) {
          await c.query('INSERT INTO trial_metrics (trial_id, name, value, unit) VALUES ($1, $2, $3, $4)', [trialId, name, value, unit]);
        }
        for (const [k, v] of Object.entries(t.attrs)) await this.putAttr(c, trialId, k, v);
        if (t.failure) await this.putFailure(c, trialId, t.failure.kind, t.failure.message, t.failure.detail);
        await this.writeSamples(c, studyId, trialId, t.powerSamples);
      }
      for (const { trial, window } of data.windows) await this.writeWindow(c, studyId, trial === null ? null : (ids.get(trial) ?? null), window);
      // last: writes above may have touched it
      await c.query('UPDATE studies SET updated_at = $1 WHERE id = $2', [data.updatedAt, studyId]);
      return studyId;
    });
    return (await this.getStudy(id))!;
  }
}

/**
 * Checks the database's migration history and applies what it lacks, holding an advisory lock
 * so that workers starting at once migrate one at a time (the others then find nothing to do).
 * Refuses a database that is not ECOpt's, was written by a newer ECOpt, or whose history diverged.
 */
async function migrate(c: Client, location: string, migrations: readonly Migration[]): Promise<void> {
  await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    const [{ present }] = (await c.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")).rows as [{ present: boolean }];
    if (!present) {
      const [{ n }] = (await c.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).rows as [{ n: number }];
      if (n > 0) throw new UserError(`${location} holds tables but is not an ECOpt study database; create an empty database for ECOpt (createdb ecopt) and use its URL`);
      await c.query(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    }
    const applied = (await c.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version')).rows as { version: number; name: string; checksum: string }[];
    const known = migrations.at(-1)?.version ?? 0;
    const newest = applied.at(-1)?.version ?? 0;
    if (newest > known) {
      throw new UserError(`${location} was written by a newer ECOpt (schema version ${newest}; this build knows up to ${known}): upgrade ECOpt on this machine, as on every worker`);
    }
    applied.forEach((row, i) => {
      const m = migrations[i];
      if (!m || m.version !== row.version || m.name !== row.name || checksum(m) !== row.checksum) {
        throw new UserError(
          `${location}: its migration history diverges from this build at version ${row.version} ("${row.name}" in the database, "${m?.name ?? 'none'}" here); ` +
            'it was written by a different build of ECOpt. Use that build, or an empty database',
        );
      }
    });
    for (const m of migrations) {
      if (m.version <= newest) continue;
      await c.query('BEGIN');
      try {
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [m.version, m.name, checksum(m), now()]);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }
  } finally {
    await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
}
