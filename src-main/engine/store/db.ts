/**
 * Opening a study file: checks its migration history before writing anything, then switches
 * to WAL and applies the migrations this build has and the file lacks, each in a transaction.
 * Opening one for reading writes nothing at all.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { UserError, errorMessage } from '../errors';
import { MIGRATIONS, type Migration } from './migrations/index';

export type Db = Database.Database;

export function migrationChecksum(m: Migration): string {
  return createHash('sha256').update(m.sql).digest('hex');
}

export interface OpenOptions {
  /** Apply migrations only up to this version (tests of upgrades use it). */
  targetVersion?: number;
  /** Open without creating or migrating, e.g. for `ecopt show`. */
  readonly?: boolean;
  migrations?: readonly Migration[];
  /** better-sqlite3's `nativeBinding`, for the Electron build of the addon. */
  nativeBinding?: string;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** Above this a study file is read in place rather than copied into memory (see openForReading). */
const SNAPSHOT_MAX_BYTES = 256 * 2 ** 20;

function binding(options: OpenOptions): Database.Options {
  // the Electron app points ECOPT_SQLITE_BINDING at the addon built for Electron's ABI
  const nativeBinding = options.nativeBinding ?? process.env.ECOPT_SQLITE_BINDING;
  return nativeBinding ? { nativeBinding } : {};
}

const sqliteCode = (e: unknown): string => String((e as { code?: unknown }).code ?? '');

export function openDb(path: string, options: OpenOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  if (options.readonly) return openForReading(path, options, migrations);
  if (!existsSync(path)) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      accessSync(dirname(path), constants.W_OK);
    } catch (e) {
      throw new UserError(
        `cannot create the study file ${path}: ${errorMessage(e)}; choose a writable place with --db`,
      );
    }
  } else {
    const readers = 'ecopt studies, show, report and verify can still read it';
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch (e) {
      throw new UserError(`${path} cannot be written by this user (${errorMessage(e)}), and every trial is stored in it: fix its permissions, or choose another file with --db; ${readers}`);
    }
    try {
      accessSync(dirname(path), constants.W_OK);
    } catch (e) {
      throw new UserError(
        `the folder ${dirname(path)} cannot be written by this user (${errorMessage(e)}), and SQLite keeps the study file's journal (${basename(path)}-wal) beside it: ` +
          `make the folder writable, or copy the file to a writable folder and pass it with --db; ${readers}`,
      );
    }
  }

  let db: Db;
  try {
    db = new Database(path, binding(options));
  } catch (e) {
    throw new UserError(`cannot open ${path}: ${errorMessage(e)}; choose another file with --db`);
  }
  try {
    checkHistory(db, path, migrations);
    enableWal(db);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations, options.targetVersion);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Switches the file to WAL, waiting for other openers. While another process held a new file,
 * SQLite answered this pragma "database is locked" well inside better-sqlite3's 5 s busy timeout
 * (CI, 2026-12-04, once: the test of workers opening a new file together failed after 2.5 s in
 * all), so the wait is ours. A file already in WAL stays so.
 */
function enableWal(db: Db): void {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 + Math.random() * 40);
    }
  }
}

/** An in-memory database from a file's bytes; nothing of it ever reaches the disk. */
function fromImage(image: Buffer, options: OpenOptions): Db {
  // a WAL-mode header sends SQLite looking for a -shm index, which a copy in memory cannot have
  if (image.length >= 20 && image[18] === 2 && image[19] === 2) {
    image[18] = 1;
    image[19] = 1;
  }
  return new Database(image, binding(options));
}

/**
 * Opens a study file for reading without writing anything, the file or its folder: SQLite's own
 * read-only open of a WAL file creates -wal and -shm files beside it (left owned by whoever read
 * it, which can lock its owner out) and fails outright in a folder the reader cannot write. So a
 * file with no -wal (no writer has it open, and the last one checkpointed on close) is read from
 * a copy of its bytes; one with a -wal, whose latest changes live there, is opened in place,
 * through the -shm the writer keeps. A file from an older release is read through a copy
 * upgraded in memory; the next `ecopt tune` upgrades the file itself.
 */
function openForReading(path: string, options: OpenOptions, migrations: readonly Migration[]): Db {
  if (!existsSync(path)) {
    throw new UserError(`${path}: no such study file; run \`ecopt tune\` first or pass the right --db`);
  }
  let db: Db;
  try {
    const wal = `${path}-wal`;
    db = !existsSync(wal) && statSync(path).size <= SNAPSHOT_MAX_BYTES
      ? fromImage(readFileSync(path), options)
      : new Database(path, { readonly: true, fileMustExist: true, ...binding(options) });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${path} cannot be read by this user (${errorMessage(e)}); fix its permissions, or choose another file with --db`);
    throw new UserError(`cannot open ${path}: ${errorMessage(e)}; choose another file with --db`);
  }
  try {
    checkHistory(db, path, migrations);
    if (behind(db, migrations)) {
      const image = db.serialize();
      db.close();
      db = fromImage(image, options);
      migrate(db, migrations, options.targetVersion);
    }
    db.pragma('foreign_keys = ON');
    // a copy in memory would take writes without complaint, and lose them
    if (db.memory) db.pragma('query_only = ON');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Refuses files this build must not write: not SQLite, not ECOpt's, newer, or diverged. */
function checkHistory(db: Db, path: string, migrations: readonly Migration[]): void {
  let hasHistory: boolean;
  let otherTables: number;
  try {
    // one read, one snapshot: as two, a worker opening a new file while another created its
    // schema_migrations between them saw no history and one table, and refused the file
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    hasHistory = tables.includes('schema_migrations');
    otherTables = tables.filter((t) => t !== 'schema_migrations').length;
  } catch (e) {
    const code = sqliteCode(e);
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      throw new UserError(`${path} is not a SQLite database (${errorMessage(e)}); choose another file with --db`);
    }
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
      throw new UserError(
        `${path}: its latest changes are in ${basename(path)}-wal (a run is going on, or one ended without closing the file), and this user cannot read them ` +
          `(${errorMessage(e)}): SQLite needs to write ${basename(path)}-shm beside it. Run any ecopt command on it once as a user who can write ${dirname(path)}, or copy the file with its -wal to a writable folder`,
      );
    }
    throw new UserError(`cannot read ${path} (${errorMessage(e)}); choose another file with --db`);
  }
  if (!hasHistory) {
    if (otherTables > 0) {
      throw new UserError(`${path} is a SQLite database but not an ECOpt study file; choose another file with --db`);
    }
    return;
  }
  const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as AppliedRow[];
  const known = migrations.at(-1)?.version ?? 0;
  const newest = applied.at(-1)?.version ?? 0;
  if (newest > known) {
    throw new UserError(
      `${path} was written by a newer ECOpt (schema version ${newest}; this build knows up to ${known}): upgrade ECOpt, or choose another file with --db`,
    );
  }
  applied.forEach((row, i) => {
    const m = migrations[i];
    if (!m || m.version !== row.version || m.name !== row.name || migrationChecksum(m) !== row.checksum) {
      throw new UserError(
        `${path}: its migration history diverges from this build at version ${row.version} ` +
          `("${row.name}" in the file, "${m?.name ?? 'none'}" here); it was written by a different build of ECOpt. ` +
          `Open it with that build, or start a new file with --db`,
      );
    }
  });
}

function behind(db: Db, migrations: readonly Migration[]): boolean {
  if (!tableExists(db, 'schema_migrations')) return true;
  return schemaVersion(db) < (migrations.at(-1)?.version ?? 0);
}

function migrate(db: Db, migrations: readonly Migration[], targetVersion?: number): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of migrations) {
    if (m.version <= schemaVersion(db)) continue;
    if (targetVersion !== undefined && m.version > targetVersion) break;
    // Several processes may open a new file at once (`ecopt worker` × 4): each migration is
    // applied under the write lock (IMMEDIATE), by whichever gets it first; the others find
    // the version already there once they hold the lock, and skip it.
    db.transaction(() => {
      if (m.version <= schemaVersion(db)) return;
      db.exec(m.sql);
      record.run(m.version, m.name, migrationChecksum(m), new Date().toISOString());
    }).immediate();
  }
}

export function schemaVersion(db: Db): number {
  return (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
}
