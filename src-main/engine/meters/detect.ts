/**
 * Picks the meters that work on this machine. Every source is tried and reported (working, or
 * why not and the fix); the labelled estimate covers the CPU only when no counter does.
 */
import type { MeterInfo } from '../../shared/types';
import { detectAmdEnergy, detectAmdGpu, HWMON_ROOT } from './amd';
import { CpuTdpEstimateMeter, type EstimateOptions } from './estimate';
import { MeterSet, type MeterSetOptions } from './meter-set';
import { detectNvidiaSmi } from './nvidia-smi';
import { detectNvml } from './nvml';
import { detectRapl, POWERCAP_ROOT } from './rapl';
import type { Detection, Meter } from './types';

export interface DetectOptions extends MeterSetOptions {
  powercapRoot?: string;
  hwmonRoot?: string;
  env?: NodeJS.ProcessEnv;
  nvidiaSmi?: string;
  estimate?: EstimateOptions;
}

export interface DetectResult {
  meters: Meter[];
  /** Every source considered, working or not. */
  report: MeterInfo[];
  /** True when every figure will be an estimate. */
  estimatedOnly: boolean;
}

export function detectMeters(options: DetectOptions = {}): DetectResult {
  const env = options.env ?? process.env;
  // ECOPT_POWERCAP_ROOT / ECOPT_HWMON_ROOT point at fixture trees in tests
  const powercap = options.powercapRoot ?? env.ECOPT_POWERCAP_ROOT ?? POWERCAP_ROOT;
  const hwmon = options.hwmonRoot ?? env.ECOPT_HWMON_ROOT ?? HWMON_ROOT;
  const detections: Detection[] = [guarded('rapl', () => detectRapl(powercap)), guarded('amd_energy', () => detectAmdEnergy(hwmon))];
  const nvml = guarded('nvml', () => detectNvml(env));
  detections.push(nvml);
  // nvidia-smi only where NVML itself cannot be used: it reads the same driver, less precisely
  if (!nvml.ok) detections.push(guarded('nvidia-smi', () => detectNvidiaSmi(options.nvidiaSmi ?? env.ECOPT_NVIDIA_SMI ?? 'nvidia-smi', options.clock)));
  detections.push(guarded('amdgpu', () => detectAmdGpu(hwmon)));

  const meters: Meter[] = [];
  const report: MeterInfo[] = [];
  const covered = new Set<string>();
  for (const d of detections) {
    if (!d.ok) {
      report.push(d.info);
      continue;
    }
    const fresh = d.meter.domains.filter((x) => !covered.has(x));
    if (fresh.length === 0) {
      report.push({ ...d.meter.info(), status: 'unused', detail: `duplicate of a source already in use: ${d.meter.info().detail}` });
      d.meter.close();
      continue;
    }
    fresh.forEach((x) => covered.add(x));
    meters.push(d.meter);
    report.push(d.meter.info());
  }
  const cpuMeasured = [...covered].some((x) => x.startsWith('cpu-package'));
  if (!cpuMeasured) {
    const estimate = new CpuTdpEstimateMeter(options.estimate);
    meters.push(estimate);
    report.push(estimate.info());
  }
  return { meters, report, estimatedOnly: meters.every((m) => m instanceof CpuTdpEstimateMeter) };
}

/** A source whose detection throws is reported as an error; the others still work. */
function guarded(id: string, detect: () => Detection): Detection {
  try {
    return detect();
  } catch (e) {
    return { ok: false, info: { id, domains: [], status: 'error', detail: `detection failed: ${(e as Error).message}` } };
  }
}

/** A plain-language verdict on what the figures will be, for `ecopt meters` and the app. */
export function meterVerdict(result: Pick<DetectResult, 'report' | 'estimatedOnly'>): string {
  if (result.estimatedOnly) {
    const reasons = result.report.filter((r) => r.status !== 'ok').map((r) => `${r.id}: ${r.detail}`);
    return (
      'Every energy figure will be ESTIMATED, not measured: no hardware energy counter can be read on this machine ' +
      `(a virtual machine or container usually hides them). Why each source is missing:\n  ${reasons.join('\n  ')}`
    );
  }
  const measured = result.report.filter((r) => r.status === 'ok' && r.detail.startsWith('measured')).flatMap((r) => r.domains);
  const estimated = result.report.filter((r) => r.status === 'ok' && r.detail.startsWith('estimate')).flatMap((r) => r.domains);
  return `Measured: ${measured.join(', ')}.` + (estimated.length ? ` Estimated (no counter covers them): ${estimated.join(', ')}.` : '');
}

export function createMeterSet(options: DetectOptions = {}): { set: MeterSet; report: MeterInfo[]; estimatedOnly: boolean } {
  const { meters, report, estimatedOnly } = detectMeters(options);
  return { set: new MeterSet(meters, options), report, estimatedOnly };
}
