/** Net energy: what a window drew above the idle machine, beside the gross figure. */
import type { EnergyWindow } from '../../shared/types';
import type { TrialResult } from '../store/store';
import { netEnergyJ } from './meter-set';

export function withNet<W extends EnergyWindow>(w: W, idleW: Record<string, number>): W {
  const net = netEnergyJ(w, idleW);
  return { ...w, domains: w.domains.map((d) => (d.domain in idleW ? { ...d, netEnergyJ: net[d.domain]! } : d)) };
}

function netTotal(w: EnergyWindow): number | null {
  if (w.domains.some((d) => d.netEnergyJ === undefined)) return null;
  return w.domains.reduce((a, d) => a + d.netEnergyJ!, 0);
}

/** Adds net energy to every window and the net energy metrics to the result. */
export function applyBaseline(result: TrialResult, idleW: Record<string, number>): TrialResult {
  const windows = result.windows.map((w) => withNet(w, idleW));
  const metrics = { ...result.metrics };
  const train = windows.find((w) => w.phase === 'train');
  const trainNet = train ? netTotal(train) : null;
  if (trainNet !== null) metrics.train_energy_net_j = trainNet;
  const infer = windows.find((w) => w.phase === 'infer');
  const inferNet = infer ? netTotal(infer) : null;
  if (inferNet !== null && infer?.samples) metrics.infer_energy_net_j_per_sample = inferNet / infer.samples;
  return { ...result, windows, metrics };
}
