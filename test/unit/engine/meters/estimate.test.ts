import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TDP_W, lookupTdp, normaliseCpuName } from '../../../../src-main/engine/meters/cpu-tdp';
import { CpuTdpEstimateMeter, IDLE_SHARE } from '../../../../src-main/engine/meters/estimate';
import { MeterSet } from '../../../../src-main/engine/meters/meter-set';
import type { Provenance } from '../../../../src-main/shared/types';
import { tmpDir } from '../../../helpers/tmp';

/** A fixture /proc whose stat counters the test advances. */
function fakeProc(model: string) {
  const root = tmpDir();
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'cpuinfo'), `processor\t: 0\nmodel name\t: ${model}\n`);
  const setStat = (busy: number, idle: number) =>
    // user nice system idle iowait irq softirq steal
    writeFileSync(join(root, 'stat'), `cpu  ${busy} 0 0 ${idle} 0 0 0 0 0 0\ncpu0 ${busy} 0 0 ${idle} 0 0 0 0 0 0\n`);
  setStat(0, 0);
  return { root, setStat };
}

describe('CPU TDP table', () => {
  it('finds a CPU by its /proc/cpuinfo name', () => {
    expect(normaliseCpuName('Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz')).toBe('intel xeon gold 6130');
    expect(lookupTdp('Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz')).toMatchObject({ tdpW: 125, matched: true });
    expect(lookupTdp('AMD Ryzen 7 5800X 8-Core Processor')).toMatchObject({ tdpW: 105, matched: true });
  });

  it('falls back to the documented default for a CPU it cannot identify, and says so', () => {
    const m = lookupTdp('AMD EPYC');
    expect(m).toEqual({ tdpW: DEFAULT_TDP_W, matched: false, source: `default ${DEFAULT_TDP_W} W: CPU model "AMD EPYC" is not in the bundled table` });
  });
});

describe('estimate meter', () => {
  it('integrates TDP × utilisation over time and labels every figure as an estimate', () => {
    const proc = fakeProc('Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz');
    let now = 0;
    const meter = new CpuTdpEstimateMeter({ procRoot: proc.root });
    const set = new MeterSet([meter], { clock: () => now });
    set.poll();
    set.begin('w');
    // 2 s at 50% utilisation, then 1 s at 100%
    now = 2000;
    proc.setStat(100, 100);
    set.poll();
    now = 3000;
    proc.setStat(200, 100);
    const w = set.end('w', 'train');
    const tdp = 125;
    const expected = 2 * tdp * (IDLE_SHARE + (1 - IDLE_SHARE) * 0.5) + 1 * tdp * (IDLE_SHARE + (1 - IDLE_SHARE) * 1);
    expect(w.durationS).toBe(3);
    expect(w.domains).toHaveLength(1);
    expect(w.domains[0]!.domain).toBe('cpu-package');
    expect(w.domains[0]!.energyJ).toBeCloseTo(expected, 9);
    expect(w.domains[0]!.provenance).toEqual({
      method: 'estimated',
      source: 'cpu-tdp-estimate',
      model: 'tdp-linear-utilisation',
      inputs: expect.objectContaining({ tdpW: 125, tdpSource: 'cpu-tdp-watts.csv: "intel xeon gold 6130"', cpuModel: expect.stringContaining('Gold 6130') }),
      uncertaintyRel: 0.4,
    });
  });

  it('states a wider uncertainty when the TDP is the default', () => {
    const proc = fakeProc('Mystery Chip 9000');
    const meter = new CpuTdpEstimateMeter({ procRoot: proc.root });
    const p = meter.provenance();
    expect(p).toMatchObject({ method: 'estimated', uncertaintyRel: 0.6, inputs: { tdpW: DEFAULT_TDP_W } });
    expect(meter.info().detail).toMatch(/not in the bundled table.*±60%/);
  });

  it("says on a virtual machine that the whole processor's TDP likely makes the estimate too high (walks 47, 48)", () => {
    const proc = fakeProc('AMD EPYC');
    const bare = new CpuTdpEstimateMeter({ procRoot: proc.root });
    const inputs = (m: CpuTdpEstimateMeter) => (m.provenance() as Extract<Provenance, { method: 'estimated' }>).inputs;
    expect(inputs(bare).virtualMachine).toBeUndefined();
    expect(bare.info().detail).not.toMatch(/virtual machine/);
    writeFileSync(join(proc.root, 'cpuinfo'), 'processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu vme sse2 hypervisor lahf_lm\n');
    const vm = new CpuTdpEstimateMeter({ procRoot: proc.root });
    expect(inputs(vm).virtualMachine).toBe('yes');
    expect(vm.info().detail).toMatch(/±60%; on a virtual machine the TDP is the whole processor's, which it shares with other machines, so this is likely too high$/);
  });

  it('never reports zero for an idle machine: idle power is still drawn', () => {
    const proc = fakeProc('Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz');
    let now = 0;
    const set = new MeterSet([new CpuTdpEstimateMeter({ procRoot: proc.root })], { clock: () => now });
    set.poll();
    set.begin('idle');
    now = 1000;
    proc.setStat(0, 100);
    const w = set.end('idle', 'idle');
    expect(w.domains[0]!.energyJ).toBeCloseTo(125 * IDLE_SHARE, 9);
  });
});
