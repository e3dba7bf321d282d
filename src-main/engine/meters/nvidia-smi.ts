/**
 * The last resort for NVIDIA GPUs when NVML cannot be loaded but `nvidia-smi` runs: stream the
 * power every 100 ms and integrate it. Coarser than the NVML counter, and said so. A GPU
 * whose readings stop (the stream stalls, the process exits, or it reports "[N/A]") is flagged
 * unreadable and its gap is not integrated across.
 *
 * The power is `power.draw.instant` where this nvidia-smi knows it: `power.draw` is a trailing
 * 1-s average on Ampere and newer, and integrated it missed 4–12% of an H200's energy over 3-s
 * windows (nvml.ts has the measurement).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { MeterFlag, MeterInfo, Provenance } from '../../shared/types';
import { PolledPower, type PowerStats } from './counter';
import type { Detection, Meter } from './types';

/** nvidia-smi's own sampling interval, ms (`-lms`). */
export const SMI_INTERVAL_MS = 100;
/** Ten readings missing: the stream has stalled. */
const SMI_STALL_MS = 10 * SMI_INTERVAL_MS;
/** nvidia-smi can take a few seconds to start on a cold driver. */
const SMI_STARTUP_MS = 5000;

export type SmiPowerField = 'power.draw' | 'power.draw.instant';

interface GpuState {
  index: number;
  name: string;
}

export class NvidiaSmiMeter implements Meter {
  readonly id = 'nvidia-smi';
  readonly domains: string[];
  private child: ChildProcess | null = null;
  private buffer = '';
  private exited: string | null = null;
  private readonly startedMs: number;
  private readonly power = new Map<number, PolledPower>();

  constructor(
    private readonly gpus: GpuState[],
    private readonly command: string,
    private readonly clock: () => number = () => performance.now(),
    /** The query field streamed: `power.draw.instant` where nvidia-smi has it. */
    private readonly field: SmiPowerField = 'power.draw',
  ) {
    this.domains = gpus.map((g) => `gpu:${g.index}`);
    for (const g of gpus) {
      this.power.set(g.index, new PolledPower({ domain: `gpu:${g.index}`, source: `nvidia-smi ${field} (gpu ${g.index}: ${g.name})`, maxStepMs: SMI_STALL_MS }));
    }
    this.startedMs = clock();
    this.child = spawn(command, [`--query-gpu=index,${field}`, '--format=csv,noheader,nounits', `-lms`, String(SMI_INTERVAL_MS)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.child.stdout!.on('data', (d: Buffer) => this.ingest(d.toString()));
    this.child.on('error', (e) => (this.exited = `${command} failed: ${e.message}`));
    this.child.on('exit', (code, signal) => {
      if (this.child) this.exited = `${command} exited (${signal ?? `code ${code}`})`;
    });
    this.child.unref();
  }

  private ingest(text: string): void {
    this.buffer += text;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    const now = this.clock();
    for (const line of lines) {
      const [idx, w] = line.split(',').map((s) => s.trim());
      const p = this.power.get(Number(idx));
      if (!p) continue;
      const watts = Number(w);
      // "[N/A]", "[Unknown Error]", "[GPU is lost]": the GPU answered, but not with a power
      if (w === undefined || w === '' || !Number.isFinite(watts)) p.unreadable(`nvidia-smi reports ${this.field} "${w ?? ''}" for GPU ${idx}`);
      else p.reading(watts, now);
    }
  }

  /** Readings arrive on their own; a poll only notices when they have stopped. */
  poll(nowMs: number): void {
    for (const g of this.gpus) {
      const p = this.power.get(g.index)!;
      const since = p.sinceLastMs(nowMs);
      if (this.exited) p.unreadable(`${this.exited}: no more power readings for GPU ${g.index}`);
      else if (since === null && nowMs - this.startedMs > SMI_STARTUP_MS) p.unreadable(`${this.command} has sent no power reading for GPU ${g.index} since it started`);
      else if (since !== null && since > SMI_STALL_MS) p.unreadable(`${this.command} has sent no power reading for GPU ${g.index} for ${(since / 1000).toFixed(1)} s`);
    }
  }

  totalsJ(): Record<string, number> {
    return Object.fromEntries(this.gpus.map((g) => [`gpu:${g.index}`, this.power.get(g.index)!.totalJ]));
  }

  powerW(): Record<string, number> {
    return Object.fromEntries(this.gpus.map((g) => [`gpu:${g.index}`, this.power.get(g.index)!.lastW]));
  }

  provenance(domain: string): Provenance {
    const g = this.gpus.find((x) => `gpu:${x.index}` === domain)!;
    return {
      method: 'measured',
      source: 'nvidia-smi',
      counter: `nvidia-smi ${this.field} (gpu ${g.index}: ${g.name}) requested every ${SMI_INTERVAL_MS} ms, integrated (${this.power.get(g.index)!.describeSampling()})`,
      resolutionJ: null,
      uncertaintyRel: null,
    };
  }

  drainFlags(): MeterFlag[] {
    return [...this.power.values()].flatMap((p) => p.drainFlags());
  }

  activeFlags(): MeterFlag[] {
    return [...this.power.values()].flatMap((p) => p.activeFlags());
  }

  powerStats(): Record<string, PowerStats> {
    return Object.fromEntries(this.gpus.map((g) => [`gpu:${g.index}`, { ...this.power.get(g.index)!.stats }]));
  }

  info(): MeterInfo {
    return {
      id: this.id,
      domains: [...this.domains],
      status: 'ok',
      detail: `measured: ${this.command} ${this.field} streamed at 10 Hz and integrated (NVML could not be loaded; less precise than its energy counter${this.field === 'power.draw' ? '; this nvidia-smi has no power.draw.instant, and power.draw is a 1-s average on recent GPUs, which lags each change of load' : ''})`,
    };
  }

  close(): void {
    const child = this.child;
    this.child = null;
    child?.kill();
  }
}

export function detectNvidiaSmi(command = 'nvidia-smi', clock?: () => number): Detection {
  const r = spawnSync(command, ['--query-gpu=index,name', '--format=csv,noheader'], { encoding: 'utf8', timeout: 5000 });
  if (r.error || r.status !== 0) {
    return { ok: false, info: { id: 'nvidia-smi', domains: [], status: 'unavailable', detail: `${command} not found or failed` } };
  }
  const gpus = r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [idx, ...name] = line.split(',');
      return { index: Number(idx), name: name.join(',').trim() };
    });
  if (gpus.length === 0) return { ok: false, info: { id: 'nvidia-smi', domains: [], status: 'unavailable', detail: `${command} lists no GPU` } };
  return { ok: true, meter: new NvidiaSmiMeter(gpus, command, clock, instantPowerField(command, gpus.length)) };
}

/** `power.draw.instant` where this nvidia-smi answers it with a number for every GPU (older ones refuse the field). */
function instantPowerField(command: string, gpuCount: number): SmiPowerField {
  const r = spawnSync(command, ['--query-gpu=index,power.draw.instant', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 5000 });
  if (r.error || r.status !== 0) return 'power.draw';
  const values = r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => Number(line.split(',')[1]));
  return values.length === gpuCount && values.every((v) => Number.isFinite(v)) ? 'power.draw.instant' : 'power.draw';
}
