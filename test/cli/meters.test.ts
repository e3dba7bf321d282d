import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { powercapTree } from '../helpers/sysfs';
import { tmpDir } from '../helpers/tmp';
import { quickSpec, writeSpec } from '../helpers/specs';

describe('ecopt meters', () => {
  it('on a machine with no counters says plainly that every figure will be estimated, and why', async () => {
    const dir = tmpDir();
    const r = await runCli(['meters', '--seconds', '1'], { ECOPT_POWERCAP_ROOT: dir, ECOPT_HWMON_ROOT: dir, ECOPT_NVML_LIBRARY: join(dir, 'none.so'), ECOPT_NVIDIA_SMI: join(dir, 'none') });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rapl\s+unavailable\s+—\s+no RAPL zones under/);
    expect(r.stdout).toMatch(/cpu-tdp-estimate\s+ok\s+cpu-package/);
    expect(r.stdout).toMatch(/Every energy figure will be ESTIMATED, not measured/);
    expect(r.stdout).toMatch(/Live reading \(1 s/);
    expect(r.stdout).toMatch(/cpu-package \d+\.\d W \(estimated\)/);
  });

  it('lists a readable RAPL counter as measured', async () => {
    const tree = powercapTree([{ dir: 'intel-rapl:0', name: 'package-0', maxRangeUj: 262143328850 }]);
    const dir = tmpDir();
    const r = await runCli(['meters', '--seconds', '0'], { ECOPT_POWERCAP_ROOT: tree.root, ECOPT_HWMON_ROOT: dir, ECOPT_NVML_LIBRARY: join(dir, 'none.so'), ECOPT_NVIDIA_SMI: join(dir, 'none') });
    expect(r.stdout).toMatch(/rapl\s+ok\s+cpu-package:0\s+measured: RAPL package-0/);
    expect(r.stdout).toMatch(/Measured: cpu-package:0\./);
    expect(r.stdout).not.toMatch(/cpu-tdp-estimate\s+ok/);
  });
});

describe('a study records its meters and idle baseline', () => {
  it('shows provenance per domain and gross/net figures', async () => {
    const dir = tmpDir();
    const db = join(dir, 's.db');
    const spec = writeSpec(dir, quickSpec({ name: 'net', trials: 1, meters: { idleBaselineS: 1 } }));
    const tune = await runCli(['tune', spec, '--db', db]);
    expect(tune.code).toBe(0);
    expect(tune.stderr).toMatch(/Measuring the idle machine for 1 s/);
    expect(tune.stderr).toMatch(/idle power: cpu-package \d+\.\d W/);
    const show = await runCli(['show', 'net', '--db', db]);
    expect(show.stdout).toMatch(/cpu-package: ESTIMATED by cpu-tdp-estimate, model tdp-linear-utilisation, ±\d+%/);
    expect(show.stdout).toMatch(/idle baseline \(1\.\d s\): cpu-package \d+\.\d+ W — (net figures are gross minus idle power × duration|taken under load, so no figure net of idle is given)/);
    // a resumed run measures another: show says which it prints, and that each trial has its own
    const more = await runCli(['tune', spec, '--db', db, '--trials', '2']);
    expect(more.code, more.stderr).toBe(0);
    const again = await runCli(['show', 'net', '--db', db]);
    expect(again.stdout).toMatch(/the latest of 2 idle baselines \(one per run; each trial was measured against the last before it\) \(1\.\d s\): cpu-package/);
  });
});
