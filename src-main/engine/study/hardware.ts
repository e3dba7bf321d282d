/**
 * The GPUs of this machine for the study's hardware inventory (the reports' hardware rows, the
 * model card's `hardware_used`, CodeCarbon's `gpu_count`/`gpu_model`): model, memory and driver
 * from nvidia-smi, amdgpu's sysfs, or, failing both, the GPU names the meters found. Recorded as
 * flat `key → value` pairs beside the CPU's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { MeterInfo } from '../../shared/types';

export interface GpuEntry {
  index: string;
  model: string;
  driver: string | null;
  memoryMiB: number | null;
}

function readTrim(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** NVIDIA GPUs from `nvidia-smi` (ECOPT_NVIDIA_SMI points at a stand-in in tests). */
export function nvidiaGpus(command: string): GpuEntry[] {
  const r = spawnSync(command, ['--query-gpu=index,name,driver_version,memory.total', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 5000 });
  if (r.error || r.status !== 0 || typeof r.stdout !== 'string') return [];
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const cells = line.split(',').map((c) => c.trim());
      // a name may itself hold commas: index first, driver and memory last
      const index = cells[0] ?? '';
      const memory = Number(cells.at(-1));
      const driver = cells.at(-2) ?? '';
      const model = cells.slice(1, -2).join(', ');
      return { index, model: model || `NVIDIA GPU ${index}`, driver: driver && !/not supported|n\/a/i.test(driver) ? driver : null, memoryMiB: Number.isFinite(memory) && memory > 0 ? memory : null };
    });
}

/** AMD GPUs driven by amdgpu, from /sys/class/drm (ECOPT_DRM_ROOT in tests). */
export function amdGpus(drmRoot: string): GpuEntry[] {
  let cards: string[];
  try {
    cards = readdirSync(drmRoot).filter((c) => /^card\d+$/.test(c)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  } catch {
    return [];
  }
  const out: GpuEntry[] = [];
  for (const card of cards) {
    const dev = join(drmRoot, card, 'device');
    if (readTrim(join(dev, 'vendor')) !== '0x1002') continue;
    let driver: string | null = null;
    try {
      driver = basename(readlinkSync(join(dev, 'driver')));
    } catch {
      driver = existsSync(join(dev, 'driver')) ? 'amdgpu' : null;
    }
    if (driver !== null && driver !== 'amdgpu') continue;
    const product = readTrim(join(dev, 'product_name'));
    const deviceId = readTrim(join(dev, 'device'));
    const vram = Number(readTrim(join(dev, 'mem_info_vram_total')));
    out.push({
      index: `amd${out.length}`,
      model: product || `AMD GPU ${deviceId ?? card}`,
      driver: readTrim(join(drmRoot, '..', '..', 'module', 'amdgpu', 'version')) ?? null,
      memoryMiB: Number.isFinite(vram) && vram > 0 ? Math.round(vram / 2 ** 20) : null,
    });
  }
  return out;
}

/** GPU names the meters report ("GPU 0 NVIDIA H200: total-energy counter"), when nothing else lists them. */
export function meterGpus(meters: readonly MeterInfo[]): GpuEntry[] {
  const out: GpuEntry[] = [];
  for (const m of meters) {
    if (m.status !== 'ok') continue;
    for (const match of m.detail.matchAll(/GPU (\d+) ([^:|]+?):/g)) out.push({ index: match[1]!, model: match[2]!.trim(), driver: null, memoryMiB: null });
  }
  return out;
}

/** CodeCarbon's form of a GPU list: "2 x NVIDIA A100-SXM4-80GB". */
export function gpuModelText(gpus: readonly { model: string }[]): string {
  const counts = new Map<string, number>();
  for (const g of gpus) counts.set(g.model, (counts.get(g.model) ?? 0) + 1);
  return [...counts].map(([model, n]) => `${n} x ${model}`).join(', ');
}

/** The machine's GPUs as inventory entries (`gpu_count`, `gpu_model`, `gpu_N_*`, `gpu_source`, driver versions). */
export function gpuInventory(meters: readonly MeterInfo[] = [], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  let source = 'nvidia-smi';
  let gpus = nvidiaGpus(env.ECOPT_NVIDIA_SMI ?? 'nvidia-smi');
  const amd = amdGpus(env.ECOPT_DRM_ROOT ?? '/sys/class/drm');
  if (amd.length) {
    gpus = [...gpus, ...amd];
    source = gpus.length > amd.length ? 'nvidia-smi, amdgpu sysfs' : 'amdgpu sysfs';
  }
  if (gpus.length === 0) {
    gpus = meterGpus(meters);
    source = 'the energy meters';
  }
  const out: Record<string, string> = { gpu_count: String(gpus.length) };
  if (gpus.length === 0) return out;
  out.gpu_model = gpuModelText(gpus);
  out.gpu_source = source;
  for (const g of gpus) {
    out[`gpu_${g.index}_model`] = g.model;
    if (g.driver) out[`gpu_${g.index}_driver`] = g.driver;
    if (g.memoryMiB !== null) out[`gpu_${g.index}_memory_mib`] = String(g.memoryMiB);
  }
  const nvidia = gpus.find((g) => !g.index.startsWith('amd') && g.driver);
  if (nvidia) out.driver_nvidia = nvidia.driver!;
  const amdDriver = gpus.find((g) => g.index.startsWith('amd') && g.driver);
  if (amdDriver) out.driver_amdgpu = amdDriver.driver!;
  return out;
}
