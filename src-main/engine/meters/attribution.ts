/**
 * Whose energy is it? Each trial window keeps the machine's energy per domain (gross) and the
 * trial's own share (attributed), which objectives, fronts and reports use; net of idle is kept
 * where it means something and never stored negative.
 *
 * With T the window's length, b the trial tree's CPU time, B the machine's busy CPU time (both
 * core-seconds), n the logical cores and E a domain's gross energy:
 *  - GPU domains (`gpu:*`): the trial holds the GPU, so attributed = E.
 *  - The TDP estimate (no counter covers the CPU): attributed = b × TDP / n. A busy core-second
 *    carries its dynamic power TDP(1 − idleShare)/n and 1/n of the package's static power
 *    TDP·idleShare. Exact under the estimate's own model; other programs' load never enters it.
 *  - Measured CPU-side domains (package, DRAM, platform): with a trusted idle baseline P₀ (taken
 *    on a machine less than 10% busy), attributed = P₀·b/n + max(0, E − P₀·T)·b/max(B, b): the
 *    static power shared per core-second like the estimate, the power above idle shared by CPU
 *    time. Exact when dynamic power is proportional to busy CPU time, which holds for package
 *    power within the per-core spread of frequency and instruction mix, and less well for DRAM.
 *    Without a trusted baseline: attributed = E·b/max(B, b) (static power then follows CPU share
 *    too, so it moves with other programs' load: flagged on the window).
 *  - Windows with no CPU accounting (not Linux, or a runner that tracks no process): the whole
 *    machine's figure, recorded as such.
 */
import type { DomainEnergy, EnergyWindow, MeterFlag } from '../../shared/types';
import { countedDomains } from './meter-set';

/** A phase shorter than this holds fewer than 10 ticks of CPU time: its own share is coarse. */
export const COARSE_SHARE_S = 0.1;
const SHORT_PHASE_FIX =
  "The trial's whole process is measured for the campaign either way, so no total misses it. For a command of yours: make the phase last 0.1 s or more, or leave it out if its energy does not matter (an evaluate phase is optional); for ECOpt's own trainer there is nothing to do (a phase as short as its data make it)";

/** An idle baseline is trusted for static power when the machine was less busy than this. */
export const TRUSTED_IDLE_BUSY_SHARE = 0.1;

export interface IdleBaseline {
  powerW: Record<string, number>;
  /** Share of the machine's CPU capacity in use during the baseline (0–1); null when unknown. */
  busyShare: number | null;
  trusted: boolean;
}

export function idleBaseline(idle: EnergyWindow): IdleBaseline {
  const powerW = Object.fromEntries(idle.domains.map((d) => [d.domain, idle.durationS > 0 ? d.energyJ / idle.durationS : 0]));
  const cpu = idle.cpu;
  const busyShare = cpu && idle.durationS > 0 ? Math.min(1, cpu.machineBusyS / (cpu.cores * idle.durationS)) : null;
  return { powerW, busyShare, trusted: busyShare !== null && busyShare < TRUSTED_IDLE_BUSY_SHARE };
}

/** The flag an idle window gets when other programs kept the machine busy while it was taken. */
export function baselineFlags(idle: EnergyWindow): MeterFlag[] {
  const b = idleBaseline(idle);
  if (b.trusted || b.busyShare === null) return [];
  return [
    {
      domain: '*',
      kind: 'baseline-under-load',
      message: `other programs kept the CPU ${(b.busyShare * 100).toFixed(0)}% busy while the idle baseline was taken: it is not an idle machine, so figures "net of idle" are not computed; each trial's own (attributed) energy is used`,
    },
  ];
}

export function isGpuDomain(domain: string): boolean {
  return domain.startsWith('gpu');
}

function attributeDomain(d: DomainEnergy, w: EnergyWindow, baseline: IdleBaseline | null): number {
  const cpu = w.cpu;
  if (isGpuDomain(d.domain)) return d.energyJ;
  if (!cpu || cpu.treeS === null) return d.energyJ;
  const b = cpu.treeS;
  if (d.provenance.method === 'estimated') {
    const tdpW = Number(d.provenance.inputs.tdpW);
    if (Number.isFinite(tdpW)) return Math.min(d.energyJ, (b * tdpW) / cpu.cores);
  }
  const share = b / Math.max(cpu.machineBusyS, b, 1e-9);
  const p0 = baseline?.trusted ? baseline.powerW[d.domain] : undefined;
  if (p0 === undefined) return d.energyJ * share;
  const staticJ = (p0 * b) / cpu.cores;
  return Math.min(d.energyJ, staticJ + Math.max(0, d.energyJ - p0 * w.durationS) * share);
}

/** How the window's attributed figures were obtained, for the trial's record and the report. */
export function attributionMethod(w: EnergyWindow, baseline: IdleBaseline | null): string {
  if (!w.cpu || w.cpu.treeS === null) return 'whole-machine: no per-process CPU accounting on this system';
  const parts = [];
  if (w.domains.some((d) => d.provenance.method === 'estimated')) parts.push("estimate: CPU-seconds of the trial's processes × TDP / cores");
  if (w.domains.some((d) => d.provenance.method === 'measured' && !isGpuDomain(d.domain))) {
    parts.push(baseline?.trusted ? 'measured CPU/DRAM: idle power per core-second + power above idle × CPU-time share' : 'measured CPU/DRAM: energy × CPU-time share (no trusted idle baseline)');
  }
  if (w.domains.some((d) => isGpuDomain(d.domain))) parts.push('GPU: all of it (the trial holds the GPU)');
  return parts.join('; ');
}

/**
 * Adds the trial's attributed share and, where it is meaningful, net-of-idle energy to a
 * window. Never produces a negative figure: a net that would be negative is left out and the
 * window says why.
 */
export function attributeWindow<W extends EnergyWindow>(w: W, baseline: IdleBaseline | null): W {
  const flags: MeterFlag[] = [...(w.flags ?? [])];
  const domains = w.domains.map((d) => {
    const out: DomainEnergy = { ...d, energyJ: Math.max(0, d.energyJ), attributedEnergyJ: Math.max(0, attributeDomain(d, w, baseline)) };
    delete out.netEnergyJ;
    if (baseline?.trusted && d.domain in baseline.powerW) {
      const net = d.energyJ - baseline.powerW[d.domain]! * w.durationS;
      if (net >= 0) out.netEnergyJ = net;
      else
        flags.push({
          domain: d.domain,
          kind: 'net-meaningless',
          // a window of a few ticks reads below idle without any change of load (walk 44: a quiet machine's 4 ms evaluate phase)
          message:
            w.durationS < COARSE_SHARE_S
              ? `${d.domain}: this window lasted under ${COARSE_SHARE_S * 1000} ms, too short for the readings (CPU time in 10 ms ticks; a counter's updates) to show the machine above its idle power, so "net of idle" is not meaningful here; the trial's attributed figure is used`
              : `${d.domain}: the machine drew less than its idle baseline during this window (background load changed since the baseline), so "net of idle" is not meaningful here; the trial's attributed figure is used`,
        });
    }
    return out;
  });
  // the trial's processes used no CPU time here: its own share is 0 J, said rather than silent
  // (a short phase under one 10 ms tick, as the built-in trainer's evaluation can be; or a
  // command whose work ran in another process, or on a device ECOpt does not meter). The
  // messages name no duration, so that `ecopt show` lists each once with the trials it touched.
  const cpuSide = domains.some((d) => !isGpuDomain(d.domain) && d.energyJ > 0);
  if (w.phase !== 'idle' && w.cpu?.treeS === 0 && cpuSide && domains.some((d) => !isGpuDomain(d.domain) && d.attributedEnergyJ === 0)) {
    flags.push({
      domain: '*',
      kind: 'no-own-share',
      message: `the trial's processes used no measurable CPU time in its ${w.phase} phase (CPU time is read in 10 ms ticks), so its own share of the CPU energy is 0 J: its work there was under one tick, or ran in another process or on a device ECOpt does not meter, which this figure does not include${w.durationS < COARSE_SHARE_S ? `. ${SHORT_PHASE_FIX}` : ''}`,
    });
  } else if ((w.phase === 'train' || w.phase === 'infer') && w.cpu && w.cpu.treeS !== null && w.durationS < COARSE_SHARE_S && cpuSide) {
    // a few ticks of CPU time in a phase of a few milliseconds: the share read from them is coarse
    // (walk 37: a 4 ms phase whose one 10 ms tick made its own share the whole machine's). Not
    // said of an evaluate phase: its figure is no objective, and the campaign counts the whole
    // process (outside the phases is what the process used less the phases' shares), so a coarse
    // share there moves no total; the built-in trainer's is a few milliseconds every trial.
    flags.push({
      domain: '*',
      kind: 'coarse-share',
      message: `the ${w.phase} phase lasted under ${COARSE_SHARE_S * 1000} ms, a few ticks of the 10 ms clock the trial's CPU time is read with, so its own share of the CPU energy here is coarse (anywhere from none to all of the machine's). ${SHORT_PHASE_FIX}`,
    });
  }
  if (baseline && !baseline.trusted && baseline.busyShare !== null) {
    flags.push({
      domain: '*',
      kind: 'net-meaningless',
      message: `the idle baseline was taken while other programs kept the CPU ${(baseline.busyShare * 100).toFixed(0)}% busy, so "net of idle" is not computed; the trial's attributed figure is used`,
    });
  }
  return { ...w, domains, ...(flags.length ? { flags } : {}) };
}

/**
 * The trial's own energy over a window: attributed where known, otherwise the gross figure,
 * over the domains that add up (RAPL's platform domain contains the others).
 */
export function windowAttributedJ(w: EnergyWindow): number {
  const counted = countedDomains(w.domains);
  return w.domains.filter((d) => counted(d.domain)).reduce((a, d) => a + (d.attributedEnergyJ ?? d.energyJ), 0);
}
