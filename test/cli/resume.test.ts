import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudySpec, type StudySpecInput } from '../../src-main/shared/spec';
import { Store } from '../../src-main/engine/store/store';
import { ROOT, collect, runCli, startCli } from '../helpers/cli';
import { quickSpec, writeSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';

/** A study file as `ecopt tune` would leave it after `finished` trials, without training any. */
function seed(db: string, input: StudySpecInput, finished: number): void {
  const parsed = parseStudySpec(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const store = new Store(db);
  const study = store.createStudy({ ...parsed.spec, trials: finished });
  for (let i = 0; i < finished; i++) {
    const t = store.createTrial(study.id, { epochs: 1 });
    store.startTrial(t.id);
    store.completeTrial(t.id, { metrics: { accuracy: 0.5 + i / 10, infer_energy_j_per_sample: 0.001 * (i + 1) }, windows: [], attrs: {}, backend: 'cpu', powerSamples: [] });
  }
  store.close();
}

describe('resuming a study as the README says', () => {
  it('opens a study that already has more finished trials than the budget, says so, and exits 0', async () => {
    const dir = tmpDir();
    const db = join(dir, 'studies.db');
    const input = quickSpec({ name: 'over', trials: 1, space: { epochs: { type: 'fixed', value: 1 } } });
    const spec = writeSpec(dir, input);
    // as after `ecopt tune study.json --trials 3`
    seed(db, input, 3);

    // the plain command: the study file's budget (1) is below the 3 finished trials
    const plain = await runCli(['tune', spec, '--db', db]);
    expect(plain.stderr).not.toMatch(/Invalid count value/);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/study "over" already has 3 finished trials, its budget is 1: nothing to run/);
    expect(plain.stderr).toMatch(/To run more, raise the budget: ecopt tune .*study\.json --db .*studies\.db --trials 4/);
    expect(plain.stdout).toMatch(/Pareto front \(\d of 3 complete trials\)/);
  });

  it('the README\'s own commands: plain `ecopt tune` after `ecopt tune --trials 40` opens the bundled study and exits 0', async () => {
    const dir = tmpDir();
    const db = join(dir, 'studies.db');
    // as `ecopt tune --trials 40` leaves the bundled study (its file's budget is 16)
    seed(db, JSON.parse(readFileSync(join(ROOT, 'resources/studies/digits-mlp.json'), 'utf8')) as StudySpecInput, 40);
    const plain = await runCli(['tune', '--db', db]);
    expect(plain.stderr).not.toMatch(/Invalid count value/);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(/study "digits-mlp" already has 40 finished trials, its budget is 16: nothing to run\. To run more, raise the budget: ecopt tune --db .*studies\.db --trials 41/);
  });

  it('prints a resume hint on Ctrl-C that repeats --trials, --sampler and --db', async () => {
    const dir = tmpDir();
    const db = join(dir, 'my studies.db');
    // stopped while it measures the idle machine, before any trial
    const spec = writeSpec(dir, quickSpec({ name: 'hint', trials: 1, meters: { idleBaselineS: 30 } }));
    const child = startCli(['tune', spec, '--db', db, '--trials', '5', '--sampler', 'random']);
    const done = collect(child);
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/Measuring the idle machine/.test(stderr)) resolve();
      });
    });
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`Stopped. Resume with: ecopt tune ${spec} --db '${db}' --trials 5 --sampler random`);
  });
});
