import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { attributeWindow, baselineFlags, idleBaseline } from '../../../../src-main/engine/meters/attribution';
import { ProcessTreeCpu } from '../../../../src-main/engine/meters/proc-tree';
import { attributedJ, finalizeEnergy } from '../../../../src-main/engine/trials/energy';
import type { EnergyWindow, Provenance } from '../../../../src-main/shared/types';
import { phaseFigures } from '../../../../src-main/engine/reports/build';
import type { StoredWindow } from '../../../../src-main/engine/store/store';

const estimated: Provenance = { method: 'estimated', source: 'cpu-tdp-estimate', model: 'tdp-linear-utilisation', inputs: { tdpW: 100 }, uncertaintyRel: 0.4 };
const rapl = (counter: string): Provenance => ({ method: 'measured', source: 'rapl', counter, resolutionJ: 1e-6, uncertaintyRel: null });

function window(domains: [string, number, Provenance][], cpu: EnergyWindow['cpu'], durationS = 10): EnergyWindow {
  return { phase: 'train', startedAtMs: 0, durationS, domains: domains.map(([domain, energyJ, provenance]) => ({ domain, energyJ, provenance })), ...(cpu ? { cpu } : {}) };
}

const quietIdle = idleBaseline({
  phase: 'idle',
  startedAtMs: 0,
  durationS: 10,
  domains: [
    { domain: 'cpu-package:0', energyJ: 200, provenance: rapl('pkg') },
    { domain: 'dram:0', energyJ: 30, provenance: rapl('dram') },
  ],
  cpu: { treeS: null, machineBusyS: 0.8, cores: 4 },
});

describe('attribution: the trial’s own share of the machine’s energy', () => {
  it('says so when the trial used no CPU time in a window, rather than a silent 0 J', () => {
    // a command whose predictions ran in another process (or whose phase lines came late)
    const idleTree = attributeWindow(window([['cpu-package', 40, estimated]], { treeS: 0, machineBusyS: 3, cores: 4 }, 1), null);
    expect(idleTree.domains[0]!.attributedEnergyJ).toBe(0);
    expect(idleTree.flags).toEqual([expect.objectContaining({ kind: 'no-own-share', message: expect.stringMatching(/used no measurable CPU time in its train phase \(CPU time is read in 10 ms ticks\), so its own share of the CPU energy is 0 J: .*does not include$/) })]);
    // and its metrics: 0 J per prediction, flagged; predictions per joule left out, never a plain 0
    const infer = { ...window([['cpu-package', 40, estimated]], { treeS: 0, machineBusyS: 3, cores: 4 }, 1), phase: 'infer' as const, samples: 500 };
    const r = finalizeEnergy({ metrics: {}, attrs: {}, windows: [infer], backend: 'wasm', powerSamples: [] }, null);
    expect(r.metrics.infer_energy_j_per_sample).toBe(0);
    expect(r.metrics).not.toHaveProperty('infer_samples_per_j');
    expect(r.windows[0]!.flags).toEqual([expect.objectContaining({ kind: 'no-own-share' })]);
    // a trial that used some CPU time: no such flag; nor a GPU-only window (the GPU is all the trial's)
    expect(attributeWindow(window([['cpu-package', 40, estimated]], { treeS: 0.5, machineBusyS: 3, cores: 4 }, 1), null).flags).toBeUndefined();
    expect(attributeWindow(window([['gpu:0', 40, rapl('nvml')]], { treeS: 0, machineBusyS: 3, cores: 4 }, 1), null).flags).toBeUndefined();
  });

  it('says a phase of a few milliseconds has a coarse share, with the fix, in words that group across trials', () => {
    // walk 37: a 4.4 ms phase, one 10 ms tick of CPU time, and its own share was the whole machine's, unflagged
    const short = (ms: number, treeS: number, phase: 'train' | 'infer' | 'evaluate' = 'infer') => attributeWindow({ ...window([['cpu-package', 0.085 * ms, estimated]], { treeS, machineBusyS: 0, cores: 2 }, ms / 1000), phase }, null);
    const a = short(4.4, 0.01);
    expect(a.domains[0]!.attributedEnergyJ).toBe(a.domains[0]!.energyJ);
    expect(a.flags).toEqual([expect.objectContaining({ kind: 'coarse-share', message: expect.stringMatching(/^the infer phase lasted under 100 ms, .*coarse .*make the phase last 0\.1 s or more, or leave it out/) })]);
    // the same words for another trial's 13 ms phase: one warning line in `ecopt show`
    expect(short(13, 0.01).flags![0]!.message).toBe(a.flags![0]!.message);
    // no CPU time at all in a short phase: the no-own-share flag, with the same fix
    expect(short(2, 0).flags).toEqual([expect.objectContaining({ kind: 'no-own-share', message: expect.stringMatching(/make the phase last 0\.1 s or more/) })]);
    // a phase of 0.1 s or more: no flag; nor an evaluate phase, whose figure is no objective and moves no total
    expect(short(150, 0.1).flags).toBeUndefined();
    expect(short(4.4, 0.01, 'evaluate').flags).toBeUndefined();
  });

  it('estimate: CPU-seconds × TDP / cores, whatever other programs do', () => {
    // 10 s window, 4 cores, the trial used 8 core-seconds; the machine was fully busy (others used 32)
    const alone = attributeWindow(window([['cpu-package', 600, estimated]], { treeS: 8, machineBusyS: 8, cores: 4 }), null);
    const crowded = attributeWindow(window([['cpu-package', 1000, estimated]], { treeS: 8, machineBusyS: 40, cores: 4 }), null);
    expect(alone.domains[0]!.attributedEnergyJ).toBeCloseTo((8 * 100) / 4, 9);
    expect(crowded.domains[0]!.attributedEnergyJ).toBeCloseTo(200, 9);
    expect(alone.domains[0]!.energyJ).toBe(600); // the machine's figure is kept beside it
  });

  it('measured CPU and DRAM with a quiet idle baseline: idle power per core-second plus the power above idle by CPU share', () => {
    expect(quietIdle.trusted).toBe(true);
    // package drew 500 J in 10 s (idle 20 W → 200 J static, 300 J above idle); the trial had 10 of 20 busy core-seconds
    const w = attributeWindow(window([['cpu-package:0', 500, rapl('pkg')], ['dram:0', 40, rapl('dram')]], { treeS: 10, machineBusyS: 20, cores: 4 }), quietIdle);
    expect(w.domains[0]!.attributedEnergyJ).toBeCloseTo((20 * 10) / 4 + 300 * 0.5, 9);
    expect(w.domains[1]!.attributedEnergyJ).toBeCloseTo((3 * 10) / 4 + 10 * 0.5, 9);
    expect(w.domains[0]!.netEnergyJ).toBeCloseTo(300, 9);
    expect(w.flags).toBeUndefined();
  });

  it('GPU energy goes to the trial holding the GPU', () => {
    const w = attributeWindow(window([['gpu:0', 900, rapl('nvml')]], { treeS: 1, machineBusyS: 30, cores: 4 }), quietIdle);
    expect(w.domains[0]!.attributedEnergyJ).toBe(900);
  });

  it('a window with no CPU accounting keeps the whole machine’s figure as the trial’s, and says so', () => {
    const w = attributeWindow(window([['cpu-package:0', 500, rapl('pkg')]], undefined), quietIdle);
    expect(w.domains[0]!.attributedEnergyJ).toBe(500);
  });

  it('an idle baseline taken under load is flagged, and no net figure is computed from it', () => {
    const busyIdle: EnergyWindow = { phase: 'idle', startedAtMs: 0, durationS: 10, domains: [{ domain: 'cpu-package', energyJ: 850, provenance: estimated }], cpu: { treeS: null, machineBusyS: 10, cores: 2 } };
    const b = idleBaseline(busyIdle);
    expect(b.trusted).toBe(false);
    expect(baselineFlags(busyIdle)).toEqual([expect.objectContaining({ kind: 'baseline-under-load', message: expect.stringContaining('50% busy') })]);
    const w = attributeWindow(window([['cpu-package', 600, estimated]], { treeS: 5, machineBusyS: 5, cores: 2 }), b);
    expect(w.domains[0]!.netEnergyJ).toBeUndefined();
    expect(w.flags).toEqual([expect.objectContaining({ kind: 'net-meaningless' })]);
  });

  it('never stores a negative net: a window below the idle draw gets a flag instead', () => {
    const w = attributeWindow(window([['cpu-package:0', 150, rapl('pkg')]], { treeS: 1, machineBusyS: 1, cores: 4 }), quietIdle);
    expect(w.domains[0]!.netEnergyJ).toBeUndefined();
    expect(w.domains[0]!.attributedEnergyJ!).toBeGreaterThanOrEqual(0);
    expect(w.flags).toEqual([expect.objectContaining({ kind: 'net-meaningless', domain: 'cpu-package:0', message: expect.stringContaining('background load changed since the baseline') })]);
    // a window of a few ticks reads below idle with no change of load: said so (walk 44)
    const short = attributeWindow(window([['cpu-package:0', 0, rapl('pkg')]], { treeS: 0, machineBusyS: 0, cores: 4 }, 0.004), quietIdle);
    expect(short.flags).toContainEqual(expect.objectContaining({ kind: 'net-meaningless', message: expect.stringMatching(/^cpu-package:0: this window lasted under 100 ms, too short for the readings .* to show the machine above its idle power/) }));
    expect(short.flags!.some((f) => f.message.includes('background load'))).toBe(false);
  });

  it('psys contains package and DRAM: it is kept but never added to them', () => {
    const w = attributeWindow(window([['cpu-package:0', 500, rapl('pkg')], ['dram:0', 40, rapl('dram')], ['platform:psys', 900, rapl('psys')]], { treeS: 10, machineBusyS: 10, cores: 4 }), null);
    expect(attributedJ(w)).toBeCloseTo(540, 9);
  });

  it('energy metrics use the attributed figure, keep the gross one, and flag inference repeats spreading over 20%', () => {
    const train = window([['cpu-package', 600, estimated]], { treeS: 8, machineBusyS: 16, cores: 4 });
    const infer = { ...window([['cpu-package', 60, estimated]], { treeS: 0.8, machineBusyS: 1.6, cores: 4 }, 1), phase: 'infer' as const, samples: 1000 };
    const r = finalizeEnergy({ metrics: {}, attrs: { infer_energy_spread_rel: 0.3 }, windows: [train, infer], backend: 'wasm', powerSamples: [] }, null);
    expect(r.metrics.train_energy_j).toBeCloseTo(200, 9);
    expect(r.metrics.train_energy_gross_j).toBe(600);
    expect(r.metrics.infer_energy_j_per_sample).toBeCloseTo(0.02, 9);
    expect(r.metrics.infer_energy_gross_j_per_sample).toBeCloseTo(0.06, 9);
    expect(r.attrs.energy_spread_rel).toMatchObject({ infer_energy_j_per_sample: 0.3 });
    expect(r.windows[1]!.flags).toEqual([expect.objectContaining({ kind: 'noisy' })]);
    expect(r.windows[1]!.flags![0]!.message).toContain('could move ±30% between runs');
    // just past the limit, with the decimals that show it (walk 40 read "±20.0% … flags more than ±20%")
    const justOver = finalizeEnergy({ metrics: {}, attrs: { infer_energy_spread_rel: 0.20004 }, windows: [train, infer], backend: 'wasm', powerSamples: [] }, null);
    expect(justOver.windows[1]!.flags![0]!.message).toContain('could move ±20.004% between runs');
  });

  it("training's ± is one figure: the trial view's (energy_spread_rel) is the model card's and the report's (phaseFigures)", () => {
    // an estimated package beside a measured DRAM: no ± can be stated; estimated alone: its sources' ±, no CPU-tick term
    const estimatedOnly = window([['cpu-package', 600, estimated]], { treeS: 0.5, machineBusyS: 1, cores: 4 });
    const mixed = window([['cpu-package', 600, estimated], ['dram:0', 40, rapl('dram')]], { treeS: 0.5, machineBusyS: 1, cores: 4 });
    const stored = (w: EnergyWindow) => ({ ...w, id: 1, trialId: 1, hostId: null }) as unknown as StoredWindow;
    const a = finalizeEnergy({ metrics: {}, attrs: {}, windows: [estimatedOnly], backend: 'wasm', powerSamples: [] }, null);
    expect((a.attrs.energy_spread_rel as Record<string, number>).train_energy_j).toBeCloseTo(0.4, 12);
    expect(phaseFigures(stored(a.windows[0]!), null, '').uncertaintyRel).toBe((a.attrs.energy_spread_rel as Record<string, number>).train_energy_j);
    const b = finalizeEnergy({ metrics: {}, attrs: {}, windows: [mixed], backend: 'wasm', powerSamples: [] }, null);
    expect(b.attrs.energy_spread_rel).toBeUndefined();
    expect(phaseFigures(stored(b.windows[0]!), null, '').uncertaintyRel).toBeNull();
  });
});

describe('process-tree CPU time', () => {
  it('counts a process and the children it started and reaped', async () => {
    // the parent burns ~0.3 s, its child ~0.4 s and exits (reaped by the parent), then the parent waits
    // burns CPU time, not wall time: a busy machine slows it without changing what it uses
    const burn = (ms: number) => `{const s=process.cpuUsage();for(;;){const u=process.cpuUsage(s);if(u.user+u.system>=${ms * 1000})break;}}`;
    const code = `${burn(300)};const c=require('node:child_process').spawnSync(process.execPath,['-e',${JSON.stringify(burn(400))}]);setTimeout(()=>{},400)`;
    const tree = new ProcessTreeCpu();
    const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
    tree.track(child.pid!);
    const before = tree.sample().treeS;
    const poll = setInterval(() => tree.sample(), 50);
    await new Promise((r) => child.on('exit', r));
    clearInterval(poll);
    const cpuS = tree.sample().treeS - before;
    // node's own start-up adds a little to each process; 10 ms ticks
    expect(cpuS).toBeGreaterThan(0.65);
    expect(cpuS).toBeLessThan(1.2);
  });
});
