/**
 * Hardware classes: the same configuration costs different joules on different hardware, so a
 * study run on several machines compares energy only between trials of one class. A class is
 * what decides the joules a counter reports: the CPU model, the GPU model(s) the trial may use,
 * and the counter sources that measured it (RAPL and an estimate from the TDP never agree).
 * Host name, memory size, driver and OS versions are left out: two identical nodes of a cluster
 * are one class.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { MeterInfo } from '../../shared/types';

export interface HardwareClass {
  /** First 8 hex digits of the SHA-256 of the canonical inventory: short, stable across runs. */
  id: string;
  /** "Intel Xeon Gold 6330 · 1 x NVIDIA A100 · rapl+nvml", for tables and warnings. */
  label: string;
  /** What the id was derived from (stored once per study with putHardwareClass). */
  inventory: Record<string, string>;
}

/**
 * This machine's name as trials record it. `ECOPT_HOSTNAME` overrides it: a test or a simulation
 * aid, so that several workers on one box can stand for several machines; real workers on real
 * machines never need it.
 */
export function workerHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.ECOPT_HOSTNAME?.trim() || hostname();
}

/** The kind of counter behind a meter: its registry id, or "estimate" for a labelled estimate. */
function counterKind(m: MeterInfo): string {
  return m.detail.startsWith('estimate') ? 'estimate' : m.id;
}

/**
 * The class of a worker from its inventory (hardwareInventory's `cpu_model`, `gpu_model`) and the
 * meters in use. `gpus` narrows the GPU part to the devices this worker runs on (`--gpus`), by
 * the inventory's `gpu_<index>_model` entries.
 */
export function hardwareClass(inventory: Record<string, string>, meters: readonly MeterInfo[], gpus?: readonly string[]): HardwareClass {
  const cpu = inventory.cpu_model ?? 'unknown CPU';
  let gpu = inventory.gpu_model ?? '';
  if (gpus && gpus.length) {
    const models = gpus.map((i) => inventory[`gpu_${i}_model`]).filter((m): m is string => Boolean(m));
    if (models.length) {
      const counts = new Map<string, number>();
      for (const m of models) counts.set(m, (counts.get(m) ?? 0) + 1);
      gpu = [...counts].map(([m, n]) => `${n} x ${m}`).join(', ');
    }
  }
  const counters = [...new Set(meters.filter((m) => m.status === 'ok').map(counterKind))].sort().join('+') || 'none';
  const canonical: Record<string, string> = { cpu_model: cpu, gpu_model: gpu || 'none', counters };
  const id = createHash('sha256')
    .update(JSON.stringify(Object.entries(canonical).sort(([a], [b]) => a.localeCompare(b))))
    .digest('hex')
    .slice(0, 8);
  const label = [cpu.replace(/\s+/g, ' ').trim(), ...(gpu ? [gpu] : []), counters].join(' · ');
  return { id, label, inventory: { ...canonical, label } };
}
