/** Fixture sysfs trees: the only fake hardware, at its boundary. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  };
}
