/**
 * Opening a study file: checks its migration history before writing anything, then switches
 * to WAL and applies the migrations this build has and the file lacks, each in a transaction.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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

export function openDb(path: string, options: OpenOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  const exists = existsSync(path);
  if (options.readonly && !exists) {
    throw new UserError(`${path}: no such study file; run \`ecopt tune\` first or pass the right --db`);
  }
  if (!exists) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      accessSync(dirname(path), constants.W_OK);
    } catch (e) {
      throw new UserError(
        `cannot create the study file ${path}: ${errorMessage(e)}; choose a writable place with --db`,
      );
    }
  } else if (!options.readonly) {
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch {
      throw new UserError(`${path} is not writable; fix its permissions or choose another file with --db`);
    }
  }

  let db: Db;
  try {
    db = new Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      // the Electron app points ECOPT_SQLITE_BINDING at the addon built for Electron's ABI
      ...((options.nativeBinding ?? process.env.ECOPT_SQLITE_BINDING) ? { nativeBinding: options.nativeBinding ?? process.env.ECOPT_SQLITE_BINDING } : {}),
    });
  } catch (e) {
    throw new UserError(`cannot open ${path}: ${errorMessage(e)}; choose another file with --db`);
  }
  try {
    checkHistory(db, path, migrations);
    if (options.readonly && behind(db, migrations)) {
      // a file from an older release: upgrade it (migrations only add), then read it
      db.close();
      openDb(path, { ...options, readonly: false }).close();
      return openDb(path, options);
    }
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db, migrations, options.targetVersion);
    } else {
      db.pragma('foreign_keys = ON');
    }
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
    hasHistory = tableExists(db, 'schema_migrations');
    otherTables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
  } catch (e) {
    throw new UserError(`${path} is not a SQLite database (${errorMessage(e)}); choose another file with --db`);
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
  const current = (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of migrations) {
    if (m.version <= current) continue;
    if (targetVersion !== undefined && m.version > targetVersion) break;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, migrationChecksum(m), new Date().toISOString());
    })();
  }
}

export function schemaVersion(db: Db): number {
  return (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
}
