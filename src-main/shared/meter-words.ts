/**
 * Plain words for the energy meters' identifiers, for people who do not know what RAPL or NVML
 * is (walk 34: "cpu-tdp-estimate" and "cpu-package" meant nothing to a non-programmer). The
 * meters screen shows the identifier under the words; the report's list of sources uses the same
 * words. Pure TypeScript: the renderer imports it.
 */

const SOURCES: Record<string, string> = {
  rapl: "The processor's RAPL energy counters (CPU package and memory; Intel, AMD Zen)",
  amd_energy: "AMD's per-socket CPU energy counters (amd_energy driver)",
  nvml: "The NVIDIA driver's GPU energy counter (NVML)",
  'nvidia-smi': "The NVIDIA driver's GPU power readings (nvidia-smi)",
  amdgpu: "The AMD GPU driver's energy sensor (amdgpu)",
  'cpu-tdp-estimate': "An estimate of the CPU's energy from its rated power (TDP) and its measured utilisation",
};

/** What an energy source is, in a sentence's words (the meters screen, the report's sources); an unknown one by its id. */
export function meterName(id: string): string {
  return SOURCES[id] ?? `The ${id} energy source`;
}

const STATUS: Record<string, string> = {
  ok: 'in use',
  unavailable: 'not on this machine',
  error: 'found, but cannot be read',
  unused: 'not needed (another source already reads it)',
};

export function meterStatusWords(status: string): string {
  return STATUS[status] ?? status;
}

/** cpu-package:0 → "CPU package 0", dram:0 → "memory (socket 0)", gpu:1 → "graphics card 1", gpu:amd0 → "AMD graphics card 0", platform:psys → "whole platform". */
export function domainWords(domain: string): string {
  const [kind = domain, which] = domain.split(':');
  switch (kind) {
    case 'cpu-package':
      return which === undefined ? 'CPU package' : `CPU package ${which}`;
    case 'dram':
      return which === undefined ? 'memory' : `memory (socket ${which})`;
    case 'gpu':
      if (which === undefined) return 'graphics card';
      return which.startsWith('amd') ? `AMD graphics card ${which.slice(3)}` : `graphics card ${which}`;
    case 'platform':
    case 'psys':
      return 'whole platform';
    default:
      return domain;
  }
}

/**
 * An estimate made on a virtual machine (the processor's "hypervisor" flag): the TDP is the whole
 * processor's, of which the machine may have a few cores, so the estimate is likely too high,
 * beyond its ± (walks 47, 48: an AMD EPYC slice of 2 cores charged 85 W at full load). Empty for
 * other estimates and for estimates stored before it was recorded.
 */
export function estimateCaveat(inputs: Record<string, string | number>): string {
  return inputs.virtualMachine === 'yes'
    ? "; on a virtual machine the TDP is the whole processor's, which it shares with other machines, so this is likely too high"
    : '';
}

/** Other programs' share of the CPUs above which a trial is said to have been measured beside them. */
export const OTHER_LOAD_SHARE = 0.1;

/**
 * What the app says of other programs' work beside a study's measurements, as `show` does
 * (walk 50: the baseline taken 88% busy and trials at 64–77% other load, and no word in the app);
 * null where there was none to speak of.
 */
export function otherLoadText(load: { trials: readonly { trial: number; others: number }[]; baselineUnderLoad: string | null } | undefined): string | null {
  if (!load || (load.trials.length === 0 && load.baselineUnderLoad === null)) return null;
  const parts: string[] = [];
  // the baseline's own warning says what it means for the figures net of idle
  if (load.baselineUnderLoad !== null) parts.push(`The latest idle baseline: ${load.baselineUnderLoad.replace(/\.$/, '')}.`);
  if (load.trials.length) {
    const listed = load.trials.slice(0, 8).map((t) => `#${t.trial} (${Math.round(t.others * 100)}%)`).join(', ') + (load.trials.length > 8 ? ` and ${load.trials.length - 8} more` : '');
    parts.push(
      `${load.trials.length === 1 ? 'Trial' : 'Trials'} ${listed} ${load.trials.length === 1 ? 'was' : 'were'} measured while other programs kept over ${Math.round(OTHER_LOAD_SHARE * 100)}% of the CPUs busy (the most, in training or inference): ${load.trials.length === 1 ? 'its' : 'their'} own figures leave that work out by CPU time, the whole machine's include it, and ${load.trials.length === 1 ? 'it' : 'they'} may read differently on a quiet machine.`,
    );
  }
  return `Other programs were busy on this machine while the study measured. ${parts.join(' ')} For the truest figures, run studies on an otherwise idle machine.`;
}
