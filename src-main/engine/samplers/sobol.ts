/**
 * Scrambled Sobol' points: Joe & Kuo's direction numbers (new-joe-kuo-6.21201, the first 31
 * dimensions), randomised by a linear matrix scramble plus a digital shift drawn from the
 * seed, as in Owen (1998) / scipy.stats.qmc.Sobol(scramble=True). Scrambling keeps the low
 * discrepancy, removes the all-zero first point, and makes different seeds give different sets.
 */
import { hashInts, makeRng } from '../../shared/rng';
import { UserError } from '../errors';
import type { SamplerFactory } from './types';

const BITS = 30;

/** d s a m_1..m_s, from S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635–2654. */
const JOE_KUO: readonly (readonly number[])[] = [
  [2, 1, 0, 1],
  [3, 2, 1, 1, 3],
  [4, 3, 1, 1, 3, 1],
  [5, 3, 2, 1, 1, 1],
  [6, 4, 1, 1, 1, 3, 3],
  [7, 4, 4, 1, 3, 5, 13],
  [8, 5, 2, 1, 1, 5, 5, 17],
  [9, 5, 4, 1, 1, 5, 5, 5],
  [10, 5, 7, 1, 1, 7, 11, 19],
  [11, 5, 11, 1, 1, 5, 1, 1],
  [12, 5, 13, 1, 1, 1, 3, 11],
  [13, 5, 14, 1, 3, 5, 5, 31],
  [14, 6, 1, 1, 3, 3, 9, 7, 49],
  [15, 6, 13, 1, 1, 1, 15, 21, 21],
  [16, 6, 16, 1, 3, 1, 13, 27, 49],
  [17, 6, 19, 1, 1, 1, 15, 7, 5],
  [18, 6, 22, 1, 3, 1, 15, 13, 25],
  [19, 6, 25, 1, 1, 5, 5, 19, 61],
  [20, 7, 1, 1, 3, 7, 11, 23, 15, 103],
  [21, 7, 4, 1, 3, 7, 13, 13, 15, 69],
  [22, 7, 7, 1, 1, 3, 13, 7, 35, 63],
  [23, 7, 8, 1, 3, 5, 9, 1, 25, 53],
  [24, 7, 14, 1, 3, 1, 13, 9, 35, 107],
  [25, 7, 19, 1, 3, 1, 5, 27, 61, 31],
  [26, 7, 21, 1, 1, 5, 11, 19, 41, 61],
  [27, 7, 28, 1, 3, 5, 3, 3, 13, 69],
  [28, 7, 31, 1, 1, 7, 13, 1, 19, 1],
  [29, 7, 32, 1, 3, 7, 5, 13, 19, 59],
  [30, 7, 37, 1, 1, 3, 9, 25, 29, 41],
  [31, 7, 41, 1, 3, 5, 13, 23, 1, 55],
];

export const SOBOL_MAX_DIMS = JOE_KUO.length + 1;

/** Direction numbers V[k] (k = 0..BITS-1) for one dimension, as BITS-bit integers. */
function directions(dim: number): number[] {
  const v = new Array<number>(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 1 << (BITS - 1 - k);
    return v;
  }
  const [, s, a, ...m] = JOE_KUO[dim - 1]!;
  for (let k = 0; k < BITS; k++) {
    if (k < s!) {
      v[k] = m[k]! << (BITS - 1 - k);
    } else {
      let x = v[k - s!]! ^ (v[k - s!]! >>> s!);
      for (let j = 1; j < s!; j++) if ((a! >>> (s! - 1 - j)) & 1) x ^= v[k - j]!;
      v[k] = x;
    }
  }
  return v;
}

function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Left-multiplies each direction number by a random lower-triangular binary matrix. */
function scramble(v: number[], rng: ReturnType<typeof makeRng>): number[] {
  // Row r of the matrix produces output digit r (bit BITS-1-r): unit diagonal, random below it.
  const rows = new Array<number>(BITS);
  for (let r = 0; r < BITS; r++) {
    const above = BITS - 1 - r; // bit index of digit r
    const randomHigher = r === 0 ? 0 : (rng.uint32() >>> (32 - r)) << (above + 1);
    rows[r] = (randomHigher | (1 << above)) >>> 0;
  }
  return v.map((x) => {
    let out = 0;
    for (let r = 0; r < BITS; r++) if (parity((rows[r]! & x) >>> 0)) out |= 1 << (BITS - 1 - r);
    return out >>> 0;
  });
}

export class SobolSequence {
  private readonly v: number[][];
  private readonly shift: number[];

  constructor(
    readonly dims: number,
    seed: number | null,
  ) {
    if (dims > SOBOL_MAX_DIMS) {
      throw new UserError(`the sobol sampler handles up to ${SOBOL_MAX_DIMS} parameters, this space has ${dims}; use "random"`);
    }
    const rng = seed === null ? null : makeRng(hashInts(seed, 0x50b01));
    this.v = [];
    this.shift = [];
    for (let d = 0; d < dims; d++) {
      const base = directions(d);
      this.v.push(rng ? scramble(base, rng) : base);
      this.shift.push(rng ? rng.uint32() >>> (32 - BITS) : 0);
    }
  }

  /** The i-th point (0-based), natural (not Gray-code) order. */
  point(i: number): number[] {
    return this.v.map((v, d) => {
      let x = this.shift[d]!;
      for (let k = 0, n = i; n > 0 && k < BITS; k++, n >>>= 1) if (n & 1) x ^= v[k]!;
      return (x >>> 0) / 2 ** BITS;
    });
  }
}

export const createSobolSampler: SamplerFactory = (ctx, options) => {
  const scrambled = options.scramble !== false;
  const seq = new SobolSequence(ctx.space.size, scrambled ? ctx.seed : null);
  return {
    name: 'sobol',
    ask(_history, index) {
      // Unscrambled, point 0 is the origin: start at 1 as scipy advises.
      return ctx.space.decode(seq.point(scrambled ? index : index + 1));
    },
  };
};
