/**
 * Every counter fault a user has met, reproduced on fixture counters (a powercap tree, hwmon
 * trees, the stub NVML library, a fake nvidia-smi) under a scripted clock, with known watts:
 * each test asserts the flag and the figure.
 */
import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnergyWindow, MeterFlagKind } from '../../../../src-main/shared/types';
import { detectAmdEnergy, detectAmdGpu } from '../../../../src-main/engine/meters/amd';
import { emptyPowerStats, type PowerStats } from '../../../../src-main/engine/meters/counter';
import { aliasingVerdict, isSupersetDomain, MeterSet, totalEnergyJ } from '../../../../src-main/engine/meters/meter-set';
import { detectNvidiaSmi } from '../../../../src-main/engine/meters/nvidia-smi';
import { detectNvml } from '../../../../src-main/engine/meters/nvml';
import { detectRapl } from '../../../../src-main/engine/meters/rapl';
import type { Detection, Meter } from '../../../../src-main/engine/meters/types';
import { hwmonTree, nvmlStub, powercapTree } from '../../../helpers/sysfs';
import { tmpDir } from '../../../helpers/tmp';

const BIG_RANGE_UJ = 262_143_328_850;
const PKG = { dir: 'intel-rapl:0', name: 'package-0' };
const DRAM = { dir: 'intel-rapl:0:1', name: 'dram' };
const PSYS = { dir: 'intel-rapl:1', name: 'psys' };

function ok(d: Detection): Meter {
  if (!d.ok) throw new Error(d.info.detail);
  return d.meter;
}

function kinds(w: EnergyWindow, domain?: string): MeterFlagKind[] {
  return (w.flags ?? []).filter((f) => domain === undefined || f.domain === domain).map((f) => f.kind);
}

function fig(w: EnergyWindow, domain: string) {
  const d = w.domains.find((x) => x.domain === domain);
  if (!d) throw new Error(`no ${domain} in the window`);
  return d;
}

/** Within 1% of the truth. */
function near(actualJ: number, truthJ: number): void {
  expect(Math.abs(actualJ - truthJ) / truthJ).toBeLessThan(0.01);
}

/**
 * One energy counter in a fixture, driven like hardware: it integrates a known power as the
 * scripted clock advances; it can freeze, vanish, reset, or jump. `write(null)` removes it.
 */
interface Device {
  energyUj: number;
  powerW: number;
  frozen: boolean;
  gone: boolean;
  write(valueUj: number | null): void;
}

function device(write: (valueUj: number | null) => void, startUj = 1_000_000, powerW = 100): Device {
  const d: Device = { energyUj: startUj, powerW, frozen: false, gone: false, write };
  write(startUj);
  return d;
}

/** A scripted machine: every step advances the clock, the devices, and polls the meter set. */
function rig(meters: Meter[], devices: Device[], options: { rangeUj?: number } = {}) {
  const clock = { now: 0 };
  const set = new MeterSet(meters, { clock: () => clock.now });
  const push = () => {
    for (const d of devices) d.write(d.gone ? null : options.rangeUj ? Math.round(d.energyUj) % options.rangeUj : Math.round(d.energyUj));
  };
  return {
    clock,
    set,
    /** `n` polls `everyMs` apart. */
    run(n: number, everyMs = 100) {
      for (let i = 0; i < n; i++) {
        clock.now += everyMs;
        for (const d of devices) if (!d.frozen) d.energyUj += d.powerW * everyMs * 1000;
        push();
        expect(() => set.poll()).not.toThrow();
      }
    },
    push,
  };
}

function raplDevice(tree: ReturnType<typeof powercapTree>, dir: string, rangeUj: number, startUj = 1_000_000, powerW = 100): Device {
  return device((v) => (v === null ? tree.remove(dir) : tree.set(dir, v % rangeUj)), startUj, powerW);
}

const STUB_VARS = ['STUB_NVML_GPUS', 'STUB_NVML_ENERGY', 'STUB_NVML_POWER_MW', 'STUB_NVML_ENERGY_FILE', 'STUB_NVML_POWER_FILE'];
afterEach(() => {
  for (const v of STUB_VARS) delete process.env[v];
});

/** The stub NVML with its energy counter (mJ) and power (mW) scripted through files. */
function scriptedNvml(options: { energyCounter: boolean }) {
  const dir = tmpDir();
  const energyFile = join(dir, 'energy_mj');
  const powerFile = join(dir, 'power_mw');
  writeFileSync(energyFile, '1000');
  writeFileSync(powerFile, '100000');
  process.env.STUB_NVML_ENERGY_FILE = energyFile;
  process.env.STUB_NVML_POWER_FILE = powerFile;
  process.env.STUB_NVML_ENERGY = options.energyCounter ? '1' : '0';
  const meter = ok(detectNvml({ ECOPT_NVML_LIBRARY: nvmlStub() }));
  return {
    meter,
    /** µJ in, as the other devices: the counter is in mJ. */
    energy: (v: number | null) => writeFileSync(energyFile, v === null ? 'lost' : String(Math.round(v / 1000))),
    power: (w: number | null) => writeFileSync(powerFile, w === null ? 'lost' : String(Math.round(w * 1000))),
  };
}

describe('fault 1: psys is the whole platform, never added to package and DRAM', () => {
  it('reports the package + DRAM total and keeps psys as its own platform domain', () => {
    const tree = powercapTree([
      { ...PKG, maxRangeUj: BIG_RANGE_UJ },
      { ...DRAM, maxRangeUj: 65_712_999_613 },
      { ...PSYS, maxRangeUj: BIG_RANGE_UJ },
    ]);
    const meter = ok(detectRapl(tree.root));
    expect(meter.domains).toEqual(['cpu-package:0', 'dram:0', 'platform:psys']);
    // the platform draws 50 W, of which the package 30 W and DRAM 5 W
    const pkg = raplDevice(tree, PKG.dir, BIG_RANGE_UJ, 1_000_000, 30);
    const dram = raplDevice(tree, DRAM.dir, 65_712_999_613, 1_000_000, 5);
    const psys = raplDevice(tree, PSYS.dir, BIG_RANGE_UJ, 1_000_000, 50);
    const r = rig([meter], [pkg, dram, psys]);
    r.set.poll();
    r.set.begin('train');
    r.run(20);
    expect(r.set.peek('train')).toBeCloseTo(70, 6);
    const w = r.set.end('train', 'train');
    near(fig(w, 'cpu-package:0').energyJ, 60);
    near(fig(w, 'dram:0').energyJ, 10);
    near(fig(w, 'platform:psys').energyJ, 100);
    // 2 s × 35 W: before the fix, 2 s × 85 W (1.7× the platform's own 100 J)
    near(totalEnergyJ(w), 70);
    expect(isSupersetDomain('platform:psys')).toBe(true);
    expect(['cpu-package:0', 'dram:0', 'gpu:0'].map(isSupersetDomain)).toEqual([false, false, false]);
    expect(w.flags).toBeUndefined();
  });

  it('counts psys where no package or DRAM domain is measured', () => {
    const w: EnergyWindow = {
      phase: 'train',
      startedAtMs: 0,
      durationS: 1,
      domains: [
        { domain: 'platform:psys', energyJ: 40, provenance: { method: 'measured', source: 'rapl', counter: 'x', resolutionJ: 1e-6, uncertaintyRel: null } },
        { domain: 'gpu:0', energyJ: 100, provenance: { method: 'measured', source: 'nvml', counter: 'y', resolutionJ: 1e-3, uncertaintyRel: null } },
      ],
    };
    expect(totalEnergyJ(w)).toBe(140);
  });
});

describe('fault 2: a counter file that vanishes mid-study is flagged and polling goes on', () => {
  const hwmonCases = [
    { what: 'amdgpu energy1_input', name: 'amdgpu', file: 'energy1_input', domain: 'gpu:amd0', detect: detectAmdGpu, power: false },
    { what: 'amdgpu power1_average', name: 'amdgpu', file: 'power1_average', domain: 'gpu:amd0', detect: detectAmdGpu, power: true },
    { what: 'amd_energy Esocket0', name: 'amd_energy', file: 'energy1_input', domain: 'cpu-package:0', detect: detectAmdEnergy, power: false },
  ];
  for (const c of hwmonCases) {
    it(`${c.what}: no crash, one unreadable flag, the readable part counted and marked unreliable`, () => {
      const files: Record<string, string | number> = { [c.file]: c.power ? 200_000_000 : 1_000_000 };
      if (c.name === 'amd_energy') files.energy1_label = 'Esocket0';
      const tree = hwmonTree([{ name: c.name, files }]);
      const meter = ok(c.detect(tree.root));
      const dev = device((v) => {
        if (v === null) tree.remove(0, c.file);
        else tree.set(0, c.file, c.power ? 200_000_000 : v);
      }, 1_000_000, 200);
      const r = rig([meter], [dev]);
      r.set.poll();
      r.set.begin('w');
      r.run(10); // 1 s at 200 W
      dev.gone = true;
      r.run(10); // ten polls that cannot read it: none throws
      const w = r.set.end('w', 'train');
      expect(w.flags).toEqual([expect.objectContaining({ domain: c.domain, kind: 'unreadable', message: expect.stringMatching(/cannot read .*ENOENT.*the file is gone/) })]);
      expect(fig(w, c.domain).unreliable).toBe(true);
      near(fig(w, c.domain).energyJ, 200);
    });
  }

  it('a counter replaced by something unreadable (a directory) at detection is an error, not a crash', () => {
    const tree = hwmonTree([{ name: 'amdgpu', files: {} }]);
    mkdirSync(tree.path(0, 'energy1_input'));
    const d = detectAmdGpu(tree.root);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.info).toMatchObject({ status: 'error', detail: expect.stringMatching(/cannot read .*energy1_input: EISDIR/) });
  });

  it('NVML: a failing energy call (GPU lost) is flagged with its code and polling goes on', () => {
    const nv = scriptedNvml({ energyCounter: true });
    nv.power(150);
    const dev = device(nv.energy, 1_000_000, 150);
    const r = rig([nv.meter], [dev]);
    r.set.poll();
    r.set.begin('w');
    r.run(10);
    dev.gone = true;
    r.run(10);
    const w = r.set.end('w', 'train');
    expect(kinds(w)).toEqual(['unreadable']);
    expect(w.flags![0]!.message).toMatch(/nvmlDeviceGetTotalEnergyConsumption\(gpu 0: Stub GPU 0\) failed \(code 15, NVML_ERROR_GPU_IS_LOST/);
    near(fig(w, 'gpu:0').energyJ, 150);
    expect(fig(w, 'gpu:0').unreliable).toBe(true);
  });

  it('NVML without the counter: a failing power call is flagged, the gap not integrated', () => {
    const nv = scriptedNvml({ energyCounter: false });
    nv.power(150);
    const clock = { now: 0 };
    const set = new MeterSet([nv.meter], { clock: () => clock.now });
    const step = (n: number, w: number | null) => {
      for (let i = 0; i < n; i++) {
        clock.now += 100;
        nv.power(w);
        expect(() => set.poll()).not.toThrow();
      }
    };
    set.poll();
    set.begin('w');
    step(10, 150); // 150 J
    step(5, null);
    step(11, 150); // the first re-baselines: 10 intervals, 150 J
    const w = set.end('w', 'train');
    expect(kinds(w)).toEqual(['unreadable']);
    expect(w.flags![0]!.message).toMatch(/nvmlDeviceGetFieldValues\(gpu 0: Stub GPU 0, NVML_FI_DEV_POWER_INSTANT\) failed \(code 15/);
    near(fig(w, 'gpu:0').energyJ, 300);
    expect(fig(w, 'gpu:0').unreliable).toBe(true);
  });

  it('nvidia-smi: "[N/A]" readings and an exited stream are flagged, the gap not integrated', async () => {
    const dir = tmpDir();
    const smi = join(dir, 'nvidia-smi');
    writeFileSync(
      smi,
      `#!/bin/sh
case "$*" in
  *index,name*) echo "0, Stub Smi GPU" ;;
  *-lms*) echo $$ > "$0.pid"; touch "$0.stream"; exec tail -n +1 -f "$0.stream" ;;
esac
`,
    );
    chmodSync(smi, 0o755);
    const clock = { now: 0 };
    const meter = ok(detectNvidiaSmi(smi, () => clock.now));
    const set = new MeterSet([meter], { clock: () => clock.now });
    let seen = 0;
    const until = async (cond: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!cond()) {
        if (Date.now() > deadline) throw new Error('the fake nvidia-smi did not deliver');
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const readings = () => meter.powerStats!()['gpu:0']!.readings;
    const line = async (text: string) => {
      clock.now += 100;
      appendFileSync(`${smi}.stream`, `0, ${text}\n`);
      if (text === '[N/A]') await until(() => (meter.activeFlags?.() ?? []).length > 0);
      else await until(() => readings() === seen + 1);
      if (text !== '[N/A]') seen += 1;
      set.poll();
    };
    try {
      for (let i = 0; i < 11; i++) await line('120.00');
      set.begin('w');
      for (let i = 0; i < 10; i++) await line('120.00'); // 120 J
      for (let i = 0; i < 5; i++) await line('[N/A]');
      for (let i = 0; i < 11; i++) await line('120.00'); // the first re-baselines: 120 J
      const w = set.end('w', 'train');
      expect(w.flags).toEqual([expect.objectContaining({ domain: 'gpu:0', kind: 'unreadable', message: expect.stringContaining('power.draw "[N/A]"') })]);
      near(fig(w, 'gpu:0').energyJ, 240);
      expect(fig(w, 'gpu:0').unreliable).toBe(true);
      expect(fig(w, 'gpu:0').provenance).toMatchObject({ method: 'measured', counter: expect.stringMatching(/sampled every ~100 ms/) });

      set.begin('after');
      process.kill(Number(readFileSync(`${smi}.pid`, 'utf8')), 'SIGTERM');
      await until(() => {
        clock.now += 1;
        set.poll();
        return (meter.activeFlags?.() ?? []).length > 0;
      });
      const after = set.end('after', 'train');
      expect(after.flags).toEqual([expect.objectContaining({ kind: 'unreadable', message: expect.stringMatching(/exited .*no more power readings/) })]);
      expect(fig(after, 'gpu:0')).toMatchObject({ energyJ: 0, unreliable: true });
    } finally {
      set.stop();
    }
  });
});

/** The counter sources that can go stale, each behind a uniform device. */
function staleSources() {
  return [
    {
      what: 'RAPL',
      make: () => {
        const tree = powercapTree([{ ...PKG, maxRangeUj: BIG_RANGE_UJ }]);
        return { meter: ok(detectRapl(tree.root)), dev: raplDevice(tree, PKG.dir, BIG_RANGE_UJ, 1_000_000, 50), domain: 'cpu-package:0' };
      },
    },
    {
      what: 'amdgpu energy1_input',
      make: () => {
        const tree = hwmonTree([{ name: 'amdgpu', files: { energy1_input: 1 } }]);
        return { meter: ok(detectAmdGpu(tree.root)), dev: device((v) => v !== null && tree.set(0, 'energy1_input', v), 1_000_000, 50), domain: 'gpu:amd0' };
      },
    },
    {
      what: 'NVML total-energy counter',
      make: () => {
        const nv = scriptedNvml({ energyCounter: true });
        nv.power(50);
        return { meter: nv.meter, dev: device(nv.energy, 1_000_000, 50), domain: 'gpu:0' };
      },
    },
  ];
}

describe('fault 3: a stale counter flags every window it touches, never a clean 0 J', () => {
  for (const s of staleSources()) {
    it(`${s.what}: the window it went stale in, every window while it stays stale, and none after`, () => {
      const { meter, dev, domain } = s.make();
      const r = rig([meter], [dev]);
      r.set.poll();
      r.set.begin('train');
      r.run(10); // 1 s at 50 W
      dev.frozen = true;
      r.run(30);
      const train = r.set.end('train', 'train');
      // (NVML also says its power readings disagree with the frozen counter: they do)
      expect(kinds(train, domain).filter((k) => k !== 'mismatch')).toEqual(['stale']);
      expect(train.flags![0]!.message).toMatch(/has not moved for 2\.\d s/);
      expect(fig(train, domain)).toMatchObject({ energyJ: expect.closeTo(50, 6), unreliable: true });

      // windows opened while it stays stale: before the fix, "0 J, measured" with no flag
      r.set.begin('infer');
      r.run(15);
      const infer = r.set.end('infer', 'infer');
      expect(kinds(infer, domain)).toContain('stale');
      expect(fig(infer, domain)).toMatchObject({ energyJ: 0, unreliable: true });
      r.set.begin('evaluate');
      r.run(3);
      const evaluate = r.set.end('evaluate', 'evaluate');
      expect(kinds(evaluate, domain)).toContain('stale');
      expect(fig(evaluate, domain)).toMatchObject({ energyJ: 0, unreliable: true });

      dev.frozen = false;
      r.run(1);
      r.set.begin('later');
      r.run(20);
      const later = r.set.end('later', 'train');
      expect(later.flags).toBeUndefined();
      expect(fig(later, domain).unreliable).toBeUndefined();
      near(fig(later, domain).energyJ, 100);
    });
  }

  it('a counter that stops at the start of a window shorter than the stale delay still does not read a clean 0 J', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: BIG_RANGE_UJ }]);
    const dev = raplDevice(tree, PKG.dir, BIG_RANGE_UJ, 1_000_000, 50);
    const r = rig([ok(detectRapl(tree.root))], [dev]);
    r.run(5);
    dev.frozen = true;
    r.set.begin('infer');
    r.run(15);
    const w = r.set.end('infer', 'infer');
    expect(w.flags).toEqual([expect.objectContaining({ kind: 'stale', message: expect.stringMatching(/read 0 J over 1\.500 s: the counter did not move/) })]);
    expect(fig(w, 'cpu-package:0')).toMatchObject({ energyJ: 0, unreliable: true });
  });
});

describe('fault 4: a backwards jump to a non-zero value is a reset, its raw value never counted', () => {
  it('RAPL: 200 kJ → 100 kJ counts the interval at the recent power, not +100 kJ', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: BIG_RANGE_UJ }]);
    const dev = raplDevice(tree, PKG.dir, BIG_RANGE_UJ, 200_000_000_000, 100);
    const r = rig([ok(detectRapl(tree.root))], [dev]);
    r.set.poll();
    r.set.begin('w');
    r.run(5);
    dev.energyUj = 100_000_000_000 - 100 * 100 * 1000; // lands on 100 kJ at the next poll
    r.run(5);
    const w = r.set.end('w', 'train');
    expect(w.flags).toEqual([
      expect.objectContaining({
        domain: 'cpu-package:0',
        kind: 'reset',
        message: expect.stringMatching(
          /went backwards \(200050000000 → 100000000000; as a wrap it would mean \d+\.\d W, above the 400\.0 W plausible now\): it was reset; its raw value is not energy, so the 100 ms interval is counted at the recent 100\.0 W/,
        ),
      }),
    ]);
    expect(fig(w, 'cpu-package:0').unreliable).toBe(true);
    near(fig(w, 'cpu-package:0').energyJ, 100); // 1 s at 100 W; before the fix 100,090 J
  });

  it('RAPL: a forward jump faster than the package can draw is a reset too', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: BIG_RANGE_UJ }]);
    const dev = raplDevice(tree, PKG.dir, BIG_RANGE_UJ, 1_000_000, 100);
    const r = rig([ok(detectRapl(tree.root))], [dev]);
    r.set.poll();
    r.set.begin('w');
    r.run(5);
    dev.energyUj += 100_000_000_000;
    r.run(5);
    const w = r.set.end('w', 'train');
    expect(w.flags).toEqual([expect.objectContaining({ kind: 'reset', message: expect.stringMatching(/jumped forward by 100010\.0 J in 100 ms/) })]);
    near(fig(w, 'cpu-package:0').energyJ, 100);
  });

  // Seen on an H200 (driver 580): the counter moved twice 6 ms apart, the second time by a whole
  // ~100 ms update (19.8 J at ~200 W). Judged over the 6 ms it read as 3,209 W: a false reset,
  // the 19.8 J replaced by 0.55 J and an evaluate window marked unreliable.
  it('NVML: a whole update arriving soon after the last move is energy, not a reset; a real jump still is', () => {
    const nv = scriptedNvml({ energyCounter: true });
    nv.power(200);
    const clock = { now: 0 };
    const set = new MeterSet([nv.meter], { clock: () => clock.now });
    let uj = 1_000_000_000;
    const read = (afterMs: number, addJ: number) => {
      clock.now += afterMs;
      uj += addJ * 1e6;
      nv.energy(uj);
      set.poll();
    };
    read(0, 0);
    set.begin('w');
    for (let i = 0; i < 10; i++) read(100, 20); // 200 W, one update per poll
    read(94, 0.001); // a 1 mJ move
    read(6, 19.8); // then a whole update 6 ms later
    for (let i = 0; i < 10; i++) read(100, 20);
    const w = set.end('w', 'train');
    expect(w.flags).toBeUndefined();
    near(fig(w, 'gpu:0').energyJ, 419.8);
    set.begin('jump');
    for (let i = 0; i < 10; i++) read(100, 20);
    read(100, 1000); // 10 kW for 100 ms: no GPU draws that
    const jump = set.end('jump', 'train');
    expect(jump.flags).toEqual([expect.objectContaining({ kind: 'reset', message: expect.stringMatching(/jumped forward by 1000\.0 J in 100 ms/) })]);
  });

  it('amdgpu energy1_input and the NVML counter (which never wrap): any step back is a reset', () => {
    const tree = hwmonTree([{ name: 'amdgpu', files: { energy1_input: 1 } }]);
    const amd = device((v) => v !== null && tree.set(0, 'energy1_input', v), 500_000_000, 200);
    const nv = scriptedNvml({ energyCounter: true });
    nv.power(150);
    const gpu = device(nv.energy, 800_000_000, 150);
    const r = rig([ok(detectAmdGpu(tree.root)), nv.meter], [amd, gpu]);
    r.set.poll();
    r.set.begin('w');
    r.run(10);
    amd.energyUj = 3_000_000;
    gpu.energyUj = 7_000_000;
    r.run(10);
    const w = r.set.end('w', 'train');
    expect(kinds(w, 'gpu:amd0')).toEqual(['reset']);
    expect(kinds(w, 'gpu:0')).toEqual(['reset']);
    near(fig(w, 'gpu:amd0').energyJ, 400);
    near(fig(w, 'gpu:0').energyJ, 300);
    expect([fig(w, 'gpu:amd0').unreliable, fig(w, 'gpu:0').unreliable]).toEqual([true, true]);
  });
});

describe('fault 5: after an unreadable gap the counter is re-baselined, and flags are one per window', () => {
  it('the gap is not dumped into the window, which is flagged once and marked unreliable', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: BIG_RANGE_UJ }]);
    const dev = raplDevice(tree, PKG.dir, BIG_RANGE_UJ, 1_000_000, 100);
    const r = rig([ok(detectRapl(tree.root))], [dev]);
    r.set.poll();
    r.set.begin('train');
    r.run(10); // 100 J
    dev.gone = true;
    r.run(20); // 2 s unreadable while the hardware goes on counting
    dev.gone = false;
    r.run(10); // the first reading re-baselines: 9 intervals, 90 J
    const train = r.set.end('train', 'train');
    // before the fix: 390 J (+105%) and twenty "cannot read" flags
    expect(train.flags).toEqual([expect.objectContaining({ domain: 'cpu-package:0', kind: 'unreadable' })]);
    expect(fig(train, 'cpu-package:0').unreliable).toBe(true);
    near(fig(train, 'cpu-package:0').energyJ, 190);

    r.set.begin('infer');
    r.run(10);
    const infer = r.set.end('infer', 'infer');
    expect(infer.flags).toBeUndefined();
    near(fig(infer, 'cpu-package:0').energyJ, 100);
  });

  it('a window opened during the gap is flagged, and counts only from the re-baseline', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: BIG_RANGE_UJ }]);
    const dev = raplDevice(tree, PKG.dir, BIG_RANGE_UJ, 1_000_000, 100);
    const r = rig([ok(detectRapl(tree.root))], [dev]);
    r.run(3);
    dev.gone = true;
    r.run(3);
    r.set.begin('w');
    r.run(5);
    dev.gone = false;
    r.run(10);
    const w = r.set.end('w', 'train');
    expect(kinds(w)).toEqual(['unreadable']);
    expect(fig(w, 'cpu-package:0')).toMatchObject({ energyJ: expect.closeTo(90, 6), unreliable: true });
  });
});

describe('fault 6: with a small range, a reset is not taken for a wrap', () => {
  it('a wrap at the recent power is counted; a reset whose "wrap" would need 10× that power is flagged', () => {
    const range = 50_000_000; // 50 J
    const tree = powercapTree([{ ...PKG, maxRangeUj: range }]);
    const dev = raplDevice(tree, PKG.dir, range, 41_000_000, 20); // 20 W: 2 J per poll
    const r = rig([ok(detectRapl(tree.root))], [dev], { rangeUj: range });
    r.run(2);
    r.set.begin('wrap');
    r.run(10); // 45 → 65 J: one real wrap
    const wrap = r.set.end('wrap', 'train');
    expect(wrap.flags).toBeUndefined();
    near(fig(wrap, 'cpu-package:0').energyJ, 20);

    r.set.begin('reset');
    r.run(4); // the counter reads 23 J
    // reset mid-interval: the next reading is 0.5 J; as a wrap it would be 27.5 J in 100 ms (275 W)
    dev.energyUj = 500_000 - 2_000_000;
    r.run(6);
    const reset = r.set.end('reset', 'train');
    expect(reset.flags).toEqual([expect.objectContaining({ kind: 'reset', message: expect.stringMatching(/as a wrap it would mean 275\.0 W, above the 80\.0 W plausible now/) })]);
    expect(fig(reset, 'cpu-package:0').unreliable).toBe(true);
    // 1 s at 20 W; before the fix the reset counted as a wrap: 45.5 J (+128%)
    near(fig(reset, 'cpu-package:0').energyJ, 20);
  });
});

describe('fault 7: a poll later than the wrap period is never silent', () => {
  it('a 232 ms poll over a 25 J range at 200 W: flagged, the hidden wrap inferred from the recent power', () => {
    const range = 25_000_000;
    const tree = powercapTree([{ ...PKG, maxRangeUj: range }]);
    const dev = raplDevice(tree, PKG.dir, range, 1_000_000, 200);
    const r = rig([ok(detectRapl(tree.root))], [dev], { rangeUj: range });
    r.run(50, 20); // 1 s of polls on time, every 20 ms (the wrap period at 400 W is 62.5 ms)
    r.set.begin('w');
    r.run(25, 20); // 100 J
    r.run(1, 232); // 46.4 J: the counter wraps once unseen
    r.run(10, 20); // 40 J
    const w = r.set.end('w', 'train');
    expect(w.flags).toEqual([expect.objectContaining({ kind: 'gap', message: expect.stringMatching(/read 232 ms after .* 1 wrap\(s\) of 25\.0 J were added/) })]);
    expect(fig(w, 'cpu-package:0').unreliable).toBe(true);
    near(fig(w, 'cpu-package:0').energyJ, 186.4); // before the fix: 161.4 J with no flag
  });

  it('a late poll that could have hidden a wrap is flagged even when none is inferred', () => {
    const range = 25_000_000;
    const tree = powercapTree([{ ...PKG, maxRangeUj: range }]);
    const dev = raplDevice(tree, PKG.dir, range, 1_000_000, 50);
    const r = rig([ok(detectRapl(tree.root))], [dev], { rangeUj: range });
    r.run(50, 20);
    r.set.begin('w');
    r.run(10, 20);
    r.run(1, 150);
    r.run(10, 20);
    const w = r.set.end('w', 'train');
    expect(w.flags).toEqual([expect.objectContaining({ kind: 'gap', message: expect.stringMatching(/read 150 ms after the previous reading, longer than the 63 ms in which its counter can wrap/) })]);
    expect(fig(w, 'cpu-package:0')).toMatchObject({ energyJ: expect.closeTo(27.5, 6), unreliable: true });
  });

  it('polls on time raise nothing', () => {
    const range = 25_000_000;
    const tree = powercapTree([{ ...PKG, maxRangeUj: range }]);
    const dev = raplDevice(tree, PKG.dir, range, 1_000_000, 200);
    const r = rig([ok(detectRapl(tree.root))], [dev], { rangeUj: range });
    r.run(10, 20);
    r.set.begin('w');
    r.run(100, 30);
    const w = r.set.end('w', 'train');
    expect(w.flags).toBeUndefined();
    near(fig(w, 'cpu-package:0').energyJ, 600);
  });
});

describe('fault 8: polled power either samples fast enough or is flagged aliasing', () => {
  /** A 10 Hz load: 300 W for 50 ms, 100 W for 50 ms (200 W mean), read as amdgpu power1_average. */
  const loadW = (tMs: number) => (((tMs % 100) + 100) % 100 < 50 ? 300 : 100);

  function amdgpuPower() {
    const tree = hwmonTree([{ name: 'amdgpu', files: { power1_average: 200_000_000 } }]);
    const clock = { now: 0 };
    const set = new MeterSet([ok(detectAmdGpu(tree.root))], { clock: () => clock.now });
    const at = (tMs: number, w: number) => {
      clock.now = tMs;
      tree.set(0, 'power1_average', w * 1e6);
      set.poll();
    };
    return { set, at };
  }

  it('a 10 Hz load polled about every 100 ms is flagged, with the sampling interval in the provenance', () => {
    const { set, at } = amdgpuPower();
    // polls about every 100 ms, a few ms early or late, as any timer fires: the phase wanders
    let seed = 7;
    const jitter = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 40 - 20;
    at(0, loadW(0));
    set.begin('w');
    let t = 0;
    for (let i = 1; i <= 30; i++) {
      t = i * 100 + jitter();
      at(t, loadW(t));
    }
    const w = set.end('w', 'train');
    expect(w.flags).toEqual([expect.objectContaining({ domain: 'gpu:amd0', kind: 'aliasing', message: expect.stringMatching(/load changes faster than it is sampled/) })]);
    expect(fig(w, 'gpu:amd0').unreliable).toBe(true);
    expect(fig(w, 'gpu:amd0').provenance).toMatchObject({ counter: expect.stringMatching(/power1_average \(average power, integrated between polls; sampled every ~\d+ ms\)/) });
    expect(fig(w, 'gpu:amd0').energyJ).toBeGreaterThan(0);
  });

  it('the same load sampled every 5 ms is not flagged, and its figure is right', () => {
    const { set, at } = amdgpuPower();
    at(0, loadW(0));
    set.begin('w');
    for (let t = 5; t <= 2000; t += 5) at(t, loadW(t));
    const w = set.end('w', 'train');
    expect(w.flags).toBeUndefined();
    near(fig(w, 'gpu:amd0').energyJ, 400);
    expect(fig(w, 'gpu:amd0').provenance).toMatchObject({ counter: expect.stringContaining('sampled every ~5 ms') });
  });

  it('a steady load polled every 100 ms is not flagged; a window of three readings is', () => {
    const { set, at } = amdgpuPower();
    at(0, 150);
    set.begin('w');
    for (let t = 100; t <= 2000; t += 100) at(t, 150);
    const w = set.end('w', 'train');
    expect(w.flags).toBeUndefined();
    near(fig(w, 'gpu:amd0').energyJ, 300);
    set.begin('short');
    for (let t = 2100; t <= 2300; t += 100) at(t, 150);
    const short = set.end('short', 'evaluate');
    expect(short.flags).toEqual([expect.objectContaining({ kind: 'aliasing', message: expect.stringMatching(/only 3 power reading\(s\) in this window \(sampled every ~100 ms\), fewer than 10/) })]);
    expect(fig(short, 'gpu:amd0')).toMatchObject({ energyJ: expect.closeTo(45, 6), unreliable: true });
  });

  it('NVML power without the counter is judged the same way', () => {
    const nv = scriptedNvml({ energyCounter: false });
    const clock = { now: 0 };
    const set = new MeterSet([nv.meter], { clock: () => clock.now });
    const at = (tMs: number) => {
      clock.now = tMs;
      nv.power(loadW(tMs));
      set.poll();
    };
    at(0);
    set.begin('w');
    for (let i = 1; i <= 30; i++) at(i * 100 + (i % 3) * 17 - 17);
    const w = set.end('w', 'train');
    expect(kinds(w)).toEqual(['aliasing']);
    expect(fig(w, 'gpu:0')).toMatchObject({ unreliable: true, provenance: { counter: expect.stringMatching(/polled and integrated \(sampled every ~\d+ ms\)/) } });
  });

  it('the criterion: a sine sampled 16 times a period passes, 3 times a period does not', () => {
    const stats = (perPeriod: number, n: number): PowerStats => {
      const s = emptyPowerStats();
      let prev: number | null = null;
      for (let i = 0; i < n; i++) {
        const w = 200 + 100 * Math.sin((2 * Math.PI * i) / perPeriod + 0.3);
        s.readings += 1;
        s.sumW += w;
        s.sumSqW += w * w;
        if (prev !== null) {
          s.steps += 1;
          s.sumAbsStepW += Math.abs(w - prev);
          s.sumStepMs += 100;
        }
        prev = w;
      }
      return s;
    };
    expect(aliasingVerdict(stats(16, 64))).toBeNull();
    expect(aliasingVerdict(stats(3.1, 64))).toMatch(/faster than it is sampled/);
  });
});

describe('fault 9: a window shorter than a few counter updates is flagged short-window', () => {
  it('NVML (a counter moving every ~100 ms): 8–30 ms windows read 0 J or a whole step, flagged; 2 s is clean', () => {
    const nv = scriptedNvml({ energyCounter: true });
    nv.power(150);
    const clock = { now: 0 };
    const set = new MeterSet([nv.meter], { clock: () => clock.now });
    // the device updates its counter every 100 ms at 150 W (15 J a step); polls every 2–10 ms
    const counterAt = (tMs: number) => 1_000_000 + Math.floor(tMs / 100) * 15_000_000;
    const to = (tMs: number, everyMs = 2) => {
      while (clock.now < tMs) {
        clock.now += everyMs;
        nv.energy(counterAt(clock.now));
        set.poll();
      }
    };
    to(1000, 10);
    const windows = [
      [1010, 1018], // 8 ms, no update inside: 0 J
      [1092, 1122], // 30 ms across an update: 15 J, +233%
    ];
    for (const [from, until] of windows) {
      to(from!);
      set.begin('evaluate');
      to(until!);
      const w = set.end('evaluate', 'evaluate');
      expect(kinds(w)).toEqual(['short-window']);
      expect(w.flags![0]!.message).toMatch(/under 10 updates of a counter that moves every ~100 ms/);
      expect(fig(w, 'gpu:0').unreliable).toBe(true);
    }
    to(2000, 10);
    set.begin('infer');
    to(4000, 10);
    const infer = set.end('infer', 'infer');
    expect(infer.flags).toBeUndefined();
    near(fig(infer, 'gpu:0').energyJ, 300);
  });

  it('RAPL (1 ms updates): an 8 ms window is flagged, a 30 ms one is not', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: BIG_RANGE_UJ }]);
    const dev = raplDevice(tree, PKG.dir, BIG_RANGE_UJ, 1_000_000, 100);
    const r = rig([ok(detectRapl(tree.root))], [dev]);
    r.run(5);
    r.set.begin('a');
    r.run(4, 2);
    const a = r.set.end('a', 'evaluate');
    expect(kinds(a)).toEqual(['short-window']);
    expect(fig(a, 'cpu-package:0')).toMatchObject({ energyJ: expect.closeTo(0.8, 6), unreliable: true });
    r.set.begin('b');
    r.run(3, 10);
    const b = r.set.end('b', 'evaluate');
    expect(b.flags).toBeUndefined();
    near(fig(b, 'cpu-package:0').energyJ, 3);
  });
});

describe('whatever the counter does, no window is negative and no zero is silent', () => {
  it('survives a random mix of wraps, resets, jumps, freezes, vanishing files and late polls', () => {
    const range = 40_000_000;
    const tree = powercapTree([{ ...PKG, maxRangeUj: range }]);
    const dev = raplDevice(tree, PKG.dir, range, 1_000_000, 60);
    const r = rig([ok(detectRapl(tree.root))], [dev], { rangeUj: range });
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 40; k++) {
      r.set.begin('w');
      const steps = 1 + Math.floor(rand() * 20);
      for (let i = 0; i < steps; i++) {
        const x = rand();
        dev.frozen = x < 0.1;
        dev.gone = x > 0.95;
        dev.powerW = 20 + rand() * 100;
        if (x > 0.9 && x <= 0.95) dev.energyUj = Math.floor(rand() * range);
        r.run(1, x > 0.85 && x <= 0.9 ? 400 : 20 + Math.floor(rand() * 30));
      }
      const w = r.set.end('w', 'train');
      const d = fig(w, 'cpu-package:0');
      expect(d.energyJ).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(d.energyJ)).toBe(true);
      if (d.energyJ === 0) expect(d.unreliable).toBe(true);
      if (d.unreliable) expect(kinds(w).length).toBeGreaterThan(0);
      const keys = (w.flags ?? []).map((f) => `${f.domain}/${f.kind}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});
