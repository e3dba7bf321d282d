import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src-main/engine/store/db';
import { collect, runCli, startCli } from '../helpers/cli';
import { quickSpec, writeSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';

describe('ecopt tune / show / studies', () => {
  it('runs the default study headless and shows the same trials from the file', async () => {
    const dir = tmpDir();
    const db = join(dir, 'studies.db');
    const tune = await runCli(['tune', '--db', db, '--trials', '2']);
    expect(tune.stderr).toMatch(/Starting study "digits-mlp"/);
    expect(tune.stderr).toMatch(/ESTIMATED, not measured/);
    // each trial's training is projected while it runs, past its first epoch
    expect(tune.stderr).toMatch(/trial \d+: projected: training [\d.]+ [µmk]?J ± [\d.]+ [µmk]?J, training ends in (about \d|under a second)/);
    expect(tune.code).toBe(0);
    expect(tune.stdout).toMatch(/Pareto front \(\d of 2 complete trials\)/);
    expect(tune.stdout).toMatch(/cpu-package: ESTIMATED by cpu-tdp-estimate/);

    const show = await runCli(['show', 'digits-mlp', '--db', db]);
    expect(show.code).toBe(0);
    const rows = (out: string) => out.split('\n').filter((l) => /^\d+\s+complete/.test(l));
    expect(rows(show.stdout)).toHaveLength(2);
    expect(rows(show.stdout)).toEqual(rows(tune.stdout));
    // each trial's projection, against what it measured
    const projections = await runCli(['show', 'digits-mlp', '--db', db, '--projections']);
    expect(projections.stdout).toMatch(/Projections made while training, against what was measured \(2 trials\): median \|error\| [\d.]+% for the energy, [\d.]+% for the time; \d of 2 energies and \d of 2 times inside/);
    expect(projections.stdout.split('\n').filter((l) => /^[01]\s+\d+%\s+[\d.]+ [mk]?J ± [\d.]+ [mk]?J\s+[\d.]+ [mk]?J\s+[+−][\d.]+%/.test(l))).toHaveLength(2);

    const studies = await runCli(['studies', '--db', db]);
    expect(studies.stdout).toMatch(/digits-mlp\s+2\/2\s+2\s+0\s+0\s+mlp\s+builtin:digits\s+auto\s+wasm/);
  });

  it('answers bad input with one clear line and exit code 2', async () => {
    const dir = tmpDir();
    const db = join(dir, 'studies.db');
    const bad = writeSpec(dir, '{ "name": "x", }', 'broken.json');
    const r1 = await runCli(['tune', bad, '--db', db]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/^ecopt: .*broken\.json: not valid JSON at line 1, column 16/);

    const unknown = writeSpec(dir, quickSpec({ dataset: { builtin: 'imagenet' as never } }), 'unknown.json');
    const r2 = await runCli(['tune', unknown, '--db', db]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/dataset\.builtin: must be one of "digits", "iris", got "imagenet"/);

    const r3 = await runCli(['tune', join(dir, 'missing.json'), '--db', db]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/missing\.json: no such file, and no study of that name in .*studies\.db; check the path \(`\S*ecopt studies` lists the studies there\)/);

    writeFileSync(join(dir, 'a-file'), '');
    const r4 = await runCli(['tune', writeSpec(dir, quickSpec()), '--db', join(dir, 'a-file', 'x.db')]);
    expect(r4.code).toBe(2);
    expect(r4.stderr).toMatch(/cannot create the study file .*choose a writable place with --db/);

    const r6 = await runCli(['tune', writeSpec(dir, quickSpec()), '--db', db, '--sampler', 'bayes']);
    expect(r6.code).toBe(2);
    expect(r6.stderr).toMatch(/--sampler: "bayes" is not one of auto, random, sobol, nsga2, motpe, gp-ehvi/);

    const r5 = await runCli(['show', 'nope', '--db', join(dir, 'none.db')]);
    expect(r5.code).toBe(2);
    expect(r5.stderr).toMatch(/no such study file; run `ecopt tune` first or pass the right --db/);
  });

  it('leaves a database from a newer release untouched and exits 2', async () => {
    const dir = tmpDir();
    const db = join(dir, 'newer.db');
    openDb(db).close();
    const raw = new Database(db);
    raw.prepare('INSERT INTO schema_migrations VALUES (999, ?, ?, ?)').run('future', 'x', 'now');
    raw.close();
    const hash = () => createHash('sha256').update(readFileSync(db)).digest('hex');
    const before = hash();
    const r = await runCli(['tune', writeSpec(dir, quickSpec()), '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/written by a newer ECOpt \(schema version 999/);
    expect(hash()).toBe(before);
  });
});

describe('crash safety', () => {
  it('survives SIGKILL mid-trial: resumes with every finished trial intact and a sound file', async () => {
    const dir = tmpDir();
    const db = join(dir, 'crash.db');
    const spec = writeSpec(dir, quickSpec({ name: 'crash', trials: 6, trial: { timeoutS: 120, minInferS: 0.6, inferBatchSize: 64 } }));
    const child = startCli(['tune', spec, '--db', db]);
    const done = collect(child);

    // Watch the file from outside, as another process would, until a trial is mid-run after two finished.
    const deadline = Date.now() + 90_000;
    let snapshot: Record<string, unknown>[] = [];
    for (;;) {
      if (Date.now() > deadline) throw new Error('the study never reached its third trial');
      await new Promise((r) => setTimeout(r, 100));
      let reader: Database.Database;
      try {
        reader = new Database(db, { readonly: true, fileMustExist: true });
      } catch {
        continue;
      }
      try {
        const rows = reader.prepare('SELECT id, number, state FROM trials ORDER BY number').all() as { state: string }[];
        const complete = rows.filter((r) => r.state === 'complete').length;
        if (complete >= 2 && rows.some((r) => r.state === 'running')) {
          snapshot = reader
            .prepare(
              `SELECT t.id, t.number, t.state, t.finished_at,
                      (SELECT group_concat(name || '=' || value, ';') FROM trial_metrics m WHERE m.trial_id = t.id) AS metrics,
                      (SELECT group_concat(name || '=' || value_json, ';') FROM trial_params p WHERE p.trial_id = t.id) AS params
                 FROM trials t WHERE t.state = 'complete' ORDER BY t.number`,
            )
            .all() as Record<string, unknown>[];
          break;
        }
      } catch {
        /* table not created yet */
      } finally {
        reader.close();
      }
    }
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');

    const resumed = await runCli(['tune', spec, '--db', db]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming study "crash": \d\/6 trials done, 1 interrupted trial\(s\) will be re-run/);

    const check = new Database(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    const after = check
      .prepare(
        `SELECT t.id, t.number, t.state, t.finished_at,
                (SELECT group_concat(name || '=' || value, ';') FROM trial_metrics m WHERE m.trial_id = t.id) AS metrics,
                (SELECT group_concat(name || '=' || value_json, ';') FROM trial_params p WHERE p.trial_id = t.id) AS params
           FROM trials t WHERE t.id IN (${snapshot.map((s) => s.id).join(',')}) ORDER BY t.number`,
      )
      .all();
    expect(after).toEqual(snapshot);
    const states = check.prepare('SELECT state, retry_of FROM trials ORDER BY number').all() as { state: string; retry_of: number | null }[];
    expect(states.filter((s) => s.state === 'interrupted')).toHaveLength(1);
    expect(states.filter((s) => s.retry_of !== null)).toHaveLength(1);
    expect(states.filter((s) => s.state === 'complete' || s.state === 'failed')).toHaveLength(6);
    check.close();
  });

  it('continues a study by its name where no file has it (walk 50: one started in the app has no file here)', async () => {
    const dir = tmpDir();
    const db = join(dir, 'studies.db');
    const file = writeSpec(dir, quickSpec({ name: 'from-the-app', trials: 1 }), 'gone.json');
    expect((await runCli(['tune', file, '--db', db, '--quiet'])).code).toBe(0);
    rmSync(file);
    const more = await runCli(['tune', 'from-the-app', '--db', db, '--trials', '2', '--quiet'], {}, dir);
    expect(more.code, more.stderr).toBe(0);
    const s = new Database(db, { readonly: true });
    expect(s.prepare("SELECT COUNT(*) AS n FROM trials t JOIN studies st ON st.id = t.study_id WHERE st.name = 'from-the-app' AND t.state = 'complete'").get()).toEqual({ n: 2 });
    s.close();
  }, 120_000);
});
