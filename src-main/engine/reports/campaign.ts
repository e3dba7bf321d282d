/**
 * What developing the model cost: the energy of the whole tuning campaign. Every trial's windows
 * count, whatever became of the trial (complete, pruned, failed, interrupted), at the trial's own
 * (attributed) figure; the idle baselines count at the machine's, since the study alone asked for
 * them — unless other programs kept the machine busy while one was taken (`baseline-under-load`):
 * the machine was not idle for the study then, its energy was mostly their work, and attribution
 * charges a process that does nothing nothing, so that baseline is not counted (its machine
 * energy is kept in `idle.underLoadGrossJ` and the whole machine's total). Windows measured
 * before attribution count at the machine's figure, and are counted.
 */
import type { CampaignFigures, CampaignRun } from '../../shared/report';
import type { Remeasurement } from '../../shared/remeasure';
import type { TrialState } from '../../shared/types';
import type { StoredWindow } from '../store/store';
import { methodOf, windowTotals, type ProcessEnergy } from '../trials/energy';

const J_PER_KWH = 3.6e6;

export type CampaignWindow = { trial: { number: number; state: TrialState } | null; window: StoredWindow };

function windowFigures(w: StoredWindow, idle: boolean) {
  const f = windowTotals(w, (d) => (idle ? d.energyJ : (d.attributedEnergyJ ?? d.energyJ)));
  return {
    ...f,
    unattributed: !idle && f.parts.some((d) => d.attributedEnergyJ === undefined),
    methods: f.parts.map((d) => d.provenance.method),
    sources: f.parts.map((d) => `${d.domain}:${d.provenance.source}`),
    gpus: f.parts.filter((d) => d.domain.startsWith('gpu')).map((d) => d.domain),
  };
}

/** An idle baseline taken while other programs kept the machine busy: not the study's energy. */
function underLoad(w: StoredWindow): boolean {
  return (w.flags ?? []).some((f) => f.kind === 'baseline-under-load');
}

/** Adds the windows of one run (a trial, or an idle baseline) together. */
function runOf(items: readonly CampaignWindow[], host: string | null): CampaignRun {
  const first = items[0]!;
  let energyJ = 0;
  let grossEnergyJ = 0;
  let cpuJ = 0;
  let gpuJ = 0;
  let ramJ = 0;
  let durationS = 0;
  let absU = 0;
  let unknown = false;
  let busy = 0;
  let capacity = 0;
  const methods = new Set<string>();
  const sources = new Set<string>();
  const gpus = new Set<string>();
  for (const { trial, window: w } of items) {
    const f = windowFigures(w, trial === null);
    energyJ += f.energyJ;
    grossEnergyJ += f.grossEnergyJ;
    cpuJ += f.cpuJ;
    gpuJ += f.gpuJ;
    ramJ += f.ramJ;
    durationS += w.durationS;
    absU += f.absU;
    unknown ||= f.unknown;
    f.methods.forEach((m) => methods.add(m));
    f.sources.forEach((x) => sources.add(x));
    f.gpus.forEach((g) => gpus.add(g));
    if (w.cpu && w.cpu.cores > 0) {
      busy += w.cpu.machineBusyS;
      capacity += w.cpu.cores * w.durationS;
    }
  }
  return {
    trial: first.trial?.number ?? null,
    state: first.trial?.state ?? 'idle-baseline',
    startedAtMs: Math.min(...items.map((i) => i.window.startedAtMs)),
    durationS,
    energyJ,
    grossEnergyJ,
    cpuEnergyJ: cpuJ,
    gpuEnergyJ: gpuJ,
    ramEnergyJ: ramJ,
    gpuCount: gpus.size,
    cpuBusyShare: capacity > 0 ? Math.min(1, busy / capacity) : null,
    method: methodOf(methods),
    sources: [...sources].sort(),
    uncertaintyRel: unknown ? null : energyJ > 0 ? Number((absU / energyJ).toPrecision(12)) : 0, // 0.6, not 0.6000000000000002, in the JSON
    host,
  };
}

/**
 * The runs, each with its machine: a trial's is the host that ran it (a re-measurement made
 * elsewhere counts with its trial), an idle baseline's the host that took it.
 */
function runsOf(windows: readonly CampaignWindow[], hostOf: ReadonlyMap<number, string | null>): CampaignRun[] {
  const groups = new Map<string, CampaignWindow[]>();
  for (const cw of windows) {
    // a baseline taken under load is not counted (see the top of this file): no run of its own
    if (!cw.trial && underLoad(cw.window)) continue;
    const key = cw.trial ? `trial ${cw.trial.number}` : `idle ${cw.window.id}`;
    groups.set(key, [...(groups.get(key) ?? []), cw]);
  }
  return [...groups.values()].map((items) => runOf(items, items[0]!.trial ? (hostOf.get(items[0]!.trial.number) ?? null) : (items[0]!.window.host ?? null))).sort((a, b) => a.startedAtMs - b.startedAtMs);
}

type CampaignTrial = { number: number; state: TrialState; host?: string | null };

/**
 * Whether windows of two different runs (trials, or a baseline and a trial) were open at once, by
 * more than 50 ms: several workers or devices. A trial's own windows follow one another; the
 * runs' summed times (walk 44: a sequential study was said to have run "at once") cannot tell.
 */
function concurrentWindows(windows: readonly CampaignWindow[]): boolean {
  const sorted = windows
    .map((cw) => ({ key: cw.trial ? `t${cw.trial.number}` : `i${cw.window.id}`, start: cw.window.startedAtMs, end: cw.window.startedAtMs + cw.window.durationS * 1000 }))
    .sort((a, b) => a.start - b.start);
  // the latest-ending window so far, and the latest-ending one of another run than it
  let a: { key: string; end: number } | null = null;
  let b: { key: string; end: number } | null = null;
  for (const w of sorted) {
    const other = a && a.key !== w.key ? a : b;
    if (other && w.start < other.end - 50) return true;
    if (!a || w.end > a.end) {
      if (a && a.key !== w.key) b = a;
      a = { key: w.key, end: w.end };
    } else if (w.key !== a.key && (!b || w.end > b.end)) b = { key: w.key, end: w.end };
  }
  return false;
}
type Outside = {
  trial: CampaignTrial;
  energyJ: number;
  grossEnergyJ: number;
  cpuJ: number;
  gpuJ: number;
  ramJ: number;
  durationS: number;
  absU: number;
  unknown: boolean;
  method: string;
  /** The whole process's time, where it was measured: the run and the campaign's span start and end with it. */
  process?: { startMs: number; endMs: number };
};

/**
 * Per trial whose whole process was measured (attrs.process_energy, trials/energy.ts), what it
 * used outside its phases' windows: the process's figures less those of the windows inside its
 * time (a re-measurement's later window is not), never below 0.
 */
function outsidePhases(windows: readonly CampaignWindow[], trials: readonly CampaignTrial[], processEnergy: ReadonlyMap<number, ProcessEnergy>): Outside[] {
  const out: Outside[] = [];
  if (processEnergy.size === 0) return out;
  // each trial's windows, grouped once: a study may hold thousands of trials
  const byTrial = new Map<number, StoredWindow[]>();
  for (const cw of windows) if (cw.trial) byTrial.set(cw.trial.number, [...(byTrial.get(cw.trial.number) ?? []), cw.window]);
  for (const t of trials) {
    const p = processEnergy.get(t.number);
    if (!p) continue;
    const end = p.startedAtMs + p.durationS * 1000;
    const inside = (byTrial.get(t.number) ?? []).filter((w) => w.startedAtMs >= p.startedAtMs - 1 && w.startedAtMs <= end).map((w) => ({ f: windowFigures(w, false), d: w.durationS }));
    const sum = (k: 'energyJ' | 'grossEnergyJ' | 'cpuJ' | 'gpuJ' | 'ramJ') => inside.reduce((a, x) => a + x.f[k], 0);
    const energyJ = Math.max(0, p.energyJ - sum('energyJ'));
    out.push({
      trial: t,
      energyJ,
      grossEnergyJ: Math.max(0, p.grossEnergyJ - sum('grossEnergyJ')),
      cpuJ: Math.max(0, p.cpuJ - sum('cpuJ')),
      gpuJ: Math.max(0, p.gpuJ - sum('gpuJ')),
      ramJ: Math.max(0, p.ramJ - sum('ramJ')),
      durationS: Math.max(0, p.durationS - inside.reduce((a, x) => a + x.d, 0)),
      absU: energyJ * (p.uncertaintyRel ?? 0),
      unknown: p.uncertaintyRel === null && energyJ > 0,
      method: p.method,
      process: { startMs: p.startedAtMs, endMs: end },
    });
  }
  return out;
}

/** Trials of a state (default: all four) that stored no window at all: their process was killed before it could. */
export function unrecordedTrials(c: CampaignFigures, state?: keyof CampaignFigures['byState']): number {
  const states: readonly (keyof CampaignFigures['byState'])[] = state ? [state] : ['complete', 'pruned', 'failed', 'interrupted'];
  return states.reduce<number>((n, s) => n + Math.max(0, c.byState[s].trials - new Set(c.runs.filter((x) => x.trial !== null && x.state === s).map((x) => x.trial)).size), 0);
}

/**
 * Per re-measurement whose whole process was measured (Remeasurement.process), what it used
 * beside its inference window (starting, loading the model), never below 0.
 */
function outsideRemeasurements(windows: readonly CampaignWindow[], trials: readonly CampaignTrial[], remeasured: ReadonlyMap<number, readonly Remeasurement[]>): Outside[] {
  const out: Outside[] = [];
  if (remeasured.size === 0) return out;
  const byId = new Map(windows.map((cw) => [cw.window.id, cw.window]));
  for (const t of trials) {
    for (const r of remeasured.get(t.number) ?? []) {
      const p = r.process;
      if (!p) continue;
      const w = byId.get(r.windowId);
      const f = w ? windowFigures(w, false) : null;
      const energyJ = Math.max(0, p.energyJ - (f?.energyJ ?? 0));
      out.push({
        trial: t,
        energyJ,
        grossEnergyJ: Math.max(0, p.grossEnergyJ - (f?.grossEnergyJ ?? 0)),
        cpuJ: Math.max(0, p.cpuJ - (f?.cpuJ ?? 0)),
        gpuJ: Math.max(0, p.gpuJ - (f?.gpuJ ?? 0)),
        ramJ: Math.max(0, p.ramJ - (f?.ramJ ?? 0)),
        durationS: Math.max(0, p.durationS - (w?.durationS ?? 0)),
        absU: energyJ * (p.uncertaintyRel ?? 0),
        unknown: p.uncertaintyRel === null && energyJ > 0,
        method: p.method,
      });
    }
  }
  return out;
}

/**
 * The campaign's figures, from every window of the study; `gPerKWh` is intensity × PUE. `trials`
 * (every trial of the study with its state) makes the counts those of the trials, not of the
 * trials that stored a window: a trial whose process was killed (`kill -9`, a lost machine) stored
 * nothing, yet it ran, and the report says so (unrecordedTrials). `processEnergy` (Store.processEnergies):
 * the trials whose whole process was measured, whose energy outside their phases counts too.
 */
export function campaignFigures(
  windows: readonly CampaignWindow[],
  gPerKWh: number,
  trials?: readonly CampaignTrial[],
  processEnergy: ReadonlyMap<number, ProcessEnergy> = new Map(),
  remeasured: ReadonlyMap<number, readonly Remeasurement[]> = new Map(),
): CampaignFigures {
  // re-measurements' windows, counted with their trial's and told apart (walk 40: the campaign grew and nothing said why)
  const remeasureIds = new Set([...remeasured.values()].flatMap((rs) => rs.map((r) => r.windowId)));
  const rem = { runs: 0, trials: new Set<number>(), energyJ: 0, durationS: 0 };
  const zero = () => ({ trials: 0, windows: 0, energyJ: 0, grossEnergyJ: 0, durationS: 0 });
  const byState = { complete: zero(), pruned: zero(), failed: zero(), interrupted: zero() };
  const seen = { complete: new Set<number>(), pruned: new Set<number>(), failed: new Set<number>(), interrupted: new Set<number>() };
  const idle = { windows: 0, energyJ: 0, durationS: 0, underLoad: 0, underLoadGrossJ: 0, underLoadDurationS: 0, underLoadHosts: [] as string[] };
  let energyJ = 0;
  let grossEnergyJ = 0;
  let durationS = 0;
  let absU = 0;
  let unknown = false;
  let unattributed = 0;
  const methods = new Set<string>();
  let first = Infinity;
  let last = -Infinity;
  for (const { trial, window: w } of windows) {
    const f = windowFigures(w, trial === null);
    if (trial === null && underLoad(w)) {
      idle.underLoad++;
      idle.underLoadGrossJ += f.grossEnergyJ;
      idle.underLoadDurationS += w.durationS;
      // whose machine took it, for the report's "By machine" row (walk 54: a host's uncounted baseline went unsaid there)
      if (w.host) idle.underLoadHosts.push(w.host);
      grossEnergyJ += f.grossEnergyJ;
      first = Math.min(first, w.startedAtMs);
      last = Math.max(last, w.startedAtMs + w.durationS * 1000);
      continue;
    }
    energyJ += f.energyJ;
    grossEnergyJ += f.grossEnergyJ;
    durationS += w.durationS;
    absU += f.absU;
    unknown ||= f.unknown;
    if (f.unattributed) unattributed++;
    f.methods.forEach((m) => methods.add(m));
    first = Math.min(first, w.startedAtMs);
    last = Math.max(last, w.startedAtMs + w.durationS * 1000);
    if (trial === null) {
      idle.windows++;
      idle.energyJ += f.energyJ;
      idle.durationS += w.durationS;
      continue;
    }
    // queued or running trials have no stored windows; a state outside these four is not expected
    if (!(trial.state in byState)) continue;
    const s = trial.state as keyof typeof byState;
    if (remeasureIds.has(w.id)) {
      rem.runs++;
      rem.trials.add(trial.number);
      rem.energyJ += f.energyJ;
      rem.durationS += w.durationS;
    }
    seen[s].add(trial.number);
    byState[s].windows++;
    byState[s].energyJ += f.energyJ;
    byState[s].grossEnergyJ += f.grossEnergyJ;
    byState[s].durationS += w.durationS;
  }
  for (const k of Object.keys(byState) as (keyof typeof byState)[]) {
    byState[k].trials = trials ? trials.filter((t) => t.state === k).length : seen[k].size;
  }
  const outside = outsidePhases(windows, trials ?? [], processEnergy);
  const remeasureOutside = outsideRemeasurements(windows, trials ?? [], remeasured);
  for (const o of remeasureOutside) {
    rem.energyJ += o.energyJ;
    rem.durationS += o.durationS;
  }
  const runs = runsOf(windows, new Map((trials ?? []).map((t) => [t.number, t.host ?? null])));
  const runOfTrial = new Map(runs.filter((r) => r.trial !== null).map((r) => [r.trial!, r]));
  for (const o of [...outside, ...remeasureOutside]) {
    energyJ += o.energyJ;
    grossEnergyJ += o.grossEnergyJ;
    durationS += o.durationS;
    absU += o.absU;
    unknown ||= o.unknown;
    if (o.energyJ > 0) methods.add(o.method);
    if (o.trial.state in byState) {
      const s = byState[o.trial.state as keyof typeof byState];
      s.energyJ += o.energyJ;
      s.grossEnergyJ += o.grossEnergyJ;
      s.durationS += o.durationS;
    }
    // the process started before its first phase and ended after its last: the span runs from its start to its end
    // (walk 55: '39.3 s from first to last measurement' beside runs 40.6 s apart, and each run's time overlapping the next's)
    if (o.process) {
      first = Math.min(first, o.process.startMs);
      last = Math.max(last, o.process.endMs);
    }
    const run = runOfTrial.get(o.trial.number);
    if (run && o.process) run.startedAtMs = Math.min(run.startedAtMs, o.process.startMs);
    if (run) {
      run.energyJ += o.energyJ;
      run.grossEnergyJ += o.grossEnergyJ;
      run.cpuEnergyJ += o.cpuJ;
      run.gpuEnergyJ += o.gpuJ;
      run.ramEnergyJ += o.ramJ;
      run.durationS += o.durationS;
    }
  }
  return {
    energyJ,
    energyKWh: energyJ / J_PER_KWH,
    grossEnergyJ,
    durationS,
    spanS: Number.isFinite(first) ? (last - first) / 1000 : null,
    concurrent: concurrentWindows(windows),
    byState,
    idle,
    prunedOrFailedShare: energyJ > 0 ? (byState.pruned.energyJ + byState.failed.energyJ) / energyJ : 0,
    interruptedShare: energyJ > 0 ? byState.interrupted.energyJ / energyJ : 0,
    unattributedWindows: unattributed,
    method: methodOf(methods),
    uncertaintyRel: unknown ? null : energyJ > 0 ? Number((absU / energyJ).toPrecision(12)) : 0, // 0.6, not 0.6000000000000002, in the JSON
    emissionsG: (energyJ / J_PER_KWH) * gPerKWh,
    runs: runs.sort((a, b) => a.startedAtMs - b.startedAtMs),
    ...(rem.runs ? { remeasured: { runs: rem.runs, trials: rem.trials.size, energyJ: rem.energyJ, durationS: rem.durationS, wholeProcess: remeasureOutside.length } } : {}),
    ...(outside.length ? { outsidePhases: { trials: outside.length, energyJ: outside.reduce((a, o) => a + o.energyJ, 0), durationS: outside.reduce((a, o) => a + o.durationS, 0) } } : {}),
  };
}
