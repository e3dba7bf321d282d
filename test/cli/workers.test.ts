/**
 * `ecopt worker`: several worker processes on one study, on SQLite here (the PostgreSQL run with
 * three "machines" and a killed worker is in workers-postgres.test.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src-main/engine/store/store';
import { runCli } from '../helpers/cli';
import { writeSpec } from '../helpers/specs';
import { tmpDir } from '../helpers/tmp';
import { napSpec } from '../helpers/workers';

describe('ecopt worker on a SQLite file', () => {
  it('two workers started at once finish a 6-trial budget exactly, each trial number once, each trial with its host', async () => {
    const dir = tmpDir();
    const db = join(dir, 'shared.db');
    const spec = writeSpec(dir, napSpec('pair', 6));
    const env = (host: string) => ({ ECOPT_HOSTNAME: host, ECOPT_HEARTBEAT_MS: '500', ECOPT_STALE_AFTER_MS: '3000' });
    const [a, b] = await Promise.all([
      runCli(['worker', spec, '--storage', db], env('node-a')),
      runCli(['worker', spec, '--storage', db], env('node-b')),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stdout).toMatch(/Study "pair" .*: 6\/6 trials done, \d+ on node-a/);

    const store = new Store(db, { readonly: true });
    const study = store.requireStudy('pair');
    const trials = store.getPlacedTrials(study.id);
    store.close();
    // the budget exactly: no seventh trial started by a worker that looked a moment too late
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(trials.every((t) => t.state === 'complete')).toBe(true);
    // both workers ran trials, at the same time, and each trial says where it ran
    const hosts = new Set(trials.map((t) => t.host));
    expect(hosts).toEqual(new Set(['node-a', 'node-b']));
    expect(trials.every((t) => t.hardwareClass && /^[0-9a-f]{8}$/.test(t.hardwareClass))).toBe(true);
    // two workers asking at the same moment do not propose the same point
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBeGreaterThan(3);

    // `show` names each trial's host when a study ran on several
    const show = await runCli(['show', 'pair', '--storage', db]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/│ *host *│|\bhost\b/);
    expect(show.stdout).toMatch(/node-a/);
    expect(show.stdout).toMatch(/node-b/);
  }, 60_000);

  it('a late worker joins by the study name and exits 0 when nothing is left; `ecopt tune` then raises the budget alone', async () => {
    const dir = tmpDir();
    const db = join(dir, 'shared.db');
    const spec = writeSpec(dir, napSpec('byname', 2, 300));
    // a machine with no counter (none given to read): the worker says its figures are estimates, as tune does (walk 54)
    const none = { ECOPT_POWERCAP_ROOT: dir, ECOPT_HWMON_ROOT: dir, ECOPT_NVML_LIBRARY: '/nonexistent.so', ECOPT_NVIDIA_SMI: '/nonexistent' };
    const first = await runCli(['worker', spec, '--storage', db], { ECOPT_HOSTNAME: 'node-a', ...none });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('[node-a pid');
    expect(first.stderr).toMatch(/\] energy figures from this machine are ESTIMATED, not measured: no hardware energy counter is readable here \(`ecopt meters` says why\)\n/);
    // the budget is met: a worker naming the study finds nothing left to do and exits 0
    const late = await runCli(['worker', 'byname', '--storage', db], { ECOPT_HOSTNAME: 'node-b' });
    expect(late.code, late.stderr).toBe(0);
    expect(late.stdout).toMatch(/2\/2 trials done, 0 on node-b/);
    // and says how to run more (walk 54: it exited with no word on that)
    expect(late.stderr).toContain('joined study "byname": 2/2 trials done; nothing to run: to run more, start a worker with the study file and a larger "trials" (it raises the budget for every worker)');
    const missing = await runCli(['worker', 'nosuch', '--storage', db], { ECOPT_JOIN_WAIT_S: '1' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No study "nosuch" in .*shared\.db yet: waiting up to 1 s/);
    expect(missing.stderr).toMatch(/"nosuch" is neither a study file nor a study in .*shared\.db \(waited 1 s\) \(studies there: byname\)/);
    // a path is not waited for
    const typo = await runCli(['worker', 'stduy.json', '--storage', db]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/no study file stduy\.json/);
    // the same file, the same study, run by `ecopt tune` as before (the exclusive lock is free again)
    const tune = await runCli(['tune', spec, '--db', db, '--trials', '3', '--quiet'], { ECOPT_ALLOW_CONCURRENT: '1' });
    expect(tune.code, tune.stderr).toBe(0);
    const store = new Store(db, { readonly: true });
    const trials = store.getPlacedTrials(store.requireStudy('byname').id);
    store.close();
    expect(trials.map((t) => [t.number, t.state])).toEqual([[0, 'complete'], [1, 'complete'], [2, 'complete']]);
    expect(trials[2]!.host).toBeTruthy();
  }, 60_000);

  it('a worker goes on when another worker\'s study file raises the shared budget while it runs', async () => {
    const dir = tmpDir();
    const db = join(dir, 'raised.db');
    const two = writeSpec(dir, napSpec('raised', 2, 2000), 'two.json');
    const four = writeSpec(dir, napSpec('raised', 4, 2000), 'four.json');
    const first = runCli(['worker', two, '--storage', db], { ECOPT_HOSTNAME: 'node-a' });
    await new Promise((r) => setTimeout(r, 1200));
    const second = await runCli(['worker', four, '--storage', db], { ECOPT_HOSTNAME: 'node-b' });
    const a = await first;
    expect(a.code, a.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout + second.stderr).toMatch(/changed the study's budget from 2 to 4 trials/);
    // node-a read the new budget: it ran more than the 2 its own file asked for, and did not say "budget met: 2/2"
    const onA = Number(/4\/4 trials done, (\d+) on node-a/.exec(a.stdout)?.[1]);
    expect(onA, a.stdout).toBeGreaterThanOrEqual(2);
    expect(a.stdout + a.stderr).not.toMatch(/budget met: 2\/2/);
  }, 60_000);

  it('a worker that joins when the rest of the budget is running elsewhere does not measure an idle baseline under that load', async () => {
    const dir = tmpDir();
    const db = join(dir, 'busy.db');
    const spec = writeSpec(dir, { ...napSpec('busy', 1, 4000), meters: { idleBaselineS: 1 } });
    const first = runCli(['worker', spec, '--storage', db], { ECOPT_HOSTNAME: 'node-a' });
    // node-a has measured its baseline (1 s) and is running the only trial
    await new Promise((r) => setTimeout(r, 3000));
    const late = await runCli(['worker', 'busy', '--storage', db], { ECOPT_HOSTNAME: 'node-b' });
    const a = await first;
    expect(a.code, a.stderr).toBe(0);
    expect(late.code, late.stderr).toBe(0);
    expect(a.stdout + a.stderr).toMatch(/measuring the idle machine for 1 s/);
    expect(late.stdout + late.stderr).not.toMatch(/measuring the idle machine/);
    expect(late.stdout).toMatch(/1\/1 trials done, 0 on node-b/);
  }, 60_000);

  it('a worker naming the study, started before the one given its file, waits for the study to be created and joins', async () => {
    const dir = tmpDir();
    const db = join(dir, 'early.db');
    const spec = writeSpec(dir, napSpec('early', 4, 500));
    const early = runCli(['worker', 'early', '--storage', db], { ECOPT_HOSTNAME: 'node-b' });
    await new Promise((r) => setTimeout(r, 1500));
    const first = await runCli(['worker', spec, '--storage', db], { ECOPT_HOSTNAME: 'node-a' });
    const joined = await early;
    expect(first.code, first.stderr).toBe(0);
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stderr).toMatch(/No study "early" in .*early\.db yet: waiting up to 60 s/);
    expect(joined.stdout).toMatch(/Study "early" .*: 4\/4 trials done/);
  }, 60_000);

  it('--gpus 0,1 runs one trial per device at once, each command seeing only its own (CUDA_VISIBLE_DEVICES)', async () => {
    const dir = tmpDir();
    const db = join(dir, 'gpus.db');
    const spec = writeSpec(dir, napSpec('gpus', 4, 1500));
    const r = await runCli(['worker', spec, '--storage', db, '--gpus', '0,1'], { ECOPT_HOSTNAME: 'box' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[box pid \d+ gpu 0\] trial \d started/);
    expect(r.stderr).toMatch(/\[box pid \d+ gpu 1\] trial \d started/);
    const store = new Store(db, { readonly: true });
    const study = store.requireStudy('gpus');
    const trials = store.getPlacedTrials(study.id);
    const seen = trials.map((t) => store.getTrialAttrs(t.id).reported_gpu);
    store.close();
    expect(trials.map((t) => t.state)).toEqual(['complete', 'complete', 'complete', 'complete']);
    expect(new Set(seen)).toEqual(new Set(['0', '1']));
    // the two loops overlapped: trial 1 started before trial 0 finished
    expect(Date.parse(trials[1]!.startedAt!)).toBeLessThan(Date.parse(trials[0]!.finishedAt!));
    const bad = await runCli(['worker', spec, '--storage', db, '--gpus', '0,x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--gpus: expected device numbers such as 0,1 or "all", got "0,x"/);
  }, 60_000);
});
