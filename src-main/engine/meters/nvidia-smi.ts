/**
 * The last resort for NVIDIA GPUs when NVML cannot be loaded but `nvidia-smi` runs: stream
 * power.draw every 100 ms and integrate it. Coarser than the NVML counter, and said so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { MeterInfo, Provenance } from '../../shared/types';
import type { Detection, Meter } from './types';

interface GpuState {
  index: number;
  name: string;
  totalJ: number;
  lastW: number;
  lastMs: number | null;
}

export class NvidiaSmiMeter implements Meter {
  readonly id = 'nvidia-smi';
  readonly domains: string[];
  private child: ChildProcess | null = null;
  private buffer = '';

  constructor(
    private readonly gpus: GpuState[],
    private readonly command: string,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.domains = gpus.map((g) => `gpu:${g.index}`);
    this.child = spawn(command, ['--query-gpu=index,power.draw', '--format=csv,noheader,nounits', '-lms', '100'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.child.stdout!.on('data', (d: Buffer) => this.ingest(d.toString()));
    this.child.on('error', () => {});
    this.child.unref();
  }

  private ingest(text: string): void {
    this.buffer += text;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    const now = this.clock();
    for (const line of lines) {
      const [idx, w] = line.split(',').map((s) => s.trim());
      const g = this.gpus.find((x) => x.index === Number(idx));
      const watts = Number(w);
      if (!g || !Number.isFinite(watts)) continue;
      if (g.lastMs !== null) g.totalJ += ((watts + g.lastW) / 2) * ((now - g.lastMs) / 1000);
      g.lastW = watts;
      g.lastMs = now;
    }
  }

  poll(): void {}

  totalsJ(): Record<string, number> {
    return Object.fromEntries(this.gpus.map((g) => [`gpu:${g.index}`, g.totalJ]));
  }

  powerW(): Record<string, number> {
    return Object.fromEntries(this.gpus.map((g) => [`gpu:${g.index}`, g.lastW]));
  }

  provenance(domain: string): Provenance {
    const g = this.gpus.find((x) => `gpu:${x.index}` === domain)!;
    return { method: 'measured', source: 'nvidia-smi', counter: `nvidia-smi power.draw (gpu ${g.index}: ${g.name}) every 100 ms, integrated`, resolutionJ: null, uncertaintyRel: null };
  }

  info(): MeterInfo {
    return {
      id: this.id,
      domains: [...this.domains],
      status: 'ok',
      detail: `measured: ${this.command} power.draw streamed at 10 Hz and integrated (NVML could not be loaded; less precise than its energy counter)`,
    };
  }

  close(): void {
    this.child?.kill();
    this.child = null;
  }
}

export function detectNvidiaSmi(command = 'nvidia-smi'): Detection {
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
      return { index: Number(idx), name: name.join(',').trim(), totalJ: 0, lastW: 0, lastMs: null };
    });
  if (gpus.length === 0) return { ok: false, info: { id: 'nvidia-smi', domains: [], status: 'unavailable', detail: `${command} lists no GPU` } };
  return { ok: true, meter: new NvidiaSmiMeter(gpus, command) };
}
