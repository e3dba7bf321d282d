/**
 * The issue's own test: three worker processes standing for three machines (each its own host
 * name and its own fixture meter tree) run one 30-trial study in a real PostgreSQL server; one
 * is killed with SIGKILL in the middle of a trial. The budget is met exactly, nothing finished is
 * lost or counted twice, the killed trial is marked interrupted and re-run by another worker,
 * and the front is grouped by hardware class.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStorage } from '../../src-main/engine/store/open-storage';
import type { PlacedTrial } from '../../src-main/engine/store/storage';
import { collect, runCli, startCli } from '../helpers/cli';
import { postgresMissing, usePostgres } from '../helpers/postgres';
import { writeSpec } from '../helpers/specs';
import { powercapTree } from '../helpers/sysfs';
import { tmpDir } from '../helpers/tmp';
import { napSpec } from '../helpers/workers';

const pg = usePostgres();

async function trialsOf(url: string, name: string): Promise<PlacedTrial[]> {
  const storage = await openStorage(url);
  try {
    const study = await storage.requireStudy(name);
    return await storage.getTrials(study.id);
  } finally {
    await storage.close();
  }
}

describe.skipIf(postgresMissing)('ecopt worker on PostgreSQL: three machines, one killed', () => {
  it('meets a 30-trial budget exactly; the killed worker\'s trial is interrupted and re-run elsewhere; fronts by hardware class', async () => {
    const url = await pg.server().createDatabase();
    const dir = tmpDir();
    const spec = writeSpec(dir, napSpec('three', 30, 500));
    // two machines with RAPL counters (fixture trees whose counters climb as a CPU's would), one
    // with none (a VM: its CPU energy is estimated): two hardware classes
    const trees = [0, 1].map(() => powercapTree([{ dir: 'intel-rapl:0', name: 'package-0', maxRangeUj: 262_143_328_850 }]));
    let uj = 0;
    const tick = setInterval(() => {
      uj += 2_000_000; // 20 W at 100 ms
      for (const t of trees) t.set('intel-rapl:0', uj);
    }, 100);
    const empty = join(dir, 'no-counters');
    mkdirSync(empty);
    const machine = (host: string, powercap: string) => ({
      ECOPT_HOSTNAME: host,
      ECOPT_POWERCAP_ROOT: powercap,
      ECOPT_HWMON_ROOT: empty,
      ECOPT_DRM_ROOT: empty,
      ECOPT_NVML_LIBRARY: join(empty, 'libnvidia-ml.so.1'),
      ECOPT_NVIDIA_SMI: join(empty, 'nvidia-smi'),
      ECOPT_HEARTBEAT_MS: '300',
      ECOPT_STALE_AFTER_MS: '2000',
    });
    try {
      const workers = [
        startCli(['worker', spec, '--storage', url], machine('rack-1', trees[0]!.root)),
        startCli(['worker', spec, '--storage', url], machine('rack-2', trees[1]!.root)),
        startCli(['worker', spec, '--storage', url], machine('laptop', empty)),
      ];
      const results = workers.map((w) => collect(w));

      // wait until rack-2 is in the middle of a trial, with a few finished by then
      let victim: PlacedTrial | undefined;
      let before: PlacedTrial[] = [];
      const deadline = Date.now() + 60_000;
      while (!victim) {
        if (Date.now() > deadline || workers.some((w) => w.exitCode !== null)) {
          for (const w of workers) w.kill('SIGKILL');
          const out = await Promise.all(results);
          throw new Error(`rack-2 was never caught mid-trial:\n${out.map((r) => `${r.code} ${r.signal}\n${r.stderr}`).join('\n---\n')}`);
        }
        await new Promise((r) => setTimeout(r, 150));
        const now = await trialsOf(url, 'three').catch(() => [] as PlacedTrial[]);
        const running = now.find((t) => t.host === 'rack-2' && t.state === 'running');
        if (running && now.filter((t) => t.state === 'complete').length >= 3) {
          victim = running;
          before = now.filter((t) => t.state === 'complete');
        }
      }
      workers[1]!.kill('SIGKILL');
      const [a, killed, c] = await Promise.all(results);
      expect(killed!.signal).toBe('SIGKILL');
      expect(a!.code, a!.stderr).toBe(0);
      expect(c!.code, c!.stderr).toBe(0);

      const trials = await trialsOf(url, 'three');
      const complete = trials.filter((t) => t.state === 'complete');
      // the budget exactly, every trial number once
      expect(complete).toHaveLength(30);
      expect(trials.map((t) => t.number)).toEqual(trials.map((_, i) => i));
      expect(trials.every((t) => t.state === 'complete' || t.state === 'interrupted')).toBe(true);
      // nothing finished before the kill was lost or changed
      for (const t of before) expect(complete.find((x) => x.id === t.id)).toMatchObject({ number: t.number, metrics: t.metrics, params: t.params });
      // the killed trial: interrupted, then re-run once, with its parameters, by a live worker
      const killedTrial = trials.find((t) => t.id === victim!.id)!;
      expect(killedTrial.state).toBe('interrupted');
      const reruns = trials.filter((t) => t.retryOf === victim!.id);
      expect(reruns).toHaveLength(1);
      expect(reruns[0]).toMatchObject({ state: 'complete', params: victim!.params });
      expect(['rack-1', 'laptop']).toContain(reruns[0]!.host);
      // promptly: once its heartbeat is stale, the next claim re-runs it, before fresh proposals
      // (it used to wait until the rest of the budget had been claimed, i.e. the study's end)
      expect(trials.some((t) => t.retryOf === null && t.number > reruns[0]!.number), `re-run is trial ${reruns[0]!.number} of ${trials.length}`).toBe(true);
      // each survivor's closing line counts its own trials that count: with the killed one's, the budget
      const onHost = (out: string, host: string) => Number(new RegExp(`: 30/30 trials done, (\\d+) on ${host}`).exec(out)?.[1] ?? NaN);
      expect(onHost(a!.stdout, 'rack-1') + onHost(c!.stdout, 'laptop') + complete.filter((t) => t.host === 'rack-2').length).toBe(30);
      // no re-run claimed twice
      const retried = trials.filter((t) => t.retryOf !== null).map((t) => t.retryOf);
      expect(new Set(retried).size).toBe(retried.length);
      // every trial says where it ran; each machine ran some
      expect(new Set(trials.map((t) => t.host))).toEqual(new Set(['rack-1', 'rack-2', 'laptop']));
      // RAPL machines and the counterless one are two classes; the two racks are one
      const classOf = (host: string) => new Set(trials.filter((t) => t.host === host).map((t) => t.hardwareClass));
      expect(classOf('rack-1')).toEqual(classOf('rack-2'));
      expect([...classOf('rack-1')][0]).not.toBe([...classOf('laptop')][0]);

      // `show --storage` names each trial's host, warns, and gives one front per class
      const show = await runCli(['show', 'three', '--storage', url, '--wide']);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/ran on 2 hardware classes: energy is compared only within one hardware class/);
      expect(show.stdout.match(/^Hardware class [0-9a-f]{8}: /gm)).toHaveLength(2);
      expect(show.stdout).toMatch(/Hardware class [0-9a-f]{8}: .*rapl \(hosts: rack-1, rack-2\)/);
      expect(show.stdout).toMatch(/Hardware class [0-9a-f]{8}: .*estimate \(hosts: laptop\)/);
      expect(show.stdout).toMatch(/\blaptop\b/);
      // the re-run names the trial it re-ran; the energy column says whose it is
      expect(show.stdout).toContain(`complete (re-run of #${victim!.number})`);
      expect(show.stdout).toContain('Training energy (own)');
      // the rank agreement between the classes, over the configurations both measured (this small
      // space repeats some), or a sentence saying there are none yet
      expect(show.stdout).toMatch(/Same configurations, several machines(: no configuration has been measured on more than one hardware class yet| \(\d+ configuration\(s\) measured on more than one class\)[^\n]*\n  [0-9a-f]{8} vs [0-9a-f]{8}, Inference energy per prediction: )/);
      const studies = await runCli(['studies', '--storage', url]);
      expect(studies.stdout).toMatch(/three +│? *30\/30/);
    } finally {
      clearInterval(tick);
    }
  }, 120_000);
});

describe.skipIf(postgresMissing)('ecopt worker through a database restart', () => {
  it('rides out a restart in the middle of a trial: says so, keeps the trial, finishes the study', async () => {
    const url = await pg.server().createDatabase();
    const spec = writeSpec(tmpDir(), napSpec('restart', 3, 4000));
    const env = { ECOPT_HOSTNAME: 'rack-1', ECOPT_HEARTBEAT_MS: '300', ECOPT_STALE_AFTER_MS: '2000' };
    const worker = startCli(['worker', spec, '--storage', url], env);
    const result = collect(worker);
    // wait until its first trial runs, then take the server away for longer than the stale limit
    const deadline = Date.now() + 60_000;
    while (!(await trialsOf(url, 'restart').catch(() => [] as PlacedTrial[])).some((t) => t.state === 'running')) {
      if (Date.now() > deadline || worker.exitCode !== null) throw new Error(`no trial started:\n${(await result).stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await pg.server().restart(3000);
    const r = await result;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ecopt: lost the connection to postgresql:\/\/.*; trying again for up to 60 s/);
    expect(r.stderr).toMatch(/ecopt: the connection to postgresql:\/\/.* is back after \d+ s/);
    const trials = await trialsOf(url, 'restart');
    // nothing was taken for dead: three trials, all complete, no re-run
    expect(trials.map((t) => t.state)).toEqual(['complete', 'complete', 'complete']);
  }, 90_000);
});
