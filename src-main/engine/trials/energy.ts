/**
 * From a trial's measured windows to its energy metrics: every window attributed (the trial's
 * own share beside the machine's), net of idle only where it means something, the spread of
 * each energy objective, and a flag when inference repeats spread more than 20%.
 */
import type { EnergyWindow, Metrics } from '../../shared/types';
import { attributeWindow, attributionMethod, windowAttributedJ, type IdleBaseline } from '../meters/attribution';
import { countedDomains as countedIn } from '../meters/meter-set';
import type { TrialResult } from '../store/store';

/** Inference repeats spreading more than this make a trial's inference figure `noisy`. */
export const NOISY_SPREAD_REL = 0.2;

/** Which domains of a window add into its totals (RAPL's platform domain contains the others). */
export function countedDomains(w: EnergyWindow): (domain: string) => boolean {
  return countedIn(w.domains);
}

function grossJ(w: EnergyWindow): number {
  const counted = countedDomains(w);
  return w.domains.filter((d) => counted(d.domain)).reduce((a, d) => a + d.energyJ, 0);
}

function netJ(w: EnergyWindow): number | null {
  const counted = countedDomains(w);
  const ds = w.domains.filter((d) => counted(d.domain));
  if (ds.length === 0 || ds.some((d) => d.netEnergyJ === undefined)) return null;
  return ds.reduce((a, d) => a + d.netEnergyJ!, 0);
}

/** A domain as CodeCarbon's columns split energy: GPU, RAM or CPU (package, platform). */
function domainKind(domain: string): 'cpu' | 'gpu' | 'ram' {
  return domain.startsWith('gpu') ? 'gpu' : domain.startsWith('dram') ? 'ram' : 'cpu';
}

export function attributedJ(w: EnergyWindow): number {
  return windowAttributedJ(w);
}

/**
 * The sources' uncertainty of a window's figure, over the domains that add up: the sum of each
 * domain's absolute uncertainty (linear: conservative when estimates are correlated), and whether
 * any domain's is unknown (a measured counter states none). `own` is the figure counted per domain
 * (the trial's share, or the machine's for an idle window). The trial view, the model card, the
 * report and the campaign all use this one computation.
 */
export function sourcesUncertainty<W extends EnergyWindow>(w: W, own: (d: W['domains'][number]) => number = (d) => d.attributedEnergyJ ?? d.energyJ): { absU: number; unknown: boolean } {
  const counted = countedDomains(w);
  const parts = w.domains.filter((d) => counted(d.domain));
  return {
    absU: parts.reduce((a, d) => a + Math.abs(own(d)) * (d.provenance.uncertaintyRel ?? 0), 0),
    unknown: parts.some((d) => d.provenance.uncertaintyRel === null),
  };
}

/** Relative uncertainty of a window's attributed figure from its sources (± fraction); null where a source states none or the figure is 0. */
function uncertaintyRel(w: EnergyWindow): number | null {
  const total = attributedJ(w);
  const { absU, unknown } = sourcesUncertainty(w);
  return unknown || total <= 0 ? null : absU / total;
}

/**
 * The trial's whole process, start to exit (`attrs.process_energy`): its own energy, the
 * machine's over the same time, how it was obtained. The campaign counts what of it lies outside
 * the phases' windows (start-up, imports, saving: reports/campaign.ts).
 */
export interface ProcessEnergy {
  startedAtMs: number;
  durationS: number;
  /** The trial's own; per kind of domain below. */
  energyJ: number;
  cpuJ: number;
  gpuJ: number;
  ramJ: number;
  grossEnergyJ: number;
  method: 'measured' | 'estimated' | 'mixed';
  uncertaintyRel: number | null;
}

/** A percentage just past a limit, with the decimals that show it is past it: 20.04 against 20 is "20.04", not "20.0" (walk 40). */
function overLimitText(pct: number, limit: number): string {
  for (let d = 0; d < 4; d++) {
    const t = pct.toFixed(d);
    if (Number(t) > limit) return t;
  }
  return pct.toFixed(4);
}

/** How the figures of several domains were obtained, as one word: measured, estimated, or mixed. */
export function methodOf(methods: Iterable<string>): 'measured' | 'estimated' | 'mixed' {
  const set = new Set(methods);
  return set.size > 1 ? 'mixed' : set.has('measured') ? 'measured' : 'estimated';
}

/**
 * A window's figures over the domains that add up: `own` per domain (the trial's share by
 * default; the machine's for an idle window), the machine's, split as CodeCarbon's columns are,
 * and the sources' uncertainty of the `own` figure. The campaign and the whole-process figure use it.
 */
export function windowTotals<W extends EnergyWindow>(w: W, own: (d: W['domains'][number]) => number = (d) => d.attributedEnergyJ ?? d.energyJ) {
  const counted = countedDomains(w);
  const parts = w.domains.filter((d) => counted(d.domain)) as W['domains'];
  const kind = (k: 'cpu' | 'gpu' | 'ram') => parts.filter((d) => domainKind(d.domain) === k).reduce((a, d) => a + own(d), 0);
  return {
    parts,
    energyJ: parts.reduce((a, d) => a + own(d), 0),
    grossEnergyJ: parts.reduce((a, d) => a + d.energyJ, 0),
    cpuJ: kind('cpu'),
    gpuJ: kind('gpu'),
    ramJ: kind('ram'),
    ...sourcesUncertainty(w, own),
  };
}

function processEnergy(w: EnergyWindow, baseline: IdleBaseline | null): ProcessEnergy {
  const a = attributeWindow(w, baseline);
  const f = windowTotals(a);
  return {
    startedAtMs: a.startedAtMs,
    durationS: a.durationS,
    energyJ: f.energyJ,
    cpuJ: f.cpuJ,
    gpuJ: f.gpuJ,
    ramJ: f.ramJ,
    grossEnergyJ: f.grossEnergyJ,
    method: methodOf(f.parts.map((d) => d.provenance.method)),
    uncertaintyRel: f.unknown || f.energyJ <= 0 ? null : f.absU / f.energyJ,
  };
}

/** A result's whole-process window, summarised into its attrs and dropped. */
function withProcessEnergy<R extends Partial<TrialResult>>(result: R, baseline: IdleBaseline | null): R {
  const { processWindow, ...rest } = result;
  if (!processWindow) return result;
  return { ...rest, attrs: { ...(rest.attrs ?? {}), process_energy: processEnergy(processWindow, baseline) } } as unknown as R;
}

/** Attributes every window of a result and computes its energy metrics from the trial's share. */
export function finalizeEnergy(full: TrialResult, baseline: IdleBaseline | null): TrialResult {
  const result = withProcessEnergy(full, baseline);
  const windows = result.windows.map((w) => attributeWindow(w, baseline));
  const metrics: Metrics = { ...result.metrics };
  const attrs: Record<string, unknown> = { ...result.attrs };
  const spread: Record<string, number> = {};
  const train = windows.find((w) => w.phase === 'train');
  if (train) {
    metrics.train_energy_j = attributedJ(train);
    metrics.train_energy_gross_j = grossJ(train);
    const net = netJ(train);
    if (net !== null) metrics.train_energy_net_j = net;
    const u = uncertaintyRel(train);
    if (u !== null) spread.train_energy_j = u;
    attrs.attribution = attributionMethod(train, baseline);
    // a command reports no timing of its own: its training window's duration is its training time
    if (metrics.train_duration_s === undefined) metrics.train_duration_s = train.durationS;
  }
  const infer = windows.find((w) => w.phase === 'infer');
  if (infer?.samples) {
    const j = attributedJ(infer);
    metrics.infer_energy_j_per_sample = j / infer.samples;
    // predictions per joule of the trial's own energy: undefined, not 0, when that energy is
    // 0 J (its processes used no measurable CPU time: the window's no-own-share flag says so)
    if (j > 0) metrics.infer_samples_per_j = infer.samples / j;
    metrics.infer_energy_gross_j_per_sample = grossJ(infer) / infer.samples;
    // likewise its inference window over its predictions (a command's window runs to its next line)
    if (metrics.infer_latency_s_per_sample === undefined) metrics.infer_latency_s_per_sample = infer.durationS / infer.samples;
    const net = netJ(infer);
    if (net !== null) metrics.infer_energy_net_j_per_sample = net / infer.samples;
    const rel = typeof attrs.infer_energy_spread_rel === 'number' ? attrs.infer_energy_spread_rel : null;
    if (rel !== null) {
      spread.infer_energy_j_per_sample = rel;
      spread.infer_samples_per_j = rel;
      if (rel > NOISY_SPREAD_REL) {
        infer.flags = [
          ...(infer.flags ?? []),
          {
            domain: '*',
            kind: 'noisy',
            message: `the inference figure could move ±${overLimitText(rel * 100, NOISY_SPREAD_REL * 100)}% between runs (the spread of CPU time across blocks of repeats; ECOpt flags more than ±${NOISY_SPREAD_REL * 100}%): it is not a steady figure; re-measure it on a quieter machine (\`ecopt remeasure\`) before relying on it`,
          },
        ];
      }
    }
  }
  if (Object.keys(spread).length) attrs.energy_spread_rel = spread;
  const projection = attrs.train_projection as Record<string, unknown> | undefined;
  if (projection && train) {
    // compared with the figure it projected: the trial's own energy, or the machine's where its
    // CPU time could not be read while it ran
    attrs.train_projection = { ...projection, actualDurationS: train.durationS, actualEnergyJ: projection.energyOf === 'trial' ? attributedJ(train) : grossJ(train) };
  }
  return { ...result, windows, metrics, attrs };
}

/** Attributes the windows a failed or stopped trial measured, so they too are the trial's own. */
export function finalizePartial(full: Partial<TrialResult>, baseline: IdleBaseline | null): Partial<TrialResult> {
  const partial = withProcessEnergy(full, baseline);
  return partial.windows ? { ...partial, windows: partial.windows.map((w) => attributeWindow(w, baseline)) } : partial;
}
