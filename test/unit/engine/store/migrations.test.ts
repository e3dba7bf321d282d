import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
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

  it.each(MIGRATIONS.map((m) => m.version))('upgrade from version %i keeps every stored row', (from) => {
    const path = join(tmpDir(), 'old.db');
    const old = new Store(path, { targetVersion: from });
    const study = old.createStudy(spec);
    const trial = old.createTrial(study.id, { units: 8, learning_rate: 0.01, epochs: 2 });
    old.startTrial(trial.id);
    old.completeTrial(trial.id, {
      metrics: { accuracy: 0.9, infer_energy_j_per_sample: 1e-4 },
      attrs: { note: 'kept' },
      backend: 'wasm',
      powerSamples: [{ tMs: 1, domain: 'cpu-package', powerW: 12 }],
      windows: [
        {
          phase: 'infer',
          startedAtMs: 1,
          durationS: 1,
          samples: 100,
          domains: [{ domain: 'cpu-package', energyJ: 0.01, provenance: { method: 'estimated', source: 'x', model: 'm', inputs: {}, uncertaintyRel: 0.4 } }],
        },
      ],
    });
    old.close();

    const upgraded = new Store(path);
    expect(schemaVersion(upgraded.db)).toBe(MIGRATIONS.length);
    const [t] = upgraded.getTrials(study.id);
    expect(t).toMatchObject({ state: 'complete', params: { units: 8 }, metrics: { accuracy: 0.9 } });
    expect(upgraded.getTrialAttrs(t!.id)).toEqual({ note: 'kept' });
    expect(upgraded.getWindows({ trialId: t!.id })[0]!.domains[0]!.energyJ).toBe(0.01);
    expect(upgraded.db.pragma('integrity_check', { simple: true })).toBe('ok');
    upgraded.close();
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
