import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeterSet } from '../../../../src-main/engine/meters/meter-set';
import { detectRapl, RaplMeter } from '../../../../src-main/engine/meters/rapl';
import { ROOT } from '../../../helpers/cli';
import { unreachableByNobody } from '../../../helpers/nobody';
import { powercapTree } from '../../../helpers/sysfs';
import { tmpDir } from '../../../helpers/tmp';

const PKG = { dir: 'intel-rapl:0', name: 'package-0' };
const DRAM = { dir: 'intel-rapl:0:1', name: 'dram' };
const CORE = { dir: 'intel-rapl:0:0', name: 'core' };

function meterOn(root: string): RaplMeter {
  const d = detectRapl(root);
  if (!d.ok) throw new Error(d.info.detail);
  return d.meter as RaplMeter;
}

/** Drives a counter through a scripted trace: one value per 100 ms poll. */
function replay(tree: ReturnType<typeof powercapTree>, dir: string, trace: number[], set: MeterSet, clock: { now: number }) {
  for (const v of trace) {
    clock.now += 100;
    tree.set(dir, v);
    set.poll();
  }
}

// as root the test reads as uid 65534, who must reach the checkout (not a clone in a folder only root may enter)
const unreadableAsNobody = process.getuid?.() === 0 ? unreachableByNobody([join(ROOT, 'src-main/engine/meters/rapl.ts'), join(ROOT, 'node_modules/tsx')]) : null;

describe('RAPL', () => {
  it('reads package and dram, never adds core into package, and labels them measured', () => {
    const tree = powercapTree([
      { ...PKG, maxRangeUj: 262143328850 },
      { ...CORE, maxRangeUj: 262143328850 },
      { ...DRAM, maxRangeUj: 65712999613 },
    ]);
    const meter = meterOn(tree.root);
    expect(meter.domains).toEqual(['cpu-package:0', 'dram:0']);
    expect(meter.provenance('cpu-package:0')).toEqual({
      method: 'measured',
      source: 'rapl',
      counter: join(tree.root, 'intel-rapl:0', 'energy_uj'),
      resolutionJ: 1e-6,
      uncertaintyRel: null,
    });
  });

  it('counts a wrap once', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: 1_000_000_000 }]);
    tree.set(PKG.dir, 990_000_000);
    const clock = { now: 0 };
    const set = new MeterSet([meterOn(tree.root)], { clock: () => clock.now });
    set.poll();
    set.begin('w');
    // 10 J per 100 ms (100 W); the counter wraps past 1,000 J
    replay(tree, PKG.dir, [1_000_000_000 - 0, 10_000_000, 20_000_000], set, clock);
    const w = set.end('w', 'train');
    expect(w.domains[0]!.energyJ).toBeCloseTo(30, 6);
    expect(w.flags).toBeUndefined();
  });

  it('counts three wraps inside one window', () => {
    // a 25 J range at 100 W wraps every 250 ms: a 1 s window holds four wraps
    const range = 25_000_000;
    const tree = powercapTree([{ ...PKG, maxRangeUj: range }]);
    const clock = { now: 0 };
    const set = new MeterSet([meterOn(tree.root)], { clock: () => clock.now });
    set.poll();
    set.begin('w');
    const trace = Array.from({ length: 10 }, (_, i) => ((i + 1) * 10_000_000) % range);
    replay(tree, PKG.dir, trace, set, clock);
    const w = set.end('w', 'train');
    expect(w.domains[0]!.energyJ).toBeCloseTo(100, 6);
    expect(w.durationS).toBeCloseTo(1, 9);
  });

  it('polls fast enough to see every wrap: the interval follows the range and the highest power', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: 25_000_000 }]);
    // 25 J at 400 W (the assumed ceiling) takes 62.5 ms to wrap: poll at least every 31 ms
    expect(new MeterSet([meterOn(tree.root)]).pollMs).toBeCloseTo(31.25, 2);
    const big = powercapTree([{ ...PKG, maxRangeUj: 262143328850 }]);
    expect(new MeterSet([meterOn(big.root)]).pollMs).toBe(100);
  });

  it('de-duplicates an MMIO zone that repeats an MSR zone', () => {
    const tree = powercapTree([
      { ...PKG, maxRangeUj: 1e9 },
      { dir: 'intel-rapl-mmio:0', name: 'package-0', maxRangeUj: 1e9 },
      { dir: 'intel-rapl:1', name: 'psys', maxRangeUj: 1e9 },
    ]);
    const meter = meterOn(tree.root);
    expect(meter.domains).toEqual(['cpu-package:0', 'platform:psys']);
    expect(meter.provenance('cpu-package:0').method === 'measured' && meter.provenance('cpu-package:0')).toMatchObject({
      counter: expect.stringContaining('intel-rapl:0/energy_uj'),
    });
  });

  it('works without a dram zone', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: 1e9 }]);
    expect(meterOn(tree.root).domains).toEqual(['cpu-package:0']);
  });

  it('flags a counter reset instead of counting a huge jump', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: 1_000_000_000_000 }]);
    tree.set(PKG.dir, 500_000_000);
    const clock = { now: 0 };
    const set = new MeterSet([meterOn(tree.root)], { clock: () => clock.now });
    set.poll();
    set.begin('w');
    replay(tree, PKG.dir, [510_000_000, 1_000_000, 11_000_000], set, clock);
    const w = set.end('w', 'train');
    // 10 J, then the reset interval counted at the last known 100 W (the raw 1 J after a reset
    // says nothing about the interval), then 10 J
    expect(w.domains[0]!.energyJ).toBeCloseTo(30, 6);
    expect(w.domains[0]!.unreliable).toBe(true);
    expect(w.flags).toEqual([expect.objectContaining({ domain: 'cpu-package:0', kind: 'reset' })]);
  });

  it('flags a counter that stops moving', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: 1e12 }]);
    const clock = { now: 0 };
    const set = new MeterSet([meterOn(tree.root)], { clock: () => clock.now });
    set.poll();
    set.begin('w');
    replay(tree, PKG.dir, Array.from({ length: 30 }, () => 7), set, clock);
    const w = set.end('w', 'train');
    expect(w.flags).toEqual([expect.objectContaining({ kind: 'stale', message: expect.stringMatching(/has not moved for 2\.\d s/) })]);
  });

  it('flags a counter that becomes unreadable mid-window rather than reporting zero', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: 1e12 }]);
    const clock = { now: 0 };
    const set = new MeterSet([meterOn(tree.root)], { clock: () => clock.now });
    set.poll();
    set.begin('w');
    replay(tree, PKG.dir, [10_000_000], set, clock);
    rmSync(join(tree.root, PKG.dir, 'energy_uj'));
    clock.now += 100;
    const w = set.end('w', 'train');
    expect(w.flags).toEqual([expect.objectContaining({ kind: 'unreadable', message: expect.stringMatching(/cannot read .*energy_uj/) })]);
    expect(w.domains[0]).toMatchObject({ energyJ: 10, unreliable: true });
  });

  it.skipIf(unreadableAsNobody === null)(`permission test skipped: ${unreadableAsNobody ?? ''}`, () => undefined);

  it.skipIf(unreadableAsNobody !== null)('says permission denied plainly and gives the fixes (file made unreadable by the test)', () => {
    const tree = powercapTree([{ ...PKG, maxRangeUj: 1e9 }]);
    const file = join(tree.root, PKG.dir, 'energy_uj');
    chmodSync(file, 0o400);
    // root reads anything: read it as an unprivileged user, as a desktop user would
    const asRoot = process.getuid?.() === 0;
    const script = join(tmpDir(), 'probe.mts');
    writeFileSync(
      script,
      `import { detectRapl } from ${JSON.stringify(join(ROOT, 'src-main/engine/meters/rapl.ts'))};\nconsole.log(JSON.stringify(detectRapl(${JSON.stringify(tree.root)})));\n`,
    );
    chmodSync(join(script, '..'), 0o755);
    chmodSync(script, 0o644);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      encoding: 'utf8',
      ...(asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: '/tmp' } } : {}),
    });
    expect(r.stderr).toBe('');
    const d = JSON.parse(r.stdout) as { ok: boolean; info: { status: string; detail: string } };
    expect(d.ok).toBe(false);
    expect(d.info.status).toBe('error');
    expect(d.info.detail).toMatch(/energy_uj is readable only by root \(the default since CVE-2020-8694\)/);
    expect(d.info.detail).toContain('ACTION=="add", SUBSYSTEM=="powercap", RUN+="/bin/chmod a+r %S%p/energy_uj"');
    expect(d.info.detail).toMatch(/sudo chmod a\+r/);
    expect(d.info.detail).toMatch(/run ECOpt as root/);
  });
});
