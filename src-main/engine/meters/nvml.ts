/**
 * NVIDIA GPUs through NVML, loaded with koffi (prebuilt FFI, nothing to compile). Per GPU, the
 * total-energy counter (Volta and newer) is preferred: NVML's power readings are averages that
 * recent GPUs update for only part of each second, so integrating them misses energy. Where the
 * counter is unsupported, power is polled at the meter set's rate (≥ 10 Hz) and integrated.
 * Where both exist, the integrated power is kept as a cross-check.
 */
import koffi from 'koffi';
import type { MeterFlag, MeterInfo, Provenance } from '../../shared/types';
import type { Detection, Meter } from './types';

const NVML_SUCCESS = 0;
const NVML_ERROR_NOT_SUPPORTED = 3;

interface NvmlApi {
  shutdown(): void;
  energyMj(device: unknown): number | null;
  powerMw(device: unknown): number | null;
}

interface Gpu {
  index: number;
  name: string;
  domain: string;
  device: unknown;
  mode: 'energy-counter' | 'power-integration';
  startMj: number | null;
  counterJ: number;
  integratedJ: number;
  lastW: number;
  lastMs: number | null;
}

export function nvmlLibraryCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.ECOPT_NVML_LIBRARY) return [env.ECOPT_NVML_LIBRARY];
  if (process.platform === 'win32') return ['nvml.dll', 'C:\\Windows\\System32\\nvml.dll'];
  return ['libnvidia-ml.so.1', 'libnvidia-ml.so'];
}

export class NvmlMeter implements Meter {
  readonly id = 'nvml';
  readonly domains: string[];

  constructor(
    private readonly api: NvmlApi,
    private readonly gpus: Gpu[],
    private readonly library: string,
  ) {
    this.domains = gpus.map((g) => g.domain);
  }

  poll(nowMs: number): void {
    for (const g of this.gpus) {
      const mw = this.api.powerMw(g.device);
      const w = mw === null ? g.lastW : mw / 1000;
      if (g.lastMs !== null) g.integratedJ += ((w + g.lastW) / 2) * ((nowMs - g.lastMs) / 1000);
      g.lastW = w;
      g.lastMs = nowMs;
      if (g.mode === 'energy-counter') {
        const mj = this.api.energyMj(g.device);
        if (mj !== null) {
          if (g.startMj === null) g.startMj = mj;
          g.counterJ = (mj - g.startMj) / 1000;
        }
      }
    }
  }

  totalsJ(): Record<string, number> {
    return Object.fromEntries(this.gpus.map((g) => [g.domain, g.mode === 'energy-counter' ? g.counterJ : g.integratedJ]));
  }

  /** Integrated polled power for GPUs that also have the counter: the cross-check. */
  checkTotalsJ(): Record<string, number> {
    return Object.fromEntries(this.gpus.filter((g) => g.mode === 'energy-counter').map((g) => [g.domain, g.integratedJ]));
  }

  powerW(): Record<string, number> {
    return Object.fromEntries(this.gpus.map((g) => [g.domain, g.lastW]));
  }

  provenance(domain: string): Provenance {
    const g = this.gpus.find((x) => x.domain === domain)!;
    return g.mode === 'energy-counter'
      ? { method: 'measured', source: 'nvml', counter: `nvmlDeviceGetTotalEnergyConsumption(gpu ${g.index}: ${g.name})`, resolutionJ: 1e-3, uncertaintyRel: null }
      : {
          method: 'measured',
          source: 'nvml',
          counter: `nvmlDeviceGetPowerUsage(gpu ${g.index}: ${g.name}) polled and integrated`,
          resolutionJ: null,
          uncertaintyRel: null,
        };
  }

  drainFlags(): MeterFlag[] {
    return [];
  }

  info(): MeterInfo {
    return {
      id: this.id,
      domains: [...this.domains],
      status: 'ok',
      detail: `measured: NVML (${this.library}) ${this.gpus
        .map((g) => `GPU ${g.index} ${g.name}: ${g.mode === 'energy-counter' ? 'total-energy counter' : 'power polled at 10 Hz and integrated (no energy counter on this GPU)'}`)
        .join('; ')}`,
    };
  }

  close(): void {
    this.api.shutdown();
  }
}

/** Loads NVML and lists the GPUs, or says why it cannot. */
export function detectNvml(env: NodeJS.ProcessEnv = process.env): Detection {
  let lib: ReturnType<typeof koffi.load> | null = null;
  let loaded = '';
  const errors: string[] = [];
  for (const candidate of nvmlLibraryCandidates(env)) {
    try {
      lib = koffi.load(candidate);
      loaded = candidate;
      break;
    } catch (e) {
      errors.push(`${candidate}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (!lib) {
    return { ok: false, info: { id: 'nvml', domains: [], status: 'unavailable', detail: `NVIDIA driver library not found (${errors.join('; ')})` } };
  }
  try {
    const init = lib.func('int nvmlInit_v2()');
    const shutdown = lib.func('int nvmlShutdown()');
    const count = lib.func('int nvmlDeviceGetCount_v2(_Out_ uint32_t *count)');
    const handle = lib.func('int nvmlDeviceGetHandleByIndex_v2(uint32_t index, _Out_ void **device)');
    const name = lib.func('int nvmlDeviceGetName(void *device, _Out_ uint8_t *name, uint32_t length)');
    const energy = lib.func('int nvmlDeviceGetTotalEnergyConsumption(void *device, _Out_ uint64_t *energy)');
    const power = lib.func('int nvmlDeviceGetPowerUsage(void *device, _Out_ uint32_t *power)');
    const rc = init() as number;
    if (rc !== NVML_SUCCESS) {
      return { ok: false, info: { id: 'nvml', domains: [], status: 'error', detail: `nvmlInit failed with code ${rc} (${loaded}); is the NVIDIA driver loaded? Try \`nvidia-smi\`` } };
    }
    const n = [0];
    if ((count(n) as number) !== NVML_SUCCESS || !n[0]) {
      shutdown();
      return { ok: false, info: { id: 'nvml', domains: [], status: 'unavailable', detail: `NVML (${loaded}) reports no GPU` } };
    }
    const api: NvmlApi = {
      shutdown: () => void shutdown(),
      energyMj: (d) => {
        const out = [0];
        return (energy(d, out) as number) === NVML_SUCCESS ? Number(out[0]) : null;
      },
      powerMw: (d) => {
        const out = [0];
        return (power(d, out) as number) === NVML_SUCCESS ? Number(out[0]) : null;
      },
    };
    const gpus: Gpu[] = [];
    for (let i = 0; i < n[0]; i++) {
      const dev: unknown[] = [null];
      if ((handle(i, dev) as number) !== NVML_SUCCESS) continue;
      const buf = Buffer.alloc(96);
      name(dev[0], buf, buf.length);
      const gpuName = buf.subarray(0, Math.max(0, buf.indexOf(0))).toString('utf8') || `GPU ${i}`;
      const probe = [0];
      const rcEnergy = energy(dev[0], probe) as number;
      gpus.push({
        index: i,
        name: gpuName,
        domain: `gpu:${i}`,
        device: dev[0],
        mode: rcEnergy === NVML_SUCCESS ? 'energy-counter' : 'power-integration',
        startMj: null,
        counterJ: 0,
        integratedJ: 0,
        lastW: 0,
        lastMs: null,
      });
      if (rcEnergy !== NVML_SUCCESS && rcEnergy !== NVML_ERROR_NOT_SUPPORTED) {
        errors.push(`GPU ${i}: energy counter returned code ${rcEnergy}`);
      }
    }
    return { ok: true, meter: new NvmlMeter(api, gpus, loaded) };
  } catch (e) {
    return { ok: false, info: { id: 'nvml', domains: [], status: 'error', detail: `${loaded} could not be used: ${(e as Error).message}` } };
  }
}
