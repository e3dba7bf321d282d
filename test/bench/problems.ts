/**
 * Multi-objective test problems, minimisation: ZDT1-3, DTLZ1-2 and BraninCurrin on [0,1]^d as
 * defined in BoTorch's test_functions/multi_objective.py, with its reference points and maximum
 * hypervolumes; noisy variants of some (the sampler observes Gaussian noise, the hypervolume is
 * scored on the true values); and a mixed space of our design (log-scaled float, float, two
 * integers, one of them log-scaled, a 3-way category) whose front is known exactly.
 */
import type { ParamSpec } from '../../src-main/shared/spec';
import { makeRng } from '../../src-main/shared/rng';

export interface Problem {
  name: string;
  d: number;
  m: number;
  ref: number[];
  maxHv: number;
  /**
   * Objective values at x, one entry per parameter in name order (the EncodedSpace's order):
   * the value for floats and integers, the choice's position for categories.
   */
  f(x: readonly number[]): number[];
  /** The search space; absent: d floats on [0, 1] named x00, x01, … */
  space?: Record<string, ParamSpec>;
  /** Standard deviation of the Gaussian noise on what the sampler observes, per objective. */
  noiseSd?: number[];
}

function zdtG(x: readonly number[]): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += x[i]!;
  return 1 + (9 * s) / (x.length - 1);
}

export const ZDT1: Problem = {
  name: 'ZDT1',
  d: 10,
  m: 2,
  ref: [11, 11],
  maxHv: 120 + 2 / 3,
  f: (x) => {
    const g = zdtG(x);
    return [x[0]!, g * (1 - Math.sqrt(x[0]! / g))];
  },
};

export const ZDT2: Problem = {
  name: 'ZDT2',
  d: 10,
  m: 2,
  ref: [11, 11],
  maxHv: 120 + 1 / 3,
  f: (x) => {
    const g = zdtG(x);
    return [x[0]!, g * (1 - (x[0]! / g) ** 2)];
  },
};

export const ZDT3: Problem = {
  name: 'ZDT3',
  d: 10,
  m: 2,
  ref: [11, 11],
  maxHv: 128.77811613069076,
  f: (x) => {
    const g = zdtG(x);
    const r = x[0]! / g;
    return [x[0]!, g * (1 - Math.sqrt(r) - r * Math.sin(10 * Math.PI * x[0]!))];
  },
};

export const DTLZ2: Problem = {
  name: 'DTLZ2',
  d: 6,
  m: 3,
  ref: [1.1, 1.1, 1.1],
  // 1.1³ minus the positive octant of the unit ball
  maxHv: 1.331 - Math.PI / 6,
  f: (x) => {
    let g = 0;
    for (let i = 2; i < x.length; i++) g += (x[i]! - 0.5) ** 2;
    const a = (x[0]! * Math.PI) / 2;
    const b = (x[1]! * Math.PI) / 2;
    return [(1 + g) * Math.cos(a) * Math.cos(b), (1 + g) * Math.cos(a) * Math.sin(b), (1 + g) * Math.sin(a)];
  },
};

export const BRANIN_CURRIN: Problem = {
  name: 'BraninCurrin',
  d: 2,
  m: 2,
  ref: [18, 6],
  maxHv: 59.36011874867746,
  f: (x) => {
    const u = 15 * x[0]! - 5;
    const v = 15 * x[1]!;
    const branin = (v - (5.1 / (4 * Math.PI ** 2)) * u ** 2 + (5 / Math.PI) * u - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(u) + 10;
    const x0 = x[0]!;
    const x1 = Math.max(x[1]!, 1e-12);
    const currin = ((1 - Math.exp(-1 / (2 * x1))) * (2300 * x0 ** 3 + 1900 * x0 ** 2 + 2092 * x0 + 60)) / (100 * x0 ** 3 + 500 * x0 ** 2 + 4 * x0 + 20);
    return [branin, currin];
  },
};

/**
 * DTLZ1 (Deb et al. 2002) with two objectives and six variables: a linear front f1 + f2 = ½
 * behind 11⁵ − 1 local fronts (g has a cosine term of 20π per variable). BoTorch's reference
 * point 400; the maximum hypervolume is 400² minus the triangle below the front.
 */
export const DTLZ1: Problem = {
  name: 'DTLZ1',
  d: 6,
  m: 2,
  ref: [400, 400],
  maxHv: 400 * 400 - 0.125,
  f: (x) => {
    let g = 0;
    for (let i = 1; i < x.length; i++) g += (x[i]! - 0.5) ** 2 - Math.cos(20 * Math.PI * (x[i]! - 0.5));
    g = 100 * (x.length - 1 + g);
    return [0.5 * x[0]! * (1 + g), 0.5 * (1 - x[0]!) * (1 + g)];
  },
};

/**
 * A tuning-shaped problem on a mixed space: error against log₂ energy of a network with
 * `layers` (1–4) of `units` (8–256, log), an `activation` (relu, tanh, sigmoid), a learning rate
 * (1e-4–0.1, log) and dropout (0–0.5). Error falls with capacity, is quadratic in log₁₀ lr around
 * an optimum that depends on the activation, and in dropout around 0.1 × layers; each activation
 * has its own error penalty and energy cost. For any (layers, units, activation) the best lr and
 * dropout are interior and known, so the true front is the front of 4 × 249 × 3 points: maxHv is
 * exact.
 */
const LR_OPT = [-2.5, -2, -1.5];
const ACT_PENALTY = [0.02, 0.06, 0];
const ACT_COST = [1, 0.7, 1.3];
function mixedError(layers: number, units: number, act: number, lr: number, dropout: number): number {
  const capacity = (layers * Math.log2(units)) / 4;
  return 0.05 + 0.4 * Math.exp(-1.2 * capacity) + 0.08 * (Math.log10(lr) - LR_OPT[act]!) ** 2 + 0.3 * (dropout - 0.1 * layers) ** 2 + ACT_PENALTY[act]!;
}
function mixedEnergy(layers: number, units: number, act: number): number {
  return Math.log2((layers * units * ACT_COST[act]!) / 256);
}
const MIXED_REF = [1, 3];
function mixedMaxHv(): number {
  const pts: number[][] = [];
  for (let layers = 1; layers <= 4; layers++) {
    for (let units = 8; units <= 256; units++) {
      for (let act = 0; act < 3; act++) pts.push([mixedError(layers, units, act, 10 ** LR_OPT[act]!, 0.1 * layers), mixedEnergy(layers, units, act)]);
    }
  }
  // two objectives: sweep the front
  const sorted = pts.filter((p) => p[0]! < MIXED_REF[0]! && p[1]! < MIXED_REF[1]!).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let volume = 0;
  let lastY = MIXED_REF[1]!;
  for (const p of sorted) {
    if (p[1]! < lastY) {
      volume += (MIXED_REF[0]! - p[0]!) * (lastY - p[1]!);
      lastY = p[1]!;
    }
  }
  return volume;
}

export const MIXED: Problem = {
  name: 'Mixed',
  d: 5,
  m: 2,
  ref: MIXED_REF,
  maxHv: mixedMaxHv(),
  space: {
    activation: { type: 'categorical', choices: ['relu', 'tanh', 'sigmoid'] },
    dropout: { type: 'float', low: 0, high: 0.5, log: false },
    layers: { type: 'int', low: 1, high: 4, log: false, step: 1 },
    lr: { type: 'float', low: 1e-4, high: 0.1, log: true },
    units: { type: 'int', low: 8, high: 256, log: true, step: 1 },
  },
  // name order: activation, dropout, layers, lr, units
  f: ([act, dropout, layers, lr, units]) => [mixedError(layers!, units!, act!, lr!, dropout!), mixedEnergy(layers!, units!, act!)],
};

/**
 * The same problem observed with Gaussian noise of `level` × each objective's range over the
 * space (max − min of 4,096 seeded uniform points), scored on the true values.
 */
export function noisy(p: Problem, level: number): Problem {
  const rng = makeRng(0x4015e);
  const lo = new Array<number>(p.m).fill(Infinity);
  const hi = new Array<number>(p.m).fill(-Infinity);
  for (let i = 0; i < 4096; i++) {
    const x = p.space ? Object.keys(p.space).sort().map((name) => uniformValue(p.space![name]!, rng.next())) : Array.from({ length: p.d }, () => rng.next());
    p.f(x).forEach((v, k) => {
      lo[k] = Math.min(lo[k]!, v);
      hi[k] = Math.max(hi[k]!, v);
    });
  }
  return { ...p, name: `${p.name} ${Math.round(level * 100)}% noise`, noiseSd: lo.map((l, k) => level * (hi[k]! - l)) };
}

function uniformValue(spec: ParamSpec, u: number): number {
  switch (spec.type) {
    case 'float':
      return spec.log ? spec.low * (spec.high / spec.low) ** u : spec.low + u * (spec.high - spec.low);
    case 'int':
      return spec.log ? Math.round(spec.low * (spec.high / spec.low) ** u) : spec.low + Math.floor(u * ((spec.high - spec.low) / spec.step + 1)) * spec.step;
    case 'categorical':
      return Math.floor(u * spec.choices.length);
    case 'fixed':
      return Number(spec.value);
  }
}

export const PROBLEMS = [
  ZDT1,
  ZDT2,
  ZDT3,
  DTLZ2,
  BRANIN_CURRIN,
  DTLZ1,
  MIXED,
  noisy(ZDT1, 0.05),
  noisy(ZDT1, 0.2),
  noisy(BRANIN_CURRIN, 0.05),
  noisy(BRANIN_CURRIN, 0.2),
  noisy(DTLZ2, 0.05),
  noisy(MIXED, 0.05),
  noisy(MIXED, 0.2),
];
