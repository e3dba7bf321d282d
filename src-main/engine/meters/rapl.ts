/**
 * Intel and AMD Zen RAPL through /sys/class/powercap: package, dram and psys zones, from both
 * the MSR (`intel-rapl:*`) and MMIO (`intel-rapl-mmio:*`) interfaces, de-duplicated by zone
 * name (the MSR zone wins). Core and uncore subzones are inside package and never added to it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterFlag, MeterInfo, Provenance } from '../../shared/types';
import { WrapCounter } from './counter';
import { raplPermissionFix } from './fix-messages';
import type { Detection, Meter } from './types';

export const POWERCAP_ROOT = '/sys/class/powercap';

interface Zone {
  domain: string;
  path: string;
  name: string;
  maxRangeUj: number;
  counter: WrapCounter;
}

function readTrim(path: string): string {
  return readFileSync(path, 'utf8').trim();
}

/** Maps a zone name to our domain name: package-0 → cpu-package:0, dram → dram:<socket>, psys → psys. */
function domainFor(name: string, socket: number): string | null {
  const pkg = /^package-(\d+)$/.exec(name);
  if (pkg) return `cpu-package:${pkg[1]}`;
  if (name === 'dram') return `dram:${socket}`;
  if (name === 'psys') return 'psys';
  return null; // core, uncore: already inside package
}

interface FoundZone {
  dir: string;
  name: string;
  socket: number;
  mmio: boolean;
}

function listZones(root: string): FoundZone[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const zones: FoundZone[] = [];
  for (const entry of entries.sort()) {
    const m = /^intel-rapl(-mmio)?:(\d+)(?::(\d+))?$/.exec(entry);
    if (!m) continue;
    const dir = join(root, entry);
    let name: string;
    try {
      name = readTrim(join(dir, 'name'));
    } catch {
      continue;
    }
    zones.push({ dir, name, socket: Number(m[2]), mmio: m[1] !== undefined });
  }
  return zones;
}

export class RaplMeter implements Meter {
  readonly id = 'rapl';
  readonly domains: string[];

  constructor(private readonly zones: Zone[]) {
    this.domains = zones.map((z) => z.domain);
  }

  private readErrors: MeterFlag[] = [];

  poll(nowMs: number): void {
    for (const z of this.zones) {
      let raw: number;
      try {
        raw = Number(readTrim(join(z.path, 'energy_uj')));
      } catch (e) {
        // the interval is lost, not zero: the stale check will flag the window
        if (!this.readErrors.some((f) => f.domain === z.domain)) {
          this.readErrors.push({ domain: z.domain, kind: 'stale', message: `cannot read ${join(z.path, 'energy_uj')}: ${(e as Error).message}` });
        }
        continue;
      }
      z.counter.update(raw, nowMs);
    }
  }

  totalsJ(): Record<string, number> {
    return Object.fromEntries(this.zones.map((z) => [z.domain, z.counter.totalJ]));
  }

  powerW(): Record<string, number> {
    return Object.fromEntries(this.zones.map((z) => [z.domain, z.counter.lastW]));
  }

  provenance(domain: string): Provenance {
    const z = this.zones.find((x) => x.domain === domain)!;
    return { method: 'measured', source: 'rapl', counter: join(z.path, 'energy_uj'), resolutionJ: 1e-6, uncertaintyRel: null };
  }

  drainFlags(): MeterFlag[] {
    const errors = this.readErrors;
    this.readErrors = [];
    return [...errors, ...this.zones.flatMap((z) => z.counter.drainFlags())];
  }

  maxPollMs(): number {
    // 400 W per package is above any shipping CPU's sustained power: safe before any is seen.
    return Math.min(...this.zones.map((z) => z.counter.wrapSafeIntervalMs(400)));
  }

  info(): MeterInfo {
    return {
      id: this.id,
      domains: [...this.domains],
      status: 'ok',
      detail: `measured: RAPL ${this.zones.map((z) => `${z.name} (${z.path})`).join(', ')}`,
    };
  }

  close(): void {}
}

/** Finds the RAPL zones, or says why they cannot be used and how to fix it. */
export function detectRapl(root = POWERCAP_ROOT): Detection {
  const found = listZones(root);
  if (found.length === 0) {
    return {
      ok: false,
      info: {
        id: 'rapl',
        domains: [],
        status: 'unavailable',
        detail: `no RAPL zones under ${root} (not an Intel/AMD Zen CPU, a virtual machine, or not Linux)`,
      },
    };
  }
  const zones: Zone[] = [];
  const seen = new Set<string>();
  // MSR zones first, so an MMIO zone with the same name is dropped as a duplicate.
  for (const z of [...found.filter((f) => !f.mmio), ...found.filter((f) => f.mmio)]) {
    const domain = domainFor(z.name, z.socket);
    if (!domain || seen.has(domain)) continue;
    const energyPath = join(z.dir, 'energy_uj');
    let maxRangeUj: number;
    try {
      readTrim(energyPath);
      maxRangeUj = Number(readTrim(join(z.dir, 'max_energy_range_uj')));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return {
        ok: false,
        info: {
          id: 'rapl',
          domains: [],
          status: 'error',
          detail: code === 'EACCES' || code === 'EPERM' ? raplPermissionFix(energyPath) : `cannot read ${energyPath}: ${(e as Error).message}`,
        },
      };
    }
    seen.add(domain);
    zones.push({
      domain,
      path: z.dir,
      name: z.name,
      maxRangeUj,
      counter: new WrapCounter({ domain, maxRange: maxRangeUj, unitsPerJ: 1e6, maxPlausibleW: 1000 }),
    });
  }
  if (zones.length === 0) {
    return { ok: false, info: { id: 'rapl', domains: [], status: 'unavailable', detail: `RAPL zones under ${root} have no package, dram or psys domain` } };
  }
  return { ok: true, meter: new RaplMeter(zones) };
}
