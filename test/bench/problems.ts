/**
 * Multi-objective test problems on [0,1]^d, minimisation, as defined in BoTorch's
 * test_functions/multi_objective.py, with its reference points and maximum hypervolumes.
 */
export interface Problem {
  name: string;
  d: number;
  m: number;
  ref: number[];
  maxHv: number;
  f(x: readonly number[]): number[];
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

export const PROBLEMS = [ZDT1, ZDT2, ZDT3, DTLZ2, BRANIN_CURRIN];
