/**
 * A shared study's workers each take their own idle baseline: the report of a trial names the
 * baseline of the machine that ran it, not the last one any machine stored.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../../src-main/engine/reports/build';
import { renderReports } from '../../../../src-main/engine/reports/index';
import { provenanceLines } from '../../../../src-main/cli/present';
import { Store } from '../../../../src-main/engine/store/store';
import type { DomainEnergy, Provenance } from '../../../../src-main/shared/types';
import { spreadSpec } from '../../../helpers/two-classes';
import { tmpDir } from '../../../helpers/tmp';

const est: Provenance = { method: 'estimated', source: 'cpu-tdp-estimate', model: 'tdp-linear-utilisation', inputs: { tdpW: 65 }, uncertaintyRel: 0.4 };
const cpu = (j: number): DomainEnergy => ({ domain: 'cpu-package', energyJ: j, attributedEnergyJ: j, provenance: est });
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

describe("a trial's idle baseline, in a study run on several machines", () => {
  it('is the one its own machine took, though another machine stored one later', async () => {
    const store = new Store(join(tmpDir(), 's.db'));
    const study = store.createStudy(spreadSpec());
    store.putHardwareClass(study.id, 'aaaa1111', { label: 'EPYC B', cpu_model: 'EPYC B' });
    // m2 idles at 20 W, then m1 at 10 W, then m2 runs the trial
    store.insertWindow(study.id, null, { phase: 'idle', startedAtMs: T0, durationS: 10, domains: [cpu(200)], host: 'm2' });
    store.insertWindow(study.id, null, { phase: 'idle', startedAtMs: T0 + 5_000, durationS: 10, domains: [cpu(100)], host: 'm1' });
    const t = store.claimTrial(study.id, { params: { units: 64 }, retryOf: null, worker: { host: 'm2', pid: 7 }, hardwareClass: 'aaaa1111', budget: 20 })!;
    store.completeTrial(t.id, {
      metrics: { accuracy: 0.9, infer_energy_j_per_sample: 1e-3, train_energy_j: 50 },
      windows: [
        { phase: 'train', startedAtMs: T0 + 20_000, durationS: 2, domains: [cpu(50)] },
        { phase: 'infer', startedAtMs: T0 + 22_000, durationS: 1, samples: 100, domains: [cpu(0.1)] },
      ],
      attrs: {},
      backend: 'wasm',
      powerSamples: [],
    });
    // the host comes back as stored
    expect(store.getWindows({ studyId: study.id, phase: 'idle' }).map((w) => w.host)).toEqual(['m2', 'm1']);
    const r = buildReport(store, 'spread', { trialNumber: t.number });
    expect(r.idleBaseline).toEqual({ durationS: 10, powerW: { 'cpu-package': 20 } });
    // and the report names the machine's hardware class, as show and the model card do
    expect(r.hardware.hardwareClass).toEqual({ id: 'aaaa1111', label: 'EPYC B' });
    expect(r.hardware.recorded.host).toBe('m2');
    const { files } = await renderReports(store, 'spread', { trialNumber: t.number }, ['md']);
    expect(String(files.find((f) => f.name === 'energy-report.md')!.content)).toContain('| Hardware class | aaaa1111 (EPYC B): energy is compared only with trials of this class (ecopt show lists them) |');
    // ecopt show gives each machine's own latest baseline, not the last one any machine stored
    const lines = provenanceLines(store, store.requireStudy('spread'), store.getTrials(study.id));
    expect(lines).toContain('idle baseline on m2 (10.0 s): cpu-package 20.00 W — net figures are gross minus idle power × duration, where not negative');
    expect(lines).toContain('idle baseline on m1 (10.0 s): cpu-package 10.00 W — net figures are gross minus idle power × duration, where not negative');
    store.close();
  });

  it("says which machine did what of the campaign, and the killed trial's work as nowhere (walk 43)", async () => {
    const store = new Store(join(tmpDir(), 's.db'));
    const study = store.createStudy(spreadSpec());
    store.insertWindow(study.id, null, { phase: 'idle', startedAtMs: T0, durationS: 10, domains: [cpu(200)], host: 'm2' });
    store.insertWindow(study.id, null, { phase: 'idle', startedAtMs: T0 + 5_000, durationS: 10, domains: [cpu(100)], host: 'm1' });
    const claim = (host: string) => store.claimTrial(study.id, { params: { units: 64 }, retryOf: null, worker: { host, pid: 7 }, hardwareClass: 'aaaa1111', budget: 20 })!;
    const run = (t: { id: number }, at: number, j: number) =>
      store.completeTrial(t.id, {
        metrics: { accuracy: 0.9, infer_energy_j_per_sample: 1e-3, train_energy_j: j },
        windows: [
          { phase: 'train', startedAtMs: at, durationS: 2, domains: [cpu(j)] },
          { phase: 'infer', startedAtMs: at + 2_000, durationS: 1, samples: 100, domains: [cpu(0.1)] },
        ],
        attrs: {},
        backend: 'wasm',
        powerSamples: [],
      });
    // m2 and m1 ran one trial each, at once; m3's worker was killed before it stored anything
    const a = claim('m2');
    const b = claim('m1');
    const killed = claim('m3');
    run(a, T0 + 20_000, 50);
    run(b, T0 + 21_000, 30);
    store.interruptTrial(killed.id, 'its worker stopped heartbeating');
    const r = buildReport(store, 'spread', { trialNumber: a.number });
    expect(r.campaign.runs.map((x) => [x.trial, x.host])).toEqual([[null, 'm2'], [null, 'm1'], [a.number, 'm2'], [b.number, 'm1']]);
    const { files } = await renderReports(store, 'spread', { trialNumber: a.number }, ['md', 'csv']);
    const md = String(files.find((f) => f.name === 'energy-report.md')!.content);
    const kJ = (j: number) => `${j} J`;
    expect(md).toContain(`| By machine | m1: 1 trial and 1 idle baseline, ${kJ(130)} (34.2%); m2: 1 trial and 1 idle baseline, ${kJ(250)} (65.8%); trials that stopped before storing what they measured are on no machine here |`);
    expect(md).toContain('Idle baseline (on m2, where trial 0 ran): 10 s, cpu-package 20 W.');
    // the two trials overlapped: their times add up to more than the span, which is no pause
    expect(md).toMatch(/from first to last measurement \(trials ran at once on several workers or devices, so their times add up to more than the span; pauses between sessions included\)/);
    const csv = String(files.find((f) => f.name === 'emissions-ecopt.csv')!.content).trim().split('\n');
    const col = csv[0]!.split(',').indexOf('ecopt_host');
    expect(csv.slice(1).map((line) => line.split(',')[col])).toEqual(['m2', 'm1', 'm2', 'm1']);
    store.close();
  });
});

describe("a machine's idle baseline taken under load, by machine", () => {
  it('is said beside its machine, which counted it nowhere (walk 54)', async () => {
    const store = new Store(join(tmpDir(), 's.db'));
    const study = store.createStudy(spreadSpec());
    store.insertWindow(study.id, null, { phase: 'idle', startedAtMs: T0, durationS: 10, domains: [cpu(100)], host: 'm1' });
    store.insertWindow(study.id, null, { phase: 'idle', startedAtMs: T0 + 1_000, durationS: 10, domains: [cpu(190)], host: 'm2', flags: [{ domain: '*', kind: 'baseline-under-load', message: 'other programs kept the CPU 13% busy' }] });
    const claim = (host: string) => store.claimTrial(study.id, { params: { units: 64 }, retryOf: null, worker: { host, pid: 7 }, hardwareClass: 'aaaa1111', budget: 20 })!;
    for (const [host, at] of [['m1', 20_000], ['m2', 30_000]] as const) {
      store.completeTrial(claim(host).id, {
        metrics: { accuracy: 0.9, infer_energy_j_per_sample: 1e-3, train_energy_j: 50 },
        windows: [
          { phase: 'train', startedAtMs: T0 + at, durationS: 2, domains: [cpu(50)] },
          { phase: 'infer', startedAtMs: T0 + at + 2_000, durationS: 1, samples: 100, domains: [cpu(0.1)] },
        ],
        attrs: {},
        backend: 'wasm',
        powerSamples: [],
      });
    }
    const r = buildReport(store, 'spread', { trialNumber: 0 });
    expect(r.campaign.idle).toMatchObject({ windows: 1, underLoad: 1, underLoadHosts: ['m2'] });
    const { files } = await renderReports(store, 'spread', { trialNumber: 0 }, ['md']);
    expect(String(files.find((f) => f.name === 'energy-report.md')!.content)).toContain('| By machine | m1: 1 trial and 1 idle baseline, 150 J (75.0%); m2: 1 trial, 50.1 J (25.0%, not counting its idle baseline, taken under load) |');
    store.close();
  });
});

describe('ecopt show beside other programs (walk 44)', () => {
  it('names the trials measured while other programs kept the CPUs busy, and each warning by trial', () => {
    const store = new Store(join(tmpDir(), 's.db'));
    const study = store.createStudy(spreadSpec());
    // nothing measured yet: no word on whose energy it is
    expect(provenanceLines(store, store.requireStudy('spread'), store.getTrials(study.id)).join('\n')).not.toMatch(/whole machine's|own share/);
    const flag = { domain: '*', kind: 'noisy' as const, message: 'spread 30%' };
    const run = (busyS: number, at: number) => {
      const t = store.createTrial(study.id, { units: 64 });
      store.startTrial(t.id);
      store.completeTrial(t.id, {
        metrics: { accuracy: 0.9, infer_energy_j_per_sample: 1e-3, train_energy_j: 50 },
        windows: [
          { phase: 'train', startedAtMs: at, durationS: 2, domains: [cpu(50)], cpu: { treeS: 1, machineBusyS: busyS, cores: 2 }, flags: [flag] },
          { phase: 'infer', startedAtMs: at + 2_000, durationS: 1, samples: 100, domains: [cpu(1)], cpu: { treeS: 0.5, machineBusyS: busyS / 2, cores: 2 }, flags: [flag] },
          { phase: 'evaluate', startedAtMs: at + 3_000, durationS: 0.004, domains: [cpu(0)], cpu: { treeS: 0, machineBusyS: 0, cores: 2 } },
        ],
        attrs: { attribution: 'estimate: tree CPU-seconds × TDP / cores' },
        backend: 'wasm',
        powerSamples: [],
      });
    };
    run(3.8, T0); // a colleague's job beside it: others kept (3.8 − 1) / 4 = 70% of the CPUs busy
    run(1.05, T0 + 10_000); // quiet
    const lines = provenanceLines(store, store.requireStudy('spread'), store.getTrials(study.id));
    expect(lines).toContain("measured while other programs kept over 10% of the CPUs busy (the most, in training or inference): #0 (70%); their own figures leave that work out (by CPU time), the whole machine's include it");
    expect(lines).toContain('  ⚠ trials 0, 1 (train, infer): noisy — spread 30%');
    store.close();
  });
});
