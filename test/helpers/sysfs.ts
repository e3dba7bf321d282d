/** Fixture sysfs trees and the stub NVML library: the only fake hardware, at its boundary. */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli';
import { tmpDir } from './tmp';

export interface RaplZoneSpec {
  dir: string; // e.g. intel-rapl:0 or intel-rapl:0:1
  name: string; // package-0, dram, core, psys
  maxRangeUj: number;
}

export function powercapTree(zones: RaplZoneSpec[]) {
  const root = tmpDir('ecopt-powercap-');
  chmodSync(root, 0o755);
  for (const z of zones) {
    const d = join(root, z.dir);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'name'), `${z.name}\n`);
    writeFileSync(join(d, 'max_energy_range_uj'), `${z.maxRangeUj}\n`);
    writeFileSync(join(d, 'energy_uj'), '0\n');
  }
  return {
    root,
    set(dir: string, energyUj: number) {
      writeFileSync(join(root, dir, 'energy_uj'), `${energyUj}\n`);
    },
    /** The zone's counter disappears, as when the driver is unloaded. */
    remove(dir: string) {
      rmSync(join(root, dir, 'energy_uj'), { force: true });
    },
  };
}

export function hwmonTree(devices: { name: string; files: Record<string, string | number> }[]) {
  const root = tmpDir('ecopt-hwmon-');
  devices.forEach((dev, i) => {
    const d = join(root, `hwmon${i}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'name'), `${dev.name}\n`);
    for (const [f, v] of Object.entries(dev.files)) writeFileSync(join(d, f), `${v}\n`);
  });
  return {
    root,
    set(device: number, file: string, value: number) {
      writeFileSync(join(root, `hwmon${device}`, file), `${value}\n`);
    },
    /** The file disappears, as when the GPU is reset or its driver reloaded. */
    remove(device: number, file: string) {
      rmSync(join(root, `hwmon${device}`, file), { force: true, recursive: true });
    },
    path(device: number, file: string) {
      return join(root, `hwmon${device}`, file);
    },
  };
}

let nvmlBuilt: string | null = null;
let nvmlCopies = 0;

/**
 * A fresh copy of the stub NVML library (test/fixtures/nvml/stub-nvml.c), compiled once per test
 * process with the machine's C compiler; a copy per scenario because the dynamic loader keeps one
 * instance per file. Its behaviour comes from STUB_NVML_* environment variables (see the source).
 */
export function nvmlStub(): string {
  if (!nvmlBuilt) {
    const dir = join(ROOT, 'node_modules', '.cache', 'ecopt-test-nvml');
    mkdirSync(dir, { recursive: true });
    // per process: test files run in parallel and must not load a half-written library
    nvmlBuilt = join(dir, `libnvidia-ml-stub-${process.pid}.so`);
    execFileSync('cc', ['-shared', '-fPIC', '-O1', '-o', nvmlBuilt, join(ROOT, 'test/fixtures/nvml/stub-nvml.c')]);
    const built = nvmlBuilt;
    process.once('exit', () => rmSync(built, { force: true }));
  }
  const path = join(tmpDir(), `libnvidia-ml.so.${++nvmlCopies}`);
  copyFileSync(nvmlBuilt, path);
  return path;
}
