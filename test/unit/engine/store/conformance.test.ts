/**
 * The storage conformance suite: every case runs against SQLite (a temporary file) and a real
 * PostgreSQL server, so the two storages keep the same behaviour, and the same writes read back
 * as the same records from either.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../../../src-main/engine/store/db';
import { MIGRATIONS } from '../../../../src-main/engine/store/migrations/index';
import { PG_MIGRATIONS } from '../../../../src-main/engine/store/migrations/postgres';
import { PostgresStorage } from '../../../../src-main/engine/store/postgres-storage';
import { SqliteStorage } from '../../../../src-main/engine/store/sqlite-storage';
import type { Storage, WorkerId } from '../../../../src-main/engine/store/storage';
import { Store, type TrialResult } from '../../../../src-main/engine/store/store';
import { parseStudySpec, type StudySpec } from '../../../../src-main/shared/spec';
import type { EnergyWindow } from '../../../../src-main/shared/types';
import { postgresMissing, usePostgres } from '../../../helpers/postgres';
import { quickSpec } from '../../../helpers/specs';
import { tmpDir } from '../../../helpers/tmp';

const spec = (name = 'quick', trials = 4): StudySpec => {
  const r = parseStudySpec(quickSpec({ name, trials }));
  if (!r.ok) throw new Error('bad spec');
  return r.spec as StudySpec;
};

const HERE = hostname();
const me: WorkerId = { host: HERE, pid: process.pid };
const elsewhere = (pid = 4242): WorkerId => ({ host: 'another-machine', pid });
const claim = (worker: WorkerId = me, budget = 100, params: Record<string, number> = { units: 8 }) => ({
  params,
  retryOf: null,
  worker,
  hardwareClass: 'cpu:test|gpu:none|rapl',
  budget,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pid that was alive a moment ago on this host and is not now. */
function deadPid(): number {
  return spawnSync('true').pid;
}

interface Backend {
  name: 'sqlite' | 'postgresql';
  /** A fresh, empty storage, and a way to open more instances on the same database. */
  fresh(): Promise<{ storage: Storage; another(): Promise<Storage> }>;
  skip: string | null;
}

const pgServer = usePostgres();
const opened: Storage[] = [];
const keep = <T extends Storage>(s: T): T => (opened.push(s), s);

let template: string | null = null;
const backends: Backend[] = [
  {
    name: 'sqlite',
    skip: null,
    async fresh() {
      const path = join(tmpDir(), 'study.db');
      return { storage: keep(new SqliteStorage(new Store(path))), another: async () => keep(new SqliteStorage(new Store(path))) };
    },
  },
  {
    name: 'postgresql',
    skip: postgresMissing,
    async fresh() {
      // a copy of a migrated database is quicker than migrating each
      if (!template) {
        const url = await pgServer.server().createDatabase();
        await (await PostgresStorage.open(url)).close();
        template = new URL(url).pathname.slice(1);
      }
      const url = await pgServer.server().createDatabase(template);
      return { storage: keep(await PostgresStorage.open(url)), another: async () => keep(await PostgresStorage.open(url)) };
    },
  },
];

// tmp.ts removes the SQLite folders after each test: close every storage first
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

const measured = (domain: string, energyJ: number, extra: Partial<EnergyWindow['domains'][number]> = {}) => ({
  domain,
  energyJ,
  provenance: { method: 'measured' as const, source: 'rapl', counter: `/sys/class/powercap/${domain}/energy_uj`, resolutionJ: 1e-6, uncertaintyRel: null },
  ...extra,
});

const trainWindow: EnergyWindow & { samples?: number } = {
  phase: 'train',
  startedAtMs: 1_700_000_000_123,
  durationS: 1.25,
  domains: [
    measured('cpu-package', 0.1 + 0.2, { netEnergyJ: 0.2, attributedEnergyJ: 0.15000000000000002 }),
    measured('dram', 12.345678901234567, { unreliable: true }),
  ],
  flags: [
    { domain: 'dram', kind: 'stale', message: 'the counter stopped moving' },
    { domain: 'cpu-package', kind: 'gap', message: 'polls 2 s apart' },
  ],
  cpu: { treeS: 1.1, machineBusyS: 1.9, cores: 8 },
};
const inferWindow: EnergyWindow & { samples?: number } = {
  phase: 'infer',
  startedAtMs: 1_700_000_001_500,
  durationS: 0.5,
  samples: 640,
  domains: [
    {
      domain: 'gpu:0',
      energyJ: 3.5,
      attributedEnergyJ: 3.5,
      provenance: { method: 'estimated', source: 'estimate', model: 'tdp-linear-utilisation', inputs: { tdpW: 65, util: 0.5, cpu: 'Test CPU' }, uncertaintyRel: 0.3 },
    },
  ],
  flags: [],
  cpu: { treeS: null, machineBusyS: 0.4, cores: 8 },
};
const idleWindow: EnergyWindow & { samples?: number } = {
  phase: 'idle',
  startedAtMs: 1_699_999_999_000,
  durationS: 2,
  domains: [measured('cpu-package', 4.25)],
  flags: [],
  // the machine that took it comes back as stored
  host: 'rack-7',
};

const result = (accuracy: number): TrialResult => ({
  metrics: { accuracy, infer_energy_j_per_sample: 0.1 + 0.2, train_energy_j: 12.345678901234567 },
  windows: [trainWindow, inferWindow],
  attrs: { pgid: 1234, curve: [0.5, 0.75, 1 / 3], note: 'ünïcode ✓' },
  backend: 'wasm',
  powerSamples: [
    { tMs: 1_700_000_000_200, domain: 'cpu-package', powerW: 14.2 },
    { tMs: 1_700_000_000_200, domain: 'dram', powerW: 1.5 },
    { tMs: 1_700_000_000_300, domain: 'cpu-package', powerW: 1 / 3 },
  ],
});

/** The same writes, in the same order, to any storage: every kind of trial ending. */
async function scenario(s: Storage) {
  const study = await s.createStudy(spec('scenario'));
  await s.setHardware(study.id, { cpu: 'Test CPU', gpus: 'none' });
  await s.setMeters(study.id, [{ id: 'rapl', domains: ['cpu-package', 'dram'], status: 'ok', detail: 'readable' }]);
  await s.putHardwareClass(study.id, 'cpu:test|gpu:none|rapl', { cpu: 'Test CPU', gpu: 'none', meters: 'rapl' });
  await s.insertWindow(study.id, null, idleWindow);
  const a = (await s.claimTrial(study.id, claim(me, 10, { units: 8, learning_rate: 0.01 })))!;
  await s.setTrialAttr(a.id, 'pgid', 99);
  await s.completeTrial(a.id, result(0.9));
  const b = (await s.claimTrial(study.id, claim(me, 10, { units: 16 })))!;
  await s.failTrial(b.id, 'exception', 'out of memory', { windows: [trainWindow], backend: 'wasm' }, 'stack trace here');
  const c = (await s.claimTrial(study.id, claim(elsewhere(), 10, { units: 4 })))!;
  await s.pruneTrial(c.id, 'below the median at step 2', { metrics: { accuracy: 0.25 }, windows: [trainWindow], attrs: { step: 2 } });
  const d = (await s.claimTrial(study.id, claim(me, 10, { units: 32 })))!;
  await s.interruptTrial(d.id, 'stopped by the user', { windows: [trainWindow], backend: 'wasm' });
  const e = (await s.claimTrial(study.id, { ...claim(me, 10, { units: 32 }), retryOf: d.id }))!;
  await s.completeTrial(e.id, result(0.95), 'pruned');
  return study;
}

/** What a storage holds after the scenario, without ids and clock readings (which differ by nature). */
async function snapshot(s: Storage, studyId: number) {
  const trials = await s.getTrials(studyId);
  const numberOf = new Map(trials.map((t) => [t.id, t.number]));
  const out = [];
  for (const t of trials) {
    const { id, createdAt, startedAt, finishedAt, heartbeatMs, retryOf, ...rest } = t;
    out.push({
      ...rest,
      retryOf: retryOf === null ? null : numberOf.get(retryOf),
      times: [typeof createdAt, typeof startedAt, typeof finishedAt, typeof heartbeatMs],
      attrs: await s.getTrialAttrs(id),
      windows: (await s.getWindows({ trialId: id })).map(({ id: _w, trialId, ...w }) => ({ ...w, trial: numberOf.get(trialId!) })),
      power: await s.getPowerSamples(id),
    });
  }
  const idle = (await s.getWindows({ studyId, phase: 'idle' })).map(({ id: _w, ...w }) => w);
  const study = await s.getStudy(studyId);
  return {
    study: { ...study, id: 0, createdAt: typeof study?.createdAt },
    trials: out,
    idle,
    hardware: await s.getHardware(studyId),
    meters: await s.getMeters(studyId),
    classes: await s.getHardwareClasses(studyId),
    summary: (await s.listStudies()).map(({ id: _i, createdAt: _c, updatedAt: _u, ...rest }) => rest),
  };
}

const withoutIds = (w: { id: number; trialId: number | null; samples: number | null } & EnergyWindow) => {
  const { id: _id, trialId: _t, samples, ...rest } = w;
  return samples === null ? rest : { ...rest, samples };
};

describe.each(backends)('storage conformance: $name', (backend) => {
  const test = backend.skip ? it.skip : it;
  if (backend.skip) it.skip(`skipped: ${backend.skip}`, () => undefined);

  test('creates, finds and requires studies by name or id, and lists them', async () => {
    const { storage: s } = await backend.fresh();
    expect(s.kind).toBe(backend.name);
    const a = await s.createStudy(spec('alpha'));
    const b = await s.createStudy(spec('beta'));
    expect(a).toMatchObject({ name: 'alpha', backend: null, spec: spec('alpha') });
    expect(a.objectives.map((o) => o.metric)).toEqual(['accuracy', 'infer_energy_j_per_sample']);
    expect(await s.findStudy('beta')).toEqual(b);
    expect(await s.getStudy(a.id)).toEqual(a);
    expect(await s.findStudy('gamma')).toBeNull();
    expect(await s.requireStudy(String(b.id))).toEqual(b);
    await expect(s.requireStudy('gamma')).rejects.toThrow(/no study "gamma" in .*; studies here: alpha, beta/);
    await expect(s.createStudy(spec('alpha'))).rejects.toThrow();
    expect((await s.listStudies()).map((x) => [x.name, x.budget, x.counts.complete])).toEqual([
      ['alpha', 4, 0],
      ['beta', 4, 0],
    ]);
  });

  test('changes a study budget and backend', async () => {
    const { storage: s } = await backend.fresh();
    const st = await s.createStudy(spec('budget', 4));
    await s.setStudyBudget(st.id, 12, 600);
    expect((await s.getStudy(st.id))!.spec).toMatchObject({ trials: 12, timeBudgetS: 600 });
    await s.setStudyBackend(st.id, 'wasm');
    await s.setStudyBackend(st.id, 'wasm');
    await s.setStudyBackend(st.id, 'tensorflow');
    expect((await s.getStudy(st.id))!.backend).toBe('wasm+tensorflow');
  });

  test('keeps hardware, meters and hardware classes', async () => {
    const { storage: s } = await backend.fresh();
    const st = await s.createStudy(spec());
    await s.setHardware(st.id, { cpu: 'A', gpu: 'B' });
    await s.setHardware(st.id, { gpu: 'C' });
    expect(await s.getHardware(st.id)).toEqual({ cpu: 'A', gpu: 'C' });
    const meters = [
      { id: 'rapl', domains: ['cpu-package', 'dram'], status: 'ok', detail: 'readable' },
      { id: 'nvml', domains: ['gpu:0'], status: 'ok', detail: 'total energy' },
    ];
    await s.setMeters(st.id, meters);
    expect(await s.getMeters(st.id)).toEqual([meters[1], meters[0]]);
    await s.putHardwareClass(st.id, 'z-class', { cpu: 'Z' });
    await s.putHardwareClass(st.id, 'a-class', { cpu: 'A', gpu: 'B' });
    await s.putHardwareClass(st.id, 'a-class', { cpu: 'A', gpu: 'B2' });
    expect(await s.getHardwareClasses(st.id)).toEqual([
      { classId: 'a-class', inventory: { cpu: 'A', gpu: 'B2' } },
      { classId: 'z-class', inventory: { cpu: 'Z' } },
    ]);
  });

  test('claims trials with consecutive numbers, where they run, and stops at the budget', async () => {
    const { storage: s } = await backend.fresh();
    const st = await s.createStudy(spec());
    const before = Date.now();
    const t0 = await s.claimTrial(st.id, claim(me, 3, { units: 8, learning_rate: 0.01 }));
    expect(t0).toMatchObject({ number: 0, state: 'running', host: HERE, hardwareClass: 'cpu:test|gpu:none|rapl', params: { units: 8, learning_rate: 0.01 }, retryOf: null });
    expect(t0!.heartbeatMs).toBeGreaterThanOrEqual(before);
    expect(t0!.startedAt).not.toBeNull();
    const t1 = await s.claimTrial(st.id, claim(elsewhere()));
    expect(t1).toMatchObject({ number: 1, host: 'another-machine' });
    await s.failTrial(t1!.id, 'exception', 'boom');
    const t2 = await s.claimTrial(st.id, claim(me, 3));
    expect(t2!.number).toBe(2);
    // running, failed and running: the budget of 3 is taken
    expect(await s.claimTrial(st.id, claim(me, 3))).toBeNull();
    await s.interruptTrial(t2!.id, 'killed');
    // an interrupted trial does not count: its re-run will
    expect((await s.claimTrial(st.id, claim(me, 3)))!.number).toBe(3);
    expect(await s.getTrialByNumber(st.id, 3)).toEqual(await s.getTrial((await s.getTrials(st.id)).at(-1)!.id));
    expect((await s.getTrials(st.id, ['running'])).map((t) => t.number)).toEqual([0, 3]);
  });

  test('never overshoots the budget when 8 workers claim at once', async () => {
    const { storage: s, another } = await backend.fresh();
    const st = await s.createStudy(spec('race', 5));
    const workers = await Promise.all(Array.from({ length: 8 }, () => another()));
    const claims = await Promise.all(workers.map((w, i) => w.claimTrial(st.id, claim({ host: `m${i}`, pid: 100 + i }, 5))));
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(5);
    expect(won.map((c) => c!.number).sort()).toEqual([0, 1, 2, 3, 4]);
    expect((await s.getTrials(st.id)).length).toBe(5);
  });

  test('refuses a proposal made before another worker\'s landed, and lets exactly one of 4 racing proposals in', async () => {
    const { storage: s, another } = await backend.fresh();
    const st = await s.createStudy(spec('cas', 10));
    const first = await s.claimTrial(st.id, { ...claim(me, 10), proposals: 0 });
    expect(first!.number).toBe(0);
    // asked when the study held no proposal: trial 0 has landed since
    expect(await s.claimTrial(st.id, { ...claim(elsewhere(), 10), proposals: 0 })).toBeNull();
    expect((await s.claimTrial(st.id, { ...claim(elsewhere(), 10), proposals: 1 }))!.number).toBe(1);
    // a re-run does not count as a proposal
    await s.interruptTrial(first!.id, 'killed');
    const rerun = await s.claimTrial(st.id, { ...claim(me, 10), retryOf: first!.id });
    expect(rerun!.number).toBe(2);
    const workers = await Promise.all(Array.from({ length: 4 }, () => another()));
    const claims = await Promise.all(workers.map((w, i) => w.claimTrial(st.id, { ...claim({ host: `m${i}`, pid: 200 + i }, 10), proposals: 2 })));
    expect(claims.filter((c) => c !== null).map((c) => c!.number)).toEqual([3]);
  });

  test('lets exactly one worker re-run an interrupted trial, with its parameters', async () => {
    const { storage: s, another } = await backend.fresh();
    const st = await s.createStudy(spec());
    const t = (await s.claimTrial(st.id, claim(me, 10, { units: 13 })))!;
    await s.interruptTrial(t.id, 'power cut');
    const [pending] = await s.pendingRetries(st.id);
    expect(pending).toMatchObject({ id: t.id, state: 'interrupted', params: { units: 13 }, failure: { kind: 'interrupted', message: 'power cut' } });
    const workers = await Promise.all(Array.from({ length: 4 }, () => another()));
    const claims = await Promise.all(workers.map((w) => w.claimTrial(st.id, { ...claim(me, 10, pending!.params as Record<string, number>), retryOf: pending!.id })));
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ retryOf: t.id, params: { units: 13 }, number: 1 });
    expect(await s.pendingRetries(st.id)).toEqual([]);
  });

  test('round-trips finished trials exactly: windows, flags, provenance, attrs, power samples, failures', async () => {
    const { storage: s } = await backend.fresh();
    const st = await scenario(s);
    const trials = await s.getTrials(st.id);
    expect(trials.map((t) => [t.number, t.state, t.failure])).toEqual([
      [0, 'complete', null],
      [1, 'failed', { kind: 'exception', message: 'out of memory' }],
      [2, 'pruned', { kind: 'pruned', message: 'below the median at step 2' }],
      [3, 'interrupted', { kind: 'interrupted', message: 'stopped by the user' }],
      [4, 'pruned', null],
    ]);
    const [a] = trials;
    expect(a!.metrics).toEqual(result(0.9).metrics);
    expect(a!.backend).toBe('wasm');
    expect(await s.getTrialAttrs(a!.id)).toEqual({ ...result(0.9).attrs, pgid: 1234 });
    expect((await s.getWindows({ trialId: a!.id })).map(withoutIds)).toEqual([trainWindow, inferWindow]);
    expect(await s.getPowerSamples(a!.id)).toEqual(result(0.9).powerSamples);
    expect((await s.getWindows({ studyId: st.id, phase: 'idle' })).map(withoutIds)).toEqual([idleWindow]);
    expect(withoutIds((await s.latestIdle(st.id))!)).toEqual(idleWindow);
    expect(trials[2]!.metrics).toEqual({ accuracy: 0.25 });
    expect(trials[2]!.host).toBe('another-machine');
    expect(await s.getTrialAttrs(trials[2]!.id)).toEqual({ step: 2 });
    expect(trials[4]!.retryOf).toBe(trials[3]!.id);
    expect((await s.getStudy(st.id))!.backend).toBe('wasm');
    // a finished trial is immutable
    await expect(s.completeTrial(a!.id, result(0.1))).rejects.toThrow(/cannot go from complete to complete/);
  });

  test('refuses negative energy and non-finite metrics, keeping the trial running with nothing stored', async () => {
    const { storage: s } = await backend.fresh();
    const st = await s.createStudy(spec());
    const t = (await s.claimTrial(st.id, claim()))!;
    const bad = { ...trainWindow, domains: [measured('cpu-package', 1, { attributedEnergyJ: -0.5 })] };
    await expect(s.completeTrial(t.id, { ...result(0.9), windows: [bad] })).rejects.toThrow(/attributed energy for cpu-package is negative/);
    await expect(s.completeTrial(t.id, { ...result(0.9), metrics: { accuracy: NaN } })).rejects.toThrow(/not a finite number/);
    await expect(s.insertWindow(st.id, null, { ...idleWindow, domains: [measured('dram', -1)] })).rejects.toThrow(/negative/);
    expect(await s.getTrial(t.id)).toMatchObject({ state: 'running', metrics: {} });
    expect(await s.getWindows({ trialId: t.id })).toEqual([]);
    expect(await s.getPowerSamples(t.id)).toEqual([]);
    expect(await s.getWindows({ studyId: st.id, phase: 'idle' })).toEqual([]);
  });

  test('recovers stale trials: heartbeat too old, or a dead worker on this host, never a live one', async () => {
    const { storage: s } = await backend.fresh();
    const st = await s.createStudy(spec());
    const old = (await s.claimTrial(st.id, claim(elsewhere(1))))!;
    const fresh = (await s.claimTrial(st.id, claim(elsewhere(2))))!;
    const mine = (await s.claimTrial(st.id, claim(me)))!;
    // a pid that is dead here means nothing on another machine: only its heartbeat counts
    const remoteWorker = { host: 'another-machine', pid: deadPid() };
    const remote = (await s.claimTrial(st.id, claim(remoteWorker)))!;
    await sleep(400);
    // heartbeats refresh only the worker's own trials (mine is not elsewhere(2)'s)
    await s.heartbeatTrials([fresh.id, mine.id], elsewhere(2));
    await s.heartbeatTrials([mine.id], me);
    await s.heartbeatTrials([remote.id], remoteWorker);
    // a fresh heartbeat, but its worker is gone from this very machine
    const dead = (await s.claimTrial(st.id, claim({ host: HERE, pid: deadPid() })))!;
    const ids = (list: { id: number }[]) => list.map((t) => t.id).sort((x, y) => x - y);
    const recovered = await s.recoverStale(st.id, me, 300);
    expect(ids(recovered)).toEqual(ids([old, dead]));
    expect(recovered.every((t) => t.state === 'interrupted' && t.failure?.kind === 'interrupted')).toBe(true);
    expect(ids(await s.getTrials(st.id, ['running']))).toEqual(ids([fresh, mine, remote]));
    expect(ids(await s.pendingRetries(st.id))).toEqual(ids([old, dead]));
    // once every heartbeat is old, all are stale but the asker's own (it is the process running it)
    await sleep(400);
    expect(ids(await s.recoverStale(st.id, me, 300))).toEqual(ids([fresh, remote]));
    // an exclusive run's start takes every running trial for dead, its own process's too
    expect(ids(await s.recoverStale(st.id, me, 0))).toEqual(ids([mine]));
  });

  test('host-aware runner lock: a local holder counts while alive, a remote one while its heartbeat is fresh', async () => {
    const { storage: s } = await backend.fresh();
    const st = await s.createStudy(spec());
    const other = await s.createStudy(spec('other'));
    // a live process on this host holds it (the test runner's parent)
    await s.acquireRunner(st.id, { host: HERE, pid: process.ppid });
    await expect(s.acquireRunner(st.id, me)).rejects.toThrow(/being run by another ECOpt process \(pid \d+/);
    expect(await s.runnerHeld(st.id, me)).toEqual({ host: HERE, pid: process.ppid });
    await s.releaseRunner(st.id, { host: HERE, pid: process.ppid });
    expect(await s.runnerHeld(st.id, me)).toBeNull();
    // a dead local holder is taken over at once, fresh heartbeat or not
    await s.acquireRunner(st.id, { host: HERE, pid: deadPid() });
    await s.acquireRunner(st.id, me);
    expect(await s.runnerHeld(st.id, { host: HERE, pid: 1 })).toEqual(me);
    await s.releaseRunner(st.id, me);
    // on another machine the pid cannot be checked: the heartbeat decides
    const remote = { host: 'another-machine', pid: deadPid() };
    await s.acquireRunner(st.id, remote);
    await expect(s.acquireRunner(st.id, me)).rejects.toThrow(/pid \d+ on another-machine/);
    await s.heartbeatRunner(st.id, remote);
    await sleep(60);
    await s.acquireRunner(st.id, me, 50);
    expect(await s.runnerHeld(st.id, remote)).toEqual(me);
    // workers running trials with fresh heartbeats keep an exclusive runner out
    await s.claimTrial(other.id, claim(elsewhere()));
    await expect(s.acquireRunner(other.id, me)).rejects.toThrow(/workers are running 1 trial/);
  });
});

describe('storage conformance: both storages give the same records', () => {
  it.skipIf(postgresMissing !== null)('reads back identical trials, windows and samples from SQLite and PostgreSQL for the same writes', async () => {
    const [lite, pg] = await Promise.all(backends.map((b) => b.fresh()));
    const a = await scenario(lite!.storage);
    const b = await scenario(pg!.storage);
    const left = await snapshot(lite!.storage, a.id);
    expect(left.trials).toHaveLength(5);
    expect(await snapshot(pg!.storage, b.id)).toEqual(left);
    const { spec: _s, ...exported } = await lite!.storage.exportStudy(a.id);
    const { spec: _t, ...exported2 } = await pg!.storage.exportStudy(b.id);
    const stripTimes = (e: typeof exported) => ({ ...e, createdAt: 0, updatedAt: 0, trials: e.trials.map((t) => ({ ...t, createdAt: 0, startedAt: 0, finishedAt: 0, heartbeatMs: 0 })) });
    expect(stripTimes(exported2)).toEqual(stripTimes(exported));
  });
});

describe('storage conformance: copying whole studies', () => {
  it('exports and imports a SQLite study within SQLite, keeping everything', async () => {
    const [from, to] = [await backends[0]!.fresh(), await backends[0]!.fresh()];
    const st = await scenario(from.storage);
    const data = await from.storage.exportStudy(st.id);
    expect(data.trials).toHaveLength(5);
    expect(data.windows.map((w) => [w.trial, w.window.phase])).toEqual([
      [null, 'idle'],
      [0, 'train'],
      [0, 'infer'],
      [1, 'train'],
      [2, 'train'],
      // the interrupted trial's, up to its stop
      [3, 'train'],
      [4, 'train'],
      [4, 'infer'],
    ]);
    expect(data.trials[1]!.failure).toEqual({ kind: 'exception', message: 'out of memory', detail: 'stack trace here' });
    const copy = await to.storage.importStudy(data);
    expect(await to.storage.exportStudy(copy.id)).toEqual(data);
    await expect(to.storage.importStudy(data)).rejects.toThrow(/already has a study named "scenario"/);
  });

  it.skipIf(postgresMissing !== null)('copies a study from SQLite to PostgreSQL and back, every field intact', async () => {
    const [lite, pg, back] = [await backends[0]!.fresh(), await backends[1]!.fresh(), await backends[0]!.fresh()];
    const st = await scenario(lite.storage);
    const data = await lite.storage.exportStudy(st.id);
    const inPg = await pg.storage.importStudy(data);
    expect(await pg.storage.exportStudy(inPg.id)).toEqual(data);
    expect(await snapshot(pg.storage, inPg.id)).toEqual(await snapshot(lite.storage, st.id));
    const returned = await back.storage.importStudy(await pg.storage.exportStudy(inPg.id));
    expect(await back.storage.exportStudy(returned.id)).toEqual(data);
    await expect(pg.storage.importStudy(data)).rejects.toThrow(/already has a study named "scenario"; copy into another database/);
  });
});

describe('migrations', () => {
  it('numbers PostgreSQL migrations as SQLite ones, version by version', () => {
    expect(PG_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
  });

  it('refuses a SQLite file from a newer ECOpt', () => {
    const path = join(tmpDir(), 'new.db');
    openDb(path, { migrations: [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'future', sql: 'CREATE TABLE future (x INTEGER)' }] }).close();
    expect(() => new Store(path)).toThrow(/written by a newer ECOpt \(schema version 7; this build knows up to 6\)/);
  });

  it.skipIf(postgresMissing !== null)('refuses a PostgreSQL database from a newer ECOpt, or with a diverged history, and migrates once when workers start together', async () => {
    const url = await pgServer.server().createDatabase();
    const starts = await Promise.all(Array.from({ length: 4 }, () => PostgresStorage.open(url)));
    await Promise.all(starts.map((s) => s.close()));
    const future = await PostgresStorage.open(url, { migrations: [...PG_MIGRATIONS, { version: PG_MIGRATIONS.length + 1, name: 'future', sql: 'CREATE TABLE future (x INTEGER)' }] });
    await future.close();
    await expect(PostgresStorage.open(url)).rejects.toThrow(/written by a newer ECOpt \(schema version 7; this build knows up to 6\)/);
    const other = await pgServer.server().createDatabase();
    await (await PostgresStorage.open(other, { migrations: PG_MIGRATIONS.slice(0, 2) })).close();
    const diverged = [...PG_MIGRATIONS];
    diverged[1] = { ...diverged[1]!, sql: `${diverged[1]!.sql}\n-- edited` };
    await expect(PostgresStorage.open(other, { migrations: diverged })).rejects.toThrow(/diverges from this build at version 2/);
    // the shorter history upgrades to this build's
    await (await PostgresStorage.open(other)).close();
  });
});
