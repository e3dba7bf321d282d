/**
 * Hardware classes as the app shows them (issue #16): energy is compared only within one class, so
 * a study run on several has one Pareto front per class. Shared by the server (which computes the
 * fronts) and the renderer (which filters the explorer to one class).
 */
import { frontTrials, hypervolumeHistory, hypervolumeSteps, parameterImportance, type ObjectiveLike } from './analysis';
import type { TrialLike } from './columns';

export interface HardwareClassView {
  /** The class id (8 hex, engine/study/hardware-class.ts). */
  id: string;
  /** Readable label from the inventory its workers stored ("inventory not recorded" without one). */
  label: string;
  /** Hosts whose trials are of this class, sorted. */
  hosts: string[];
  /** Complete trials of this class. */
  complete: number;
  /** The Pareto front of this class's complete, feasible trials. */
  front: number[];
  /** This class's hypervolume history, at the trials where it changed (a front over several classes means nothing). */
  hypervolume: { trial: number; value: number }[];
  /** Parameter importance within this class (machines would otherwise stand in for parameters). */
  importance: Record<string, Record<string, number>>;
}

/**
 * One entry per hardware class the study's trials recorded, the class with the most complete
 * trials first (the explorer's default; ties by id). Trials with no class are in none.
 */
export function hardwareClassViews(trials: readonly TrialLike[], objectives: readonly ObjectiveLike[], labels: ReadonlyMap<string, string>): HardwareClassView[] {
  const byClass = new Map<string, TrialLike[]>();
  for (const t of trials) {
    if (t.hardwareClass == null) continue;
    let own = byClass.get(t.hardwareClass);
    if (!own) byClass.set(t.hardwareClass, (own = []));
    own.push(t);
  }
  return [...byClass]
    .map(([id, own]) => ({
      id,
      label: labels.get(id) ?? 'inventory not recorded',
      hosts: [...new Set(own.map((t) => t.host).filter((h): h is string => h != null))].sort(),
      complete: own.filter((t) => t.state === 'complete').length,
      front: frontTrials(own, objectives),
      hypervolume: hypervolumeSteps(hypervolumeHistory(own, objectives)),
      importance: parameterImportance(own, objectives),
    }))
    .sort((a, b) => b.complete - a.complete || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The trials of one hardware class. */
export function trialsOfClass<T extends TrialLike>(trials: readonly T[], classId: string): T[] {
  return trials.filter((t) => t.hardwareClass === classId);
}

/** Hosts the trials ran on (sorted); one or none: the study spans no hosts. */
export function hostsOf(trials: readonly TrialLike[]): string[] {
  return [...new Set(trials.map((t) => t.host).filter((h): h is string => h != null))].sort();
}
