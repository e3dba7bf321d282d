/**
 * Maps parameters to and from the unit cube [0,1)^d, the one coordinate system every sampler
 * works in. Fixed parameters take no dimension. Dimensions are ordered by parameter name so
 * that a study's encoding does not depend on the order of keys in its JSON file.
 */
import type { ParamSpec } from '../../shared/spec';
import type { ParamValue, Params } from '../../shared/types';

export interface Dimension {
  name: string;
  spec: Exclude<ParamSpec, { type: 'fixed' }>;
}

export class EncodedSpace {
  readonly dims: Dimension[];
  readonly fixed: Params;

  constructor(readonly space: Record<string, ParamSpec>) {
    const names = Object.keys(space).sort();
    this.dims = [];
    this.fixed = {};
    for (const name of names) {
      const spec = space[name]!;
      if (spec.type === 'fixed') this.fixed[name] = spec.value;
      else this.dims.push({ name, spec });
    }
  }

  get size(): number {
    return this.dims.length;
  }

  /** Unit-cube point → parameters. Coordinates outside [0,1) are clamped. */
  decode(u: readonly number[]): Params {
    if (u.length !== this.dims.length) {
      throw new Error(`expected a point of ${this.dims.length} coordinates, got ${u.length}`);
    }
    const params: Params = { ...this.fixed };
    this.dims.forEach((d, i) => {
      params[d.name] = decodeOne(d.spec, clamp01(u[i]!));
    });
    return params;
  }

  /** Parameters → the centre of their cell in the unit cube. */
  encode(params: Params): number[] {
    return this.dims.map((d) => {
      const v = params[d.name];
      if (v === undefined) throw new Error(`parameter "${d.name}" is missing`);
      return encodeOne(d.spec, v);
    });
  }

  /** True when every parameter is present and inside its range. */
  contains(params: Params): boolean {
    for (const [name, spec] of Object.entries(this.space)) {
      const v = params[name];
      if (v === undefined) return false;
      switch (spec.type) {
        case 'fixed':
          if (v !== spec.value) return false;
          break;
        case 'categorical':
          if (!spec.choices.includes(v)) return false;
          break;
        case 'float':
          if (typeof v !== 'number' || !(v >= spec.low && v <= spec.high)) return false;
          break;
        case 'int':
          if (typeof v !== 'number' || !Number.isInteger(v) || v < spec.low || v > spec.high) return false;
          if (!spec.log && (v - spec.low) % spec.step !== 0) return false;
          break;
      }
    }
    return true;
  }
}

function clamp01(x: number): number {
  if (!Number.isFinite(x)) return 0.5;
  return Math.min(Math.max(x, 0), 1 - Number.EPSILON);
}

function decodeOne(spec: Dimension['spec'], u: number): ParamValue {
  switch (spec.type) {
    case 'float': {
      if (spec.log) {
        return Math.min(spec.low * (spec.high / spec.low) ** u, spec.high);
      }
      return spec.low + u * (spec.high - spec.low);
    }
    case 'int': {
      if (spec.log) {
        // Log-uniform over [low − ½, high + ½], rounded, so each integer gets its share.
        const lo = Math.log(spec.low - 0.5);
        const hi = Math.log(spec.high + 0.5);
        const v = Math.round(Math.exp(lo + u * (hi - lo)));
        return Math.min(Math.max(v, spec.low), spec.high);
      }
      const n = Math.floor((spec.high - spec.low) / spec.step) + 1;
      return spec.low + Math.min(Math.floor(u * n), n - 1) * spec.step;
    }
    case 'categorical': {
      const k = spec.choices.length;
      return spec.choices[Math.min(Math.floor(u * k), k - 1)]!;
    }
  }
}

function encodeOne(spec: Dimension['spec'], v: ParamValue): number {
  switch (spec.type) {
    case 'float': {
      const x = Number(v);
      if (spec.log) return (Math.log(x) - Math.log(spec.low)) / (Math.log(spec.high) - Math.log(spec.low));
      return (x - spec.low) / (spec.high - spec.low);
    }
    case 'int': {
      const x = Number(v);
      if (spec.log) {
        const lo = Math.log(spec.low - 0.5);
        const hi = Math.log(spec.high + 0.5);
        return (Math.log(x) - lo) / (hi - lo);
      }
      const n = Math.floor((spec.high - spec.low) / spec.step) + 1;
      return ((x - spec.low) / spec.step + 0.5) / n;
    }
    case 'categorical': {
      const i = spec.choices.indexOf(v);
      if (i < 0) throw new Error(`${JSON.stringify(v)} is not one of the choices`);
      return (i + 0.5) / spec.choices.length;
    }
  }
}
