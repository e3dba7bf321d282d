/**
 * Each energy source as a compliance reader can follow it: what it is, whether it was used, and
 * what to do about it, without library errors or command lines (the raw detail stays in the
 * JSON report's `meters[].detail`).
 */
import { meterName } from '../../shared/meter-words';
import type { MeterInfo } from '../../shared/types';

function domainsText(domains: readonly string[]): string {
  const parts = new Set(domains.map((d) => (d.startsWith('gpu') ? 'GPU' : d.startsWith('dram') ? 'memory' : d.startsWith('platform') ? 'the whole platform' : 'the CPU package')));
  return [...parts].join(', ');
}

/** `cpuModel`: the measuring machine's CPU, so that a hint can say whether it applies there. */
export function meterWords(m: MeterInfo, cpuModel = ''): string {
  const name = meterName(m.id);
  const d = m.detail;
  if (m.status === 'ok') {
    if (m.id === 'cpu-tdp-estimate') {
      const u = /±(\d+)%/.exec(d);
      return `${name}: used for ${domainsText(m.domains) || 'the CPU package'}, because no energy counter of the CPU could be read. Its figures are estimates${u ? `, ±${u[1]}%` : ''}. Fix: run on a machine whose CPU energy counters are readable (not a virtual machine) for measured figures.`;
    }
    return `${name}: used, measuring ${domainsText(m.domains)}.`;
  }
  if (m.status === 'unused') return `${name}: present but not used, because another source already measures the same devices.`;
  if (m.status === 'unavailable') {
    switch (m.id) {
      case 'rapl':
        return `${name}: not present on this machine (a virtual machine, a processor without them, or not Linux), so the CPU's energy was estimated. Fix: for measured CPU figures, run on a physical Linux machine with an Intel or AMD Zen processor.`;
      case 'amd_energy':
        return /\b(EPYC|Threadripper)\b/i.test(cpuModel)
          ? `${name}: not present, although this machine's processor (${cpuModel.trim()}) is an AMD server processor that has them: in a virtual machine they are not passed through; on a physical machine, load the amd_energy driver (or rely on RAPL, which these processors also expose) for measured CPU figures.`
          : `${name}: not present (only on AMD server processors with the amd_energy driver loaded). No action needed unless this is such a machine.`;
      case 'nvml':
      case 'nvidia-smi':
        return `${name}: not present: no NVIDIA driver on this machine, so no NVIDIA GPU could be measured. No action needed on a machine without an NVIDIA GPU; otherwise install the NVIDIA driver.`;
      case 'amdgpu':
        return `${name}: not present: no AMD GPU on this machine. No action needed.`;
      default:
        return `${name}: not present on this machine.`;
    }
  }
  // status error: present, but could not be used
  if (/readable only by root|permission denied|EACCES/i.test(d)) {
    return `${name}: present but readable only by the administrator (a security default since 2020), so it was not used. Fix: an administrator can make the energy counters readable to ordinary users with a udev rule (see "Where the joules come from" in ECOpt's README), or run ECOpt as the administrator.`;
  }
  if (m.id === 'nvml' || m.id === 'nvidia-smi') {
    return `${name}: the driver library is installed but did not start, so the GPU was not measured. Fix: check that the NVIDIA driver is loaded and the GPU is visible to the system, then measure again.`;
  }
  if (m.id === 'amdgpu') return `${name}: present but it exposes no energy or power reading. Fix: update the operating system's amdgpu driver.`;
  return `${name}: present but could not be used (the technical detail is in the JSON report). Fix: see ECOpt's meters screen for the cause on this machine.`;
}
