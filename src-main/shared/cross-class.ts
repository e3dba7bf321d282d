/**
 * Same configurations, several machines: does a configuration's energy rank the same on each
 * hardware class? Energy in joules is never compared across classes (each class has its own
 * front), but the ECOpt paper found efficiency consistent *in rank* across hardware, so a study
 * whose configurations were measured on more than one class says how far that holds for it: per
 * pair of classes and energy objective, Spearman's ρ over the configurations both measured (each
 * class's mean where one measured a configuration more than once), with n and a 95% interval
 * (Fisher's z, variance 1.06/(n − 3): correlation.ts), and the median ratio of their joules.
 * Pure: `ecopt show` and the reports call it.
 */
import { fisherCi, pearson, ranks } from './correlation';
import { median } from './stats';
import type { MetricName, TrialRecord } from './types';

export interface ClassPairAgreement {
  classA: string;
  classB: string;
  metric: MetricName;
  /** Configurations measured on both classes. */
  n: number;
  spearman: number | null;
  spearmanCi: [number, number] | null;
  /** Median of B's figure over A's, over those configurations (null: none). */
  medianRatio: number | null;
}

export interface CrossClassAgreement {
  /** Hardware classes the study's complete trials ran on. */
  classes: string[];
  /** Configurations measured (complete) on more than one class. */
  shared: number;
  pairs: ClassPairAgreement[];
}

type Placed = Pick<TrialRecord, 'state' | 'params' | 'metrics'> & { hardwareClass?: string | null };

/** A configuration's identity: its parameters, keys sorted (the same point asked twice is one). */
export function configKey(params: TrialRecord['params']): string {
  return JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
}

export function crossClassAgreement(trials: readonly Placed[], metrics: readonly MetricName[]): CrossClassAgreement {
  const complete = trials.filter((t) => t.state === 'complete' && t.hardwareClass);
  const classes = [...new Set(complete.map((t) => t.hardwareClass!))].sort();
  // config → class → the trials' values of each metric
  const byConfig = new Map<string, Map<string, Placed[]>>();
  for (const t of complete) {
    const key = configKey(t.params);
    let per = byConfig.get(key);
    if (!per) byConfig.set(key, (per = new Map()));
    per.set(t.hardwareClass!, [...(per.get(t.hardwareClass!) ?? []), t]);
  }
  const shared = [...byConfig.values()].filter((per) => per.size > 1).length;
  const pairs: ClassPairAgreement[] = [];
  for (let i = 0; i < classes.length; i++) {
    for (let j = i + 1; j < classes.length; j++) {
      const [a, b] = [classes[i]!, classes[j]!];
      for (const metric of metrics) {
        const xs: number[] = [];
        const ys: number[] = [];
        for (const per of byConfig.values()) {
          const mean = (ts: Placed[] | undefined) => {
            const v = (ts ?? []).map((t) => t.metrics[metric]).filter((x): x is number => x !== undefined && Number.isFinite(x));
            return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
          };
          const x = mean(per.get(a));
          const y = mean(per.get(b));
          if (x === null || y === null) continue;
          xs.push(x);
          ys.push(y);
        }
        const rho = xs.length >= 3 ? pearson(ranks(xs), ranks(ys)) : null;
        pairs.push({
          classA: a,
          classB: b,
          metric,
          n: xs.length,
          spearman: rho,
          spearmanCi: fisherCi(rho, xs.length, 1.06),
          medianRatio: median(xs.flatMap((x, k) => (x > 0 ? [ys[k]! / x] : []))),
        });
      }
    }
  }
  return { classes, shared, pairs };
}
