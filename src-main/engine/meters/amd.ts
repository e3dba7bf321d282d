/**
 * AMD through hwmon: amdgpu cards (`energy1_input`, µJ, where the driver has it; otherwise
 * `power1_average`, µW, integrated between polls) and the `amd_energy` CPU driver (per-socket
 * `energyN_input` labelled `Esocket<N>`; per-core counters are inside the socket and skipped).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterFlag, MeterInfo, Provenance } from '../../shared/types';
import { PolledPower, WrapCounter, type PowerStats } from './counter';
import { unreadableMessage } from './fix-messages';
import type { Detection, Meter } from './types';

export const HWMON_ROOT = '/sys/class/hwmon';

/** amd_energy reads the RAPL energy MSRs, updated about every millisecond. */
const AMD_ENERGY_UPDATE_STEP_MS = 1;
/**
 * amdgpu's energy comes from the SMU's metrics table, which the driver caches for a few ms and
 * the firmware refreshes at up to 1 kHz depending on the ASIC: 10 ms is the conservative step.
 */
const AMDGPU_ENERGY_UPDATE_STEP_MS = 10;

type Source =
  | { kind: 'energy'; domain: string; file: string; counter: WrapCounter; stepMs: number }
  | { kind: 'power'; domain: string; file: string; power: PolledPower };

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
      const fail = (message: string) => (s.kind === 'energy' ? s.counter.unreadable(message) : s.power.unreadable(message));
      let text: string;
      try {
        text = read(s.file);
      } catch (e) {
        fail(unreadableMessage(s.file, e));
        continue;
      }
      if (!/^\d+$/.test(text)) {
        fail(`cannot read ${s.file}: it holds "${text.slice(0, 40)}", not a number of ${s.kind === 'energy' ? 'µJ' : 'µW'}`);
        continue;
      }
      if (s.kind === 'energy') s.counter.update(Number(text), nowMs);
      else s.power.reading(Number(text) / 1e6, nowMs);
    }
  }

  totalsJ(): Record<string, number> {
    return Object.fromEntries(this.sources.map((s) => [s.domain, s.kind === 'energy' ? s.counter.totalJ : s.power.totalJ]));
  }

  powerW(): Record<string, number> {
    return Object.fromEntries(this.sources.map((s) => [s.domain, s.kind === 'energy' ? s.counter.lastW : s.power.lastW]));
  }

  provenance(domain: string): Provenance {
    const s = this.sources.find((x) => x.domain === domain)!;
    return s.kind === 'energy'
      ? { method: 'measured', source: this.id, counter: s.file, resolutionJ: 1e-6, uncertaintyRel: null }
      : {
          method: 'measured',
          source: this.id,
          counter: `${s.file} (average power, integrated between polls; ${s.power.describeSampling()})`,
          resolutionJ: null,
          uncertaintyRel: null,
        };
  }

  drainFlags(): MeterFlag[] {
    return this.sources.flatMap((s) => (s.kind === 'energy' ? s.counter.drainFlags() : s.power.drainFlags()));
  }

  activeFlags(): MeterFlag[] {
    return this.sources.flatMap((s) => (s.kind === 'energy' ? s.counter.activeFlags() : s.power.activeFlags()));
  }

  updateStepMs(domain: string): number | undefined {
    const s = this.sources.find((x) => x.domain === domain);
    return s?.kind === 'energy' ? s.stepMs : undefined;
  }

  powerStats(): Record<string, PowerStats> {
    return Object.fromEntries(this.sources.flatMap((s) => (s.kind === 'power' ? [[s.domain, { ...s.power.stats }]] : [])));
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
      // the driver accumulates in 64 bits: no wrap; a GPU draws well under 2 kW
      const counter = new WrapCounter({ domain, source: energy, maxRange: null, unitsPerJ: 1e6, maxPlausibleW: 2000 });
      sources.push({ kind: 'energy', domain, file: energy, counter, stepMs: AMDGPU_ENERGY_UPDATE_STEP_MS });
      notes.push(`${domain} energy counter ${energy}`);
    } else if (existsSync(power)) {
      sources.push({ kind: 'power', domain, file: power, power: new PolledPower({ domain, source: power }) });
      notes.push(`${domain} average power ${power}, integrated at the poll rate`);
    }
  });
  if (sources.length === 0) {
    return { ok: false, info: { id: 'amdgpu', domains: [], status: 'error', detail: 'amdgpu found but it exposes neither energy1_input nor power1_average; update the kernel driver' } };
  }
  for (const s of sources) {
    try {
      read(s.file);
    } catch (e) {
      return { ok: false, info: { id: 'amdgpu', domains: [], status: 'error', detail: unreadableMessage(s.file, e) } };
    }
  }
  return { ok: true, meter: new HwmonMeter('amdgpu', sources, notes.join('; ')) };
}

export function detectAmdEnergy(root = HWMON_ROOT): Detection {
  const dev = hwmonDirs(root).find((h) => h.name === 'amd_energy');
  if (!dev) {
    return { ok: false, info: { id: 'amd_energy', domains: [], status: 'unavailable', detail: `no amd_energy hwmon device under ${root} (load the amd_energy module on AMD Zen servers)` } };
  }
  const sources: Source[] = [];
  let labels: string[];
  try {
    labels = readdirSync(dev.dir).filter((x) => /^energy\d+_label$/.test(x));
  } catch (e) {
    return { ok: false, info: { id: 'amd_energy', domains: [], status: 'error', detail: unreadableMessage(dev.dir, e) } };
  }
  for (const f of labels) {
    let label: string;
    try {
      label = read(join(dev.dir, f));
    } catch {
      continue;
    }
    const socket = /^Esocket(\d+)$/.exec(label);
    if (!socket) continue;
    const domain = `cpu-package:${socket[1]}`;
    const file = join(dev.dir, f.replace('_label', '_input'));
    // amd_energy accumulates in 64 bits in the driver: no wrap to handle.
    const counter = new WrapCounter({ domain, source: file, maxRange: null, unitsPerJ: 1e6, maxPlausibleW: 1000 });
    sources.push({ kind: 'energy', domain, file, counter, stepMs: AMD_ENERGY_UPDATE_STEP_MS });
  }
  if (sources.length === 0) {
    return { ok: false, info: { id: 'amd_energy', domains: [], status: 'error', detail: `${dev.dir} has no Esocket counters` } };
  }
  return { ok: true, meter: new HwmonMeter('amd_energy', sources, sources.map((s) => s.file).join(', ')) };
}
