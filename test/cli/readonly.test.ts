import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudySpec } from '../../src-main/shared/spec';
import { Store } from '../../src-main/engine/store/store';
import { BIN, ROOT, collect, type CliResult } from '../helpers/cli';
import { quickSpec, writeSpec } from '../helpers/specs';
import { unreachableByNobody } from '../helpers/nobody';
import { tmpDir } from '../helpers/tmp';

// Root can write anywhere, so a read-only place is only read-only to another user.
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
const canSwitchUser = process.getuid?.() === 0 && spawnSync('setpriv', [...NOBODY, 'true']).status === 0;

// ... and that user must reach the checkout: not from a clone in a folder only root may enter
const unreachable = canSwitchUser ? unreachableByNobody([BIN, join(ROOT, 'node_modules')]) : null;

function asNobody(args: string[]): Promise<CliResult> {
  return collect(spawn('setpriv', [...NOBODY, process.execPath, BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** A study file with two complete trials, closed as `ecopt tune` leaves it. */
function studyFile(db: string): Store {
  const parsed = parseStudySpec(quickSpec({ name: 'ro' }));
  if (!parsed.ok) throw new Error('bad spec');
  const store = new Store(db);
  const study = store.createStudy(parsed.spec);
  for (let i = 0; i < 2; i++) addTrial(store, study.id, i);
  return store;
}

function addTrial(store: Store, studyId: number, i: number): void {
  const t = store.createTrial(studyId, { units: 8 + i, epochs: 2 });
  store.startTrial(t.id);
  store.completeTrial(t.id, {
    metrics: { accuracy: 0.8 + i / 100, infer_energy_j_per_sample: 0.001 + i / 1e4, train_energy_j: 3, train_duration_s: 1 },
    windows: ['train', 'infer', 'evaluate'].map((phase, k) => ({
      phase: phase as 'train',
      startedAtMs: 1_000 * k,
      durationS: 1,
      domains: [{ domain: 'cpu-package', energyJ: 2, attributedEnergyJ: 1, provenance: { method: 'estimated', source: 'cpu-tdp-estimate', model: 'tdp-linear-utilisation', inputs: { tdpW: 85 }, uncertaintyRel: 0.4 } }],
      ...(phase === 'infer' ? { samples: 1000 } : {}),
    })) as never,
    attrs: {},
    backend: 'cpu',
    powerSamples: [],
  });
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

it.skipIf(unreachable === null)(`read-only tests skipped: ${unreachable ?? ''}`, () => undefined);

describe.skipIf(!canSwitchUser || unreachable !== null)('a study file in a place this user cannot write', () => {
  it('is read by studies, show, report and verify without writing anything; tune says it cannot write and why', async () => {
    const dir = tmpDir();
    const folder = join(dir, 'shared');
    mkdirSync(folder);
    const db = join(folder, 'studies.db');
    studyFile(db).close();
    const spec = writeSpec(dir, quickSpec({ name: 'ro' }));
    const out = join(dir, 'out');
    mkdirSync(out);
    chmodSync(out, 0o777);
    chmodSync(dir, 0o755);
    chmodSync(folder, 0o755);
    chmodSync(db, 0o644);
    const before = sha(db);

    const studies = await asNobody(['studies', '--db', db]);
    expect(studies.stderr).toBe('');
    expect(studies.code).toBe(0);
    expect(studies.stdout).toMatch(/^ro\s+2\/4\s+2\s+0\s+0/m);

    const show = await asNobody(['show', 'ro', '--db', db]);
    expect(show.code).toBe(0);
    expect(show.stdout.split('\n').filter((l) => /^\d+\s+complete/.test(l))).toHaveLength(2);

    const report = await asNobody(['report', 'ro', '--db', db, '--out', join(out, 'r'), '--format', 'json,md']);
    expect(report.stderr).toBe('');
    expect(report.code).toBe(0);
    const verify = await asNobody(['verify', join(out, 'r', 'energy-report.json'), '--db', db]);
    expect(verify.stdout).toMatch(/^OK: /);
    expect(verify.code).toBe(0);

    const tune = await asNobody(['tune', spec, '--db', db]);
    expect(tune.code).toBe(2);
    expect(tune.stderr).toMatch(/studies\.db cannot be written by this user \(EACCES.*\), and every trial is stored in it: fix its permissions, or choose another file with --db; ecopt studies, show, report and verify can still read it/);

    expect(sha(db)).toBe(before);
    expect(readdirSync(folder)).toEqual(['studies.db']);
  });

  it('reads the latest trials of a study being written, and tells tune the folder is the problem', async () => {
    const dir = tmpDir();
    const folder = join(dir, 'shared');
    mkdirSync(folder);
    const db = join(folder, 'studies.db');
    chmodSync(dir, 0o755);
    chmodSync(folder, 0o755);
    // a writer keeps the file open, with its last trial still in the -wal file
    const writer = studyFile(db);
    writer.db.pragma('wal_autocheckpoint = 0');
    addTrial(writer, writer.requireStudy('ro').id, 2);
    try {
      const show = await asNobody(['show', 'ro', '--db', db]);
      expect(show.stderr).toBe('');
      expect(show.stdout.split('\n').filter((l) => /^\d+\s+complete/.test(l))).toHaveLength(3);
    } finally {
      writer.close();
    }
    // a file this user may write, in a folder it may not: SQLite's journal cannot be created
    chmodSync(db, 0o666);
    const tune = await asNobody(['tune', writeSpec(dir, quickSpec({ name: 'ro' })), '--db', db]);
    expect(tune.code).toBe(2);
    expect(tune.stderr).toMatch(/the folder .*shared cannot be written by this user .*SQLite keeps the study file's journal \(studies\.db-wal\) beside it/);
  });

  it('leaves a folder it could write untouched when it only reads', async () => {
    const dir = tmpDir();
    const db = join(dir, 'studies.db');
    studyFile(db).close();
    chmodSync(dir, 0o777);
    chmodSync(db, 0o444);
    const show = await asNobody(['show', 'ro', '--db', db]);
    expect(show.code).toBe(0);
    // no -wal or -shm left behind, owned by this user, to lock the file's owner out
    expect(readdirSync(dir)).toEqual(['studies.db']);
  });
});
