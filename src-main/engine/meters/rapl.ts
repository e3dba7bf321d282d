/**
 * Intel and AMD Zen RAPL through /sys/class/powercap: package, dram and psys zones, from both
 * the MSR (`intel-rapl:*`) and MMIO (`intel-rapl-mmio:*`) interfaces, de-duplicated by zone
 * name (the MSR zone wins). Core and uncore subzones are inside package and never added to it;
 * psys (the whole platform) contains package and DRAM, so it is the superset domain
 * `platform:psys`, kept beside them and never summed with them (see isSupersetDomain).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterFlag, MeterInfo, Provenance } from '../../shared/types';
import { WrapCounter } from './counter';
import { raplPermissionFix, unreadableMessage } from './fix-messages';
import type { Detection, Meter } from './types';

export const POWERCAP_ROOT = '/sys/class/powercap';

interface Zone {
  domain: string;
  path: string;
  name: string;
  maxRangeUj: number | null;
  counter: WrapCounter;
}

function readTrim(path: string): string {
  return readFileSync(path, 'utf8').trim();
}

/** The energy status registers are updated about every millisecond (Intel SDM; AMD alike). */
export const RAPL_UPDATE_STEP_MS = 1;
/** Sustained package power above any shipping CPU: the wrap-safe interval before any is seen. */
const ASSUMED_MAX_W = 400;

/** Maps a zone name to our domain name: package-0 → cpu-package:0, dram → dram:<socket>, psys → platform:psys. */
function domainFor(name: string, socket: number): string | null {
  const pkg = /^package-(\d+)$/.exec(name);
  if (pkg) return `cpu-package:${pkg[1]}`;
  if (name === 'dram') return `dram:${socket}`;
  if (name === 'psys') return 'platform:psys';
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

  poll(nowMs: number): void {
    for (const z of this.zones) {
      const file = join(z.path, 'energy_uj');
      let text: string;
      try {
        text = readTrim(file);
      } catch (e) {
        z.counter.unreadable(unreadableMessage(file, e, raplPermissionFix));
        continue;
      }
      if (!/^\d+$/.test(text)) {
        z.counter.unreadable(`cannot read ${file}: it holds "${text.slice(0, 40)}", not a count of µJ`);
        continue;
      }
      z.counter.update(Number(text), nowMs);
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
    return this.zones.flatMap((z) => z.counter.drainFlags());
  }

  activeFlags(): MeterFlag[] {
    return this.zones.flatMap((z) => z.counter.activeFlags());
  }

  maxPollMs(domain?: string): number {
    const zones = domain === undefined ? this.zones : this.zones.filter((z) => z.domain === domain);
    return Math.min(Number.POSITIVE_INFINITY, ...zones.map((z) => z.counter.wrapSafeIntervalMs()));
  }

  updateStepMs(): number {
    return RAPL_UPDATE_STEP_MS;
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
    let maxRangeUj: number | null;
    try {
      readTrim(energyPath);
      const range = Number(readTrim(join(z.dir, 'max_energy_range_uj')));
      // without a range a wrap cannot be told from a reset: every backwards step is then flagged
      maxRangeUj = Number.isFinite(range) && range > 0 ? range : null;
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
      counter: new WrapCounter({ domain, source: energyPath, maxRange: maxRangeUj, unitsPerJ: 1e6, maxPlausibleW: 1000, assumedMaxW: ASSUMED_MAX_W }),
    });
  }
  if (zones.length === 0) {
    return { ok: false, info: { id: 'rapl', domains: [], status: 'unavailable', detail: `RAPL zones under ${root} have no package, dram or psys domain` } };
  }
  return { ok: true, meter: new RaplMeter(zones) };
}
