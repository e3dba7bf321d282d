/**
 * NVIDIA GPUs through NVML, loaded with koffi (prebuilt FFI, nothing to compile). Per GPU, the
 * total-energy counter (Volta and newer) is preferred: NVML's power readings are averages that
 * recent GPUs update for only part of each second, so integrating them misses energy. Where the
 * counter is unsupported, power is polled at the meter set's rate (≥ 10 Hz) and integrated.
 * Where both exist, the integrated power is kept as a cross-check.
 *
 * Power is read as the instantaneous field (NVML_FI_DEV_POWER_INSTANT) where the driver has it:
 * `nvmlDeviceGetPowerUsage` is a trailing 1-s average on Ampere and newer, which lags every change
 * of load. Measured on an H200 (driver 580) against the counter, over a PyTorch trial's windows:
 * the average integrated to 4–12% under it on 3-s windows, 47–53% under on 0.7-s ones, and
 * 13–190% over on the 1-s window after inference, where the GPU fell back to idle; the
 * instantaneous field to within 4% on every window of 2 s or more. Where only the average exists,
 * the cross-check waits for windows long enough that its lag cannot reach the tolerance.
 */
import koffi from 'koffi';
import type { MeterFlag, MeterInfo, Provenance } from '../../shared/types';
import { PolledPower, WrapCounter, type PowerStats } from './counter';
import type { Detection, Meter } from './types';

const NVML_SUCCESS = 0;
const NVML_ERROR_NOT_SUPPORTED = 3;
const NVML_ERROR_INSUFFICIENT_SIZE = 7;
/** nvmlDeviceGetFieldValues' field for the instantaneous power draw, mW (nvml.h). */
const NVML_FI_DEV_POWER_INSTANT = 186;
/** sizeof(nvmlFieldValue_t): fieldId, scopeId, timestamp, latencyUsec, valueType, nvmlReturn, value. */
const FIELD_VALUE_BYTES = 40;
/**
 * The shortest window the cross-check judges where power is only NVML's trailing 1-s average: it
 * lags a change of load by up to a second at each of the window's two edges, so a swing as large
 * as the load itself (idle to busy, as at a trial's start) moves the integral by up to 2 s of it;
 * under the 10% tolerance only from 20 s on.
 */
export const AVERAGED_POWER_CHECK_MIN_MS = 20_000;
/**
 * How often the total-energy counter moves: every ~10 ms on some GPUs, ~100 ms on others, and
 * NVML does not say. The longer is assumed so that a short window is never trusted by mistake.
 */
export const NVML_ENERGY_UPDATE_STEP_MS = 100;

const NVML_ERRORS: Record<number, string> = {
  1: 'NVML_ERROR_UNINITIALIZED',
  2: 'NVML_ERROR_INVALID_ARGUMENT',
  3: 'NVML_ERROR_NOT_SUPPORTED',
  4: 'NVML_ERROR_NO_PERMISSION',
  15: 'NVML_ERROR_GPU_IS_LOST (the GPU fell off the bus or was reset)',
  999: 'NVML_ERROR_UNKNOWN',
};

function nvmlError(rc: number): string {
  return `code ${rc}${NVML_ERRORS[rc] ? `, ${NVML_ERRORS[rc]}` : ''}`;
}

/** One NVML call's result: the value, or the return code it failed with. */
export type NvmlRead = { ok: true; value: number } | { ok: false; rc: number };

interface NvmlApi {
  shutdown(): void;
  energyMj(device: unknown): NvmlRead;
  /** The instantaneous field where `instant`, else nvmlDeviceGetPowerUsage (an average on recent GPUs). */
  powerMw(device: unknown, instant: boolean): NvmlRead;
  /** Pids of the compute processes on the GPU; null where the driver cannot list them. */
  processes(device: unknown): number[] | null;
}

interface Gpu {
  index: number;
  name: string;
  domain: string;
  device: unknown;
  mode: 'energy-counter' | 'power-integration';
  /** Whether power is the driver's instantaneous field rather than its trailing average. */
  instantPower: boolean;
  /** The figure in energy-counter mode. */
  counter: WrapCounter;
  /** The figure in power-integration mode; the cross-check in energy-counter mode. */
  power: PolledPower;
  /**
   * Cross-check joules for intervals where power could not be integrated: the counter's own, so
   * a failed power reading is not mistaken for a disagreement.
   */
  checkFillJ: number;
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
      const label = `gpu ${g.index}: ${g.name}`;
      let counterJ = 0;
      if (g.mode === 'energy-counter') {
        const before = g.counter.totalJ;
        const e = safe(() => this.api.energyMj(g.device));
        if (e.ok) g.counter.update(e.value, nowMs);
        else g.counter.unreadable(`nvmlDeviceGetTotalEnergyConsumption(${label}) failed (${nvmlError(e.rc)})`);
        counterJ = g.counter.totalJ - before;
      }
      const p = safe(() => this.api.powerMw(g.device, g.instantPower));
      let integratedJ: number | null = null;
      if (p.ok) integratedJ = g.power.reading(p.value / 1000, nowMs);
      else if (g.mode === 'power-integration') g.power.unreadable(`${powerCall(g.instantPower, label)} failed (${nvmlError(p.rc)})`);
      else g.power.unreadable(`${powerCall(g.instantPower, label)} failed (${nvmlError(p.rc)}); only the cross-check is affected`);
      if (g.mode === 'energy-counter' && integratedJ === null) g.checkFillJ += counterJ;
    }
  }

  /** Per GPU domain, the pids NVML lists as computing on it now (domains it cannot list left out). */
  gpuProcesses(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const g of this.gpus) {
      let pids: number[] | null = null;
      try {
        pids = this.api.processes(g.device);
      } catch {
        pids = null;
      }
      if (pids) out[g.domain] = pids;
    }
    return out;
  }

  totalsJ(): Record<string, number> {
    return Object.fromEntries(this.gpus.map((g) => [g.domain, g.mode === 'energy-counter' ? g.counter.totalJ : g.power.totalJ]));
  }

  /** Integrated polled power for GPUs that also have the counter: the cross-check. */
  checkTotalsJ(): Record<string, number> {
    return Object.fromEntries(this.gpus.filter((g) => g.mode === 'energy-counter').map((g) => [g.domain, g.power.totalJ + g.checkFillJ]));
  }

  /** A cross-check of averaged power only judges windows its lag cannot spoil. */
  checkMinWindowMs(domain: string): number | undefined {
    const g = this.gpus.find((x) => x.domain === domain);
    return g && !g.instantPower ? AVERAGED_POWER_CHECK_MIN_MS : undefined;
  }

  powerW(): Record<string, number> {
    return Object.fromEntries(this.gpus.map((g) => [g.domain, g.power.lastW]));
  }

  provenance(domain: string): Provenance {
    const g = this.gpus.find((x) => x.domain === domain)!;
    return g.mode === 'energy-counter'
      ? { method: 'measured', source: 'nvml', counter: `nvmlDeviceGetTotalEnergyConsumption(gpu ${g.index}: ${g.name})`, resolutionJ: 1e-3, uncertaintyRel: null }
      : {
          method: 'measured',
          source: 'nvml',
          counter: `${powerCall(g.instantPower, `gpu ${g.index}: ${g.name}`)} polled and integrated (${g.power.describeSampling()})`,
          resolutionJ: null,
          uncertaintyRel: null,
        };
  }

  drainFlags(): MeterFlag[] {
    return this.gpus.flatMap((g) => {
      const power = g.power.drainFlags();
      // in energy-counter mode a failed power reading spoils only the cross-check, not the figure
      return g.mode === 'energy-counter' ? g.counter.drainFlags() : power;
    });
  }

  activeFlags(): MeterFlag[] {
    return this.gpus.flatMap((g) => (g.mode === 'energy-counter' ? g.counter.activeFlags() : g.power.activeFlags()));
  }

  updateStepMs(domain: string): number | undefined {
    const g = this.gpus.find((x) => x.domain === domain);
    return g?.mode === 'energy-counter' ? NVML_ENERGY_UPDATE_STEP_MS : undefined;
  }

  powerStats(): Record<string, PowerStats> {
    return Object.fromEntries(this.gpus.filter((g) => g.mode === 'power-integration').map((g) => [g.domain, { ...g.power.stats }]));
  }

  info(): MeterInfo {
    return {
      id: this.id,
      domains: [...this.domains],
      status: 'ok',
      detail: `measured: NVML (${this.library}) ${this.gpus
        .map((g) => `GPU ${g.index} ${g.name}: ${g.mode === 'energy-counter' ? `total-energy counter${checkWords(g)}` : `${g.instantPower ? 'instantaneous ' : ''}power polled at 10 Hz and integrated (no energy counter on this GPU)`}`)
        .join('; ')}`,
    };
  }

  close(): void {
    try {
      this.api.shutdown();
    } catch {
      /* the library is going away with the process anyway */
    }
  }
}

/** The NVML call a GPU's power comes from, on `label` ("gpu 0: NVIDIA H200"), as flags and provenance name it. */
function powerCall(instantPower: boolean, label: string): string {
  return instantPower ? `nvmlDeviceGetFieldValues(${label}, NVML_FI_DEV_POWER_INSTANT)` : `nvmlDeviceGetPowerUsage(${label})`;
}

/** What the counter of a GPU is cross-checked against, for `ecopt meters`. */
function checkWords(g: Gpu): string {
  return g.instantPower
    ? ', cross-checked against instantaneous power'
    : `, cross-checked against NVML's averaged power on windows of ${AVERAGED_POWER_CHECK_MIN_MS / 1000} s or more (this driver has no instantaneous power field)`;
}

/**
 * nvmlDeviceGetFieldValues for the instantaneous power, where the library has it (R470 and
 * later); null where it does not. The value arrives in whichever type the driver says.
 */
function instantPowerReader(lib: ReturnType<typeof koffi.load>): ((device: unknown) => NvmlRead) | null {
  let fn: (d: unknown, count: number, values: Buffer) => unknown;
  try {
    fn = lib.func('int nvmlDeviceGetFieldValues(void *device, int valuesCount, void *values)') as unknown as typeof fn;
  } catch {
    return null;
  }
  return (device) => {
    const buf = Buffer.alloc(FIELD_VALUE_BYTES);
    buf.writeUInt32LE(NVML_FI_DEV_POWER_INSTANT, 0);
    const rc = fn(device, 1, buf) as number;
    if (rc !== NVML_SUCCESS) return { ok: false, rc };
    const fieldRc = buf.readInt32LE(28);
    if (fieldRc !== NVML_SUCCESS) return { ok: false, rc: fieldRc };
    const value = readFieldValue(buf, buf.readInt32LE(24));
    return value === null ? { ok: false, rc: NVML_ERROR_NOT_SUPPORTED } : { ok: true, value };
  };
}

/** nvmlValue_t at offset 32 by its nvmlValueType_t; null for a type nvml.h does not define. */
function readFieldValue(buf: Buffer, type: number): number | null {
  switch (type) {
    case 0:
      return buf.readDoubleLE(32);
    case 1:
      return buf.readUInt32LE(32);
    case 2: // unsigned long: 4 bytes on Windows, 8 elsewhere
      return process.platform === 'win32' ? buf.readUInt32LE(32) : Number(buf.readBigUInt64LE(32));
    case 3:
      return Number(buf.readBigUInt64LE(32));
    case 4:
      return Number(buf.readBigInt64LE(32));
    case 5:
      return buf.readInt32LE(32);
    case 6:
      return buf.readUInt16LE(32);
    default:
      return null;
  }
}

/** An FFI call that throws (a crashed driver) is a failed read, not a crashed study. */
function safe(call: () => NvmlRead): NvmlRead {
  try {
    return call();
  } catch {
    return { ok: false, rc: 999 };
  }
}

/** nvmlProcessInfo_t as nvmlDeviceGetComputeRunningProcesses_v3 fills it: pid first, 24 bytes. */
const PROCESS_INFO_BYTES = 24;

/**
 * nvmlDeviceGetComputeRunningProcesses_v3, where the driver has it (R470 and later): the pids
 * computing on a GPU, so a window can say when the GPU it charges to the trial was shared.
 * Without it (older drivers), or when a call fails, sharing cannot be seen: null.
 */
function processLister(lib: ReturnType<typeof koffi.load>): (device: unknown) => number[] | null {
  let fn: (d: unknown, count: number[], infos: Buffer) => unknown;
  try {
    fn = lib.func('int nvmlDeviceGetComputeRunningProcesses_v3(void *device, _Inout_ uint32_t *count, void *infos)') as unknown as typeof fn;
  } catch {
    return () => null;
  }
  return (device) => {
    let capacity = 32;
    for (let attempt = 0; attempt < 3; attempt++) {
      const buf = Buffer.alloc(capacity * PROCESS_INFO_BYTES);
      const count = [capacity];
      const rc = fn(device, count, buf) as number;
      if (rc === NVML_SUCCESS) return Array.from({ length: Math.min(count[0]!, capacity) }, (_, i) => buf.readUInt32LE(i * PROCESS_INFO_BYTES));
      if (rc !== NVML_ERROR_INSUFFICIENT_SIZE) return null;
      capacity = Math.max(capacity * 2, count[0]! + 8);
    }
    return null;
  };
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
    const call = (fn: (d: unknown, out: number[]) => unknown, d: unknown): NvmlRead => {
      const out = [0];
      const rc = fn(d, out) as number;
      return rc === NVML_SUCCESS ? { ok: true, value: Number(out[0]) } : { ok: false, rc };
    };
    const processes = processLister(lib);
    const instant = instantPowerReader(lib);
    const api: NvmlApi = {
      shutdown: () => void shutdown(),
      energyMj: (d) => call(energy, d),
      powerMw: (d, useInstant) => (useInstant && instant ? instant(d) : call(power, d)),
      processes,
    };
    const gpus: Gpu[] = [];
    // `ecopt worker --gpus`: one loop per GPU, each measuring only the device its trials run on
    const only = env.ECOPT_GPU_DEVICES ? new Set(env.ECOPT_GPU_DEVICES.split(',').map((x) => x.trim())) : null;
    for (let i = 0; i < n[0]; i++) {
      if (only && !only.has(String(i))) continue;
      const dev: unknown[] = [null];
      if ((handle(i, dev) as number) !== NVML_SUCCESS) continue;
      const buf = Buffer.alloc(96);
      name(dev[0], buf, buf.length);
      const gpuName = buf.subarray(0, Math.max(0, buf.indexOf(0))).toString('utf8') || `GPU ${i}`;
      const probe = [0];
      const rcEnergy = energy(dev[0], probe) as number;
      const domain = `gpu:${i}`;
      const instantPower = instant !== null && safe(() => instant(dev[0])).ok;
      gpus.push({
        index: i,
        name: gpuName,
        domain,
        device: dev[0],
        mode: rcEnergy === NVML_SUCCESS ? 'energy-counter' : 'power-integration',
        instantPower,
        // 64-bit mJ: no wrap; no GPU draws 3 kW
        counter: new WrapCounter({
          domain,
          source: `nvmlDeviceGetTotalEnergyConsumption(gpu ${i}: ${gpuName})`,
          maxRange: null,
          unitsPerJ: 1e3,
          maxPlausibleW: 3000,
          updateStepMs: NVML_ENERGY_UPDATE_STEP_MS,
        }),
        power: new PolledPower({ domain, source: powerCall(instantPower, `gpu ${i}: ${gpuName}`) }),
        checkFillJ: 0,
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
