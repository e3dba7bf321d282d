import { describe, expect, it } from 'vitest';
import { SAMPLERS, createSampler, type FinishedTrial } from '../../../../src-main/engine/samplers/index';
import { SobolSequence } from '../../../../src-main/engine/samplers/sobol';
import { EncodedSpace } from '../../../../src-main/engine/space/encode';
import { SAMPLER_NAMES, parseStudySpec, type ParamSpec } from '../../../../src-main/shared/spec';

const spec = parseStudySpec({
  name: 's',
  dataset: { builtin: 'iris' },
  space: {
    learning_rate: { type: 'float', low: 1e-4, high: 1e-1, log: true },
    units: { type: 'int', low: 8, high: 512, log: true },
    epochs: { type: 'int', low: 1, high: 9, step: 2 },
    activation: { type: 'categorical', choices: ['relu', 'tanh'] },
  },
  objectives: [{ metric: 'accuracy' }],
  trials: 1,
});
if (!spec.ok) throw new Error('bad test spec');
const space = new EncodedSpace(spec.spec.space as Record<string, ParamSpec>);
const ctx = (seed: number) => ({ space, objectives: spec.spec.objectives, seed });

// the same space with two objectives (accuracy ↑, energy ↓), for histories with values
const spec2 = parseStudySpec({
  ...spec.spec,
  objectives: [{ metric: 'accuracy' }, { metric: 'infer_energy_j_per_sample' }],
});
if (!spec2.ok) throw new Error('bad test spec');
const ctx2 = (seed: number) => ({ space, objectives: spec2.spec.objectives, seed });
/** A smooth two-objective trade-off over the cube (accuracy, energy). */
function values(cube: readonly number[]): number[] {
  const [a = 0, b = 0, c = 0, e = 0] = cube;
  return [0.5 + 0.4 * Math.sin(3 * a) * (0.5 + 0.5 * b) - 0.1 * (c - 0.5) ** 2, 1e-3 * (0.2 + b + 0.5 * e) * (1 + a)];
}
function historyOf(name: string, n: number, running = 0): FinishedTrial[] {
  const s = createSampler(name, ctx2(5));
  const h: FinishedTrial[] = [];
  for (let i = 0; i < n + running; i++) {
    const params = s.ask(h, i);
    const cube = space.encode(params);
    h.push({ number: i, index: i, state: i < n ? 'complete' : 'running', params, cube, values: i < n ? values(cube) : null });
  }
  return h;
}

describe.each(SAMPLER_NAMES)('%s sampler', (name) => {
  it('is deterministic by seed and by proposal index', () => {
    const a = createSampler(name, ctx(7));
    const b = createSampler(name, ctx(7));
    const seqA = Array.from({ length: 20 }, (_, i) => a.ask([], i));
    const seqB = Array.from({ length: 20 }, (_, i) => b.ask([], i));
    expect(seqA).toEqual(seqB);
    // asking out of order (as a resumed study does) gives the same proposals
    expect(b.ask([], 13)).toEqual(seqA[13]);
  });

  it('differs between seeds', () => {
    const a = Array.from({ length: 8 }, (_, i) => createSampler(name, ctx(1)).ask([], i));
    const b = Array.from({ length: 8 }, (_, i) => createSampler(name, ctx(2)).ask([], i));
    expect(a).not.toEqual(b);
  });

  it('never proposes outside the space', () => {
    const s = createSampler(name, ctx(3));
    for (let i = 0; i < 300; i++) expect(space.contains(s.ask([], i))).toBe(true);
  });

  it('treats a NaN or infinite objective value as a failed trial, whoever passes it', () => {
    // NSGA-II's first generation (50) is random: look past it
    const n = name === 'nsga2' ? 60 : 14;
    const h = historyOf(name, n);
    const poisoned = h.map((t, i) => (i === 3 ? { ...t, values: [NaN, t.values![1]!] } : i === 8 ? { ...t, values: [t.values![0]!, -Infinity] } : t));
    const failed = h.map((t, i) => (i === 3 || i === 8 ? { ...t, state: 'failed' as const, values: null } : t));
    const s = createSampler(name, ctx2(9));
    for (const index of [n, n + 1]) expect(s.ask(poisoned, index)).toEqual(s.ask(failed, index));
  });

  it('proposes while trials are still running: deterministic, inside the space, none of theirs again', () => {
    const h = historyOf(name, 14, 3);
    const running = h.filter((t) => t.state === 'running');
    const a = createSampler(name, ctx2(5)).ask(h, 17);
    expect(createSampler(name, ctx2(5)).ask(h, 17)).toEqual(a);
    expect(space.contains(a)).toBe(true);
    for (const t of running) expect(a).not.toEqual(t.params);
  });
});

describe('registry', () => {
  it('registers exactly the samplers the spec schema accepts', () => {
    expect(Object.keys(SAMPLERS).sort()).toEqual([...SAMPLER_NAMES].sort());
  });
});

describe('Sobol sequence', () => {
  it('matches the known unscrambled points (scipy.stats.qmc.Sobol(3, scramble=False), as a set)', () => {
    // scipy emits them in Gray-code order; we use natural order, which permutes within each 2^k block
    const seq = new SobolSequence(3, null);
    const ours = Array.from({ length: 8 }, (_, i) => seq.point(i));
    const scipy = [
      [0, 0, 0], [0.5, 0.5, 0.5], [0.75, 0.25, 0.25], [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625], [0.875, 0.875, 0.125], [0.625, 0.125, 0.875], [0.125, 0.625, 0.375],
    ];
    const key = (p: number[]) => p.join(',');
    expect(new Set(ours.map(key))).toEqual(new Set(scipy.map(key)));
    expect(ours.slice(0, 4).map(key).sort()).toEqual(scipy.slice(0, 4).map(key).sort());
  });

  it.each([null, 11])('puts exactly one of the first 2^k points in each 2-D elementary box (scramble seed %s)', (seed) => {
    // The first 2^k points of dimensions 1 and 2 form a (0, k, 2)-net in base 2: every box
    // [a/2^i, (a+1)/2^i) × [b/2^j, (b+1)/2^j) with i + j = k holds exactly one point.
    const seq = new SobolSequence(3, seed);
    const k = 6;
    const pts = Array.from({ length: 2 ** k }, (_, n) => seq.point(n));
    for (let i = 0; i <= k; i++) {
      const j = k - i;
      const boxes = new Set(pts.map((p) => `${Math.floor(p[0]! * 2 ** i)},${Math.floor(p[1]! * 2 ** j)}`));
      expect(boxes.size).toBe(2 ** k);
    }
  });

  it('stratifies every dimension after scrambling', () => {
    const seq = new SobolSequence(31, 5);
    const pts = Array.from({ length: 64 }, (_, n) => seq.point(n));
    for (let d = 0; d < 31; d++) {
      expect(new Set(pts.map((p) => Math.floor(p[d]! * 64))).size).toBe(64);
    }
  });

  it('refuses more dimensions than it has direction numbers, saying what to use', () => {
    expect(() => new SobolSequence(40, 1)).toThrow(/up to 31 parameters.*use "random"/);
  });
});
