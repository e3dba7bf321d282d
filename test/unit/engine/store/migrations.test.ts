import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, schemaVersion } from '../../../../src-main/engine/store/db';
import { MIGRATIONS } from '../../../../src-main/engine/store/migrations/index';
import { Store } from '../../../../src-main/engine/store/store';
import { parseStudySpec, type StudySpec } from '../../../../src-main/shared/spec';
import { quickSpec } from '../../../helpers/specs';
import { tmpDir } from '../../../helpers/tmp';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const spec = (() => {
  const r = parseStudySpec(quickSpec());
  if (!r.ok) throw new Error('bad spec');
  return r.spec as StudySpec;
})();

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('create a fresh database in WAL mode with every migration recorded', () => {
    const path = join(tmpDir(), 'fresh.db');
    const db = openDb(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    for (const t of ['studies', 'trials', 'trial_params', 'trial_metrics', 'windows', 'window_energy', 'power_samples', 'hardware', 'meters', 'trial_failures']) {
      expect(tables).toContain(t);
    }
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  /**
   * Rows as a release at each schema version wrote them, in that version's own SQL (not through
   * today's Store, which writes today's columns). Add a seed when a migration changes tables.
   */
  const SEEDS: Record<number, (db: Database.Database) => void> = {
    1: (db) => {
      db.prepare(
        `INSERT INTO studies (id, name, spec_json, model, sampler, dataset, ecopt_version, created_at, updated_at)
         VALUES (1, 'quick', ?, 'mlp', 'sobol', 'builtin:iris', '0.1.0', 'then', 'then')`,
      ).run(JSON.stringify(spec));
      db.prepare("INSERT INTO study_objectives VALUES (1, 0, 'accuracy', 'maximize', 'fraction', NULL)").run();
      db.prepare("INSERT INTO trials (id, study_id, number, state, backend, created_at) VALUES (1, 1, 0, 'complete', 'wasm', 'then')").run();
      db.prepare("INSERT INTO trial_params VALUES (1, 'units', '8')").run();
      db.prepare("INSERT INTO trial_metrics VALUES (1, 'accuracy', 0.9, 'fraction')").run();
      db.prepare("INSERT INTO trial_attrs VALUES (1, 'note', '\"kept\"')").run();
      db.prepare("INSERT INTO windows (id, study_id, trial_id, phase, started_at_ms, duration_s, samples) VALUES (1, 1, 1, 'infer', 1, 1, 100)").run();
      db.prepare(
        "INSERT INTO window_energy (window_id, domain, energy_j, method, source, model, inputs_json, uncertainty_rel) VALUES (1, 'cpu-package', 0.01, 'estimated', 'x', 'm', '{}', 0.4)",
      ).run();
      db.prepare("INSERT INTO power_samples VALUES (1, 1, 1, 'cpu-package', 12)").run();
    },
  };

  it.each(Object.keys(SEEDS).map(Number))('upgrade from version %i keeps every stored row', (from) => {
    const path = join(tmpDir(), 'old.db');
    const old = openDb(path, { targetVersion: from });
    expect(schemaVersion(old)).toBe(from);
    SEEDS[from]!(old);
    old.close();

    const upgraded = new Store(path);
    expect(schemaVersion(upgraded.db)).toBe(MIGRATIONS.length);
    const [t] = upgraded.getTrials(1);
    expect(t).toMatchObject({ state: 'complete', params: { units: 8 }, metrics: { accuracy: 0.9 }, backend: 'wasm' });
    expect(upgraded.getTrialAttrs(t!.id)).toEqual({ note: 'kept' });
    const [w] = upgraded.getWindows({ trialId: t!.id });
    expect(w!.domains[0]).toMatchObject({ domain: 'cpu-package', energyJ: 0.01 });
    expect(w!.domains[0]!.netEnergyJ).toBeUndefined();
    expect(w!.flags).toEqual([]);
    expect(upgraded.getPowerSamples(t!.id)).toEqual([{ tMs: 1, domain: 'cpu-package', powerW: 12 }]);
    expect(upgraded.db.pragma('integrity_check', { simple: true })).toBe('ok');
    upgraded.close();
  });

  it('migrate a new file once when several processes open it at the same moment (workers starting together)', async () => {
    const path = join(tmpDir(), 'shared.db');
    const db = fileURLToPath(new URL('../../../../src-main/engine/store/db.ts', import.meta.url));
    const open = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const { openDb } = await import(${JSON.stringify(db)}); openDb(${JSON.stringify(path)}).close();`], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all(Array.from({ length: 6 }, open));
    expect(results.map((r) => r.stderr.trim()).filter(Boolean)).toEqual([]);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    check.close();
  }, 60_000);

  it('read an older file through a copy upgraded in memory, leaving the file and its folder as they were', () => {
    const dir = tmpDir();
    const path = join(dir, 'old.db');
    const old = openDb(path, { targetVersion: 1 });
    SEEDS[1]!(old);
    old.close();
    const before = sha(path);
    const reader = new Store(path, { readonly: true });
    expect(schemaVersion(reader.db)).toBe(MIGRATIONS.length);
    expect(reader.getTrials(1)[0]).toMatchObject({ state: 'complete', metrics: { accuracy: 0.9 } });
    expect(() => reader.db.prepare("UPDATE studies SET name = 'x'").run()).toThrow(/readonly|query_only|attempt to write/i);
    reader.close();
    expect(sha(path)).toBe(before);
    expect(readdirSync(dir)).toEqual(['old.db']);
    writeFileSync(join(dir, 'notes.db'), 'just some text, not a database at all'.repeat(50));
    expect(() => openDb(join(dir, 'notes.db'), { readonly: true })).toThrow(/notes\.db is not a SQLite database/);
  });

  it('refuse a file written by a newer release, leaving it untouched', () => {
    const path = join(tmpDir(), 'newer.db');
    openDb(path).close();
    const raw = new Database(path);
    raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?, ?)').run(MIGRATIONS.length + 1, 'from-the-future', 'x', 'now');
    raw.close();
    const before = sha(path);
    expect(() => openDb(path)).toThrow(/written by a newer ECOpt \(schema version \d+; this build knows up to \d+\): upgrade ECOpt/);
    expect(sha(path)).toBe(before);
  });

  it('refuse a file whose history diverges from this build', () => {
    const path = join(tmpDir(), 'diverged.db');
    openDb(path).close();
    const raw = new Database(path);
    raw.prepare('UPDATE schema_migrations SET checksum = ? WHERE version = 1').run('edited');
    raw.close();
    const before = sha(path);
    expect(() => openDb(path)).toThrow(/migration history diverges from this build at version 1/);
    expect(sha(path)).toBe(before);
  });

  it('refuse a file that is not SQLite, and a SQLite file that is not ECOpt\'s', () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'notes.db'), 'just some text, not a database at all'.repeat(50));
    expect(() => openDb(join(dir, 'notes.db'))).toThrow(/notes\.db is not a SQLite database/);
    const other = new Database(join(dir, 'other.db'));
    other.exec('CREATE TABLE invoices (id INTEGER)');
    other.close();
    expect(() => openDb(join(dir, 'other.db'))).toThrow(/not an ECOpt study file/);
  });

  it('refuse an unwritable place with a clear message', () => {
    // (tests run as root, so a read-only folder would not stop them: a path through a file does)
    const dir = tmpDir();
    writeFileSync(join(dir, 'a-file'), '');
    expect(() => openDb(join(dir, 'a-file', 'studies.db'))).toThrow(/cannot create the study file .*a-file\/studies\.db: .*choose a writable place with --db/);
  });
});
