import { describe, expect, it } from 'vitest';
import { EncodedSpace } from '../../../../src-main/engine/space/encode';
import { parseStudySpec, type ParamSpec } from '../../../../src-main/shared/spec';

function space(s: Record<string, unknown>): EncodedSpace {
  const r = parseStudySpec({ name: 's', dataset: { builtin: 'iris' }, space: s, objectives: [{ metric: 'accuracy' }], trials: 1 });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return new EncodedSpace(r.spec.space as Record<string, ParamSpec>);
}

describe('unit-cube encoding', () => {
  const s = space({
    learning_rate: { type: 'float', low: 1e-4, high: 1e-1, log: true },
    dropout: { type: 'float', low: 0, high: 0.5 },
    units: { type: 'int', low: 8, high: 512, log: true },
    epochs: { type: 'int', low: 2, high: 20, step: 2 },
    activation: { type: 'categorical', choices: ['relu', 'tanh', 'elu'] },
    batch_size: { type: 'fixed', value: 64 },
  });

  it('orders dimensions by name and gives fixed parameters none', () => {
    expect(s.dims.map((d) => d.name)).toEqual(['activation', 'dropout', 'epochs', 'learning_rate', 'units']);
    expect(s.decode([0, 0, 0, 0, 0]).batch_size).toBe(64);
  });

  it('maps the cube corners to the range ends', () => {
    expect(s.decode([0, 0, 0, 0, 0])).toEqual({ activation: 'relu', dropout: 0, epochs: 2, learning_rate: 1e-4, units: 8, batch_size: 64 });
    const hi = s.decode([1, 1, 1, 1, 1]);
    expect(hi.activation).toBe('elu');
    expect(hi.epochs).toBe(20);
    expect(hi.units).toBe(512);
    expect(hi.learning_rate as number).toBeCloseTo(0.1, 6);
  });

  it('is log-uniform where asked: the cube midpoint is the geometric mean', () => {
    expect(s.decode([0, 0, 0, 0.5, 0]).learning_rate as number).toBeCloseTo(Math.sqrt(1e-4 * 1e-1), 8);
  });

  it('round-trips: decode(encode(p)) = p, and every decoded point is inside the space', () => {
    for (let i = 0; i < 500; i++) {
      const u = [Math.random(), Math.random(), Math.random(), Math.random(), Math.random()];
      const p = s.decode(u);
      expect(s.contains(p)).toBe(true);
      const again = s.decode(s.encode(p));
      expect(again.activation).toBe(p.activation);
      expect(again.epochs).toBe(p.epochs);
      expect(again.units).toBe(p.units);
      expect(again.learning_rate as number).toBeCloseTo(p.learning_rate as number, 10);
    }
  });

  it('gives each integer and category an equal share of the cube', () => {
    const counts = new Map<unknown, number>();
    for (let i = 0; i < 900; i++) {
      const p = s.decode([(i + 0.5) / 900, 0, (i + 0.5) / 900, 0, 0]);
      counts.set(p.activation, (counts.get(p.activation) ?? 0) + 1);
      counts.set(`e${String(p.epochs)}`, (counts.get(`e${String(p.epochs)}`) ?? 0) + 1);
    }
    expect([counts.get('relu'), counts.get('tanh'), counts.get('elu')]).toEqual([300, 300, 300]);
    expect(counts.get('e2')).toBe(90);
    expect(counts.get('e20')).toBe(90);
  });
});
