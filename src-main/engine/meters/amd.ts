/**
 * AMD through hwmon: amdgpu cards (`energy1_input`, µJ, where the driver has it; otherwise
 * `power1_average`, µW, integrated between polls) and the `amd_energy` CPU driver (per-socket
 * `energyN_input` labelled `Esocket<N>`; per-core counters are inside the socket and skipped).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterFlag, MeterInfo, Provenance } from '../../shared/types';
import { WrapCounter } from './counter';
import type { Detection, Meter } from './types';

export const HWMON_ROOT = '/sys/class/hwmon';

type Source =
  | { kind: 'energy'; domain: string; file: string; counter: WrapCounter }
  | { kind: 'power'; domain: string; file: string; totalJ: number; lastW: number; lastMs: number | null };

function read(path: string): string {
  return readFileSync(path, 'utf8').trim();
}

export class HwmonMeter implements Meter {
  readonly domains: string[];

  constructor(
    readonly id: string,
    private readonly sources: Source[],
    private readonly describe: string,
  ) {
    this.domains = sources.map((s) => s.domain);
  }

  poll(nowMs: number): void {
    for (const s of this.sources) {
      const v = Number(read(s.file));
      if (s.kind === 'energy') {
        s.counter.update(v, nowMs);
      } else {
        const w = v / 1e6;
        if (s.lastMs !== null) s.totalJ += ((w + s.lastW) / 2) * ((nowMs - s.lastMs) / 1000);
        s.lastW = w;
        s.lastMs = nowMs;
      }
    }
  }

  totalsJ(): Record<string, number> {
    return Object.fromEntries(this.sources.map((s) => [s.domain, s.kind === 'energy' ? s.counter.totalJ : s.totalJ]));
  }

  powerW(): Record<string, number> {
    return Object.fromEntries(this.sources.map((s) => [s.domain, s.kind === 'energy' ? s.counter.lastW : s.lastW]));
  }

  provenance(domain: string): Provenance {
    const s = this.sources.find((x) => x.domain === domain)!;
    return s.kind === 'energy'
      ? { method: 'measured', source: this.id, counter: s.file, resolutionJ: 1e-6, uncertaintyRel: null }
      : { method: 'measured', source: this.id, counter: `${s.file} (average power, integrated between polls)`, resolutionJ: null, uncertaintyRel: null };
  }

  drainFlags(): MeterFlag[] {
    return this.sources.flatMap((s) => (s.kind === 'energy' ? s.counter.drainFlags() : []));
  }

  info(): MeterInfo {
    return { id: this.id, domains: [...this.domains], status: 'ok', detail: `measured: ${this.describe}` };
  }

  close(): void {}
}

function hwmonDirs(root: string): { dir: string; name: string }[] {
  let entries: string[];
  try {
    entries = readdirSync(root).sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')));
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    try {
      return [{ dir: join(root, e), name: read(join(root, e, 'name')) }];
    } catch {
      return [];
    }
  });
}

export function detectAmdGpu(root = HWMON_ROOT): Detection {
  const cards = hwmonDirs(root).filter((h) => h.name === 'amdgpu');
  if (cards.length === 0) {
    return { ok: false, info: { id: 'amdgpu', domains: [], status: 'unavailable', detail: `no amdgpu hwmon device under ${root}` } };
  }
  const sources: Source[] = [];
  const notes: string[] = [];
  cards.forEach((c, i) => {
    const domain = `gpu:amd${i}`;
    const energy = join(c.dir, 'energy1_input');
    const power = join(c.dir, 'power1_average');
    if (existsSync(energy)) {
      sources.push({ kind: 'energy', domain, file: energy, counter: new WrapCounter({ domain, maxRange: null, unitsPerJ: 1e6 }) });
      notes.push(`${domain} energy counter ${energy}`);
    } else if (existsSync(power)) {
      sources.push({ kind: 'power', domain, file: power, totalJ: 0, lastW: 0, lastMs: null });
      notes.push(`${domain} average power ${power}, integrated`);
    }
  });
  if (sources.length === 0) {
    return { ok: false, info: { id: 'amdgpu', domains: [], status: 'error', detail: 'amdgpu found but it exposes neither energy1_input nor power1_average; update the kernel driver' } };
  }
  for (const s of sources) read(s.file); // fails now, with the path, if unreadable
  return { ok: true, meter: new HwmonMeter('amdgpu', sources, notes.join('; ')) };
}

export function detectAmdEnergy(root = HWMON_ROOT): Detection {
  const dev = hwmonDirs(root).find((h) => h.name === 'amd_energy');
  if (!dev) {
    return { ok: false, info: { id: 'amd_energy', domains: [], status: 'unavailable', detail: `no amd_energy hwmon device under ${root} (load the amd_energy module on AMD Zen servers)` } };
  }
  const sources: Source[] = [];
  for (const f of readdirSync(dev.dir).filter((x) => /^energy\d+_label$/.test(x))) {
    const label = read(join(dev.dir, f));
    const socket = /^Esocket(\d+)$/.exec(label);
    if (!socket) continue;
    const domain = `cpu-package:${socket[1]}`;
    const file = join(dev.dir, f.replace('_label', '_input'));
    // amd_energy accumulates in 64 bits in the driver: no wrap to handle.
    sources.push({ kind: 'energy', domain, file, counter: new WrapCounter({ domain, maxRange: null, unitsPerJ: 1e6 }) });
  }
  if (sources.length === 0) {
    return { ok: false, info: { id: 'amd_energy', domains: [], status: 'error', detail: `${dev.dir} has no Esocket counters` } };
  }
  return { ok: true, meter: new HwmonMeter('amd_energy', sources, sources.map((s) => s.file).join(', ')) };
}
