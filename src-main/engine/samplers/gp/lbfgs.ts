/**
 * Limited-memory BFGS with a backtracking (Armijo) line search and box bounds by projection,
 * minimising f. Small and deterministic; enough for a handful of kernel hyperparameters.
 */
export interface LbfgsOptions {
  maxIter?: number;
  memory?: number;
  lower?: number[];
  upper?: number[];
  tol?: number;
}

export function lbfgs(
  fg: (x: number[]) => { f: number; g: number[] },
  x0: number[],
  options: LbfgsOptions = {},
): { x: number[]; f: number; iterations: number } {
  const maxIter = options.maxIter ?? 50;
  const m = options.memory ?? 6;
  const tol = options.tol ?? 1e-6;
  const n = x0.length;
  const project = (x: number[]) =>
    x.map((v, i) => Math.min(Math.max(v, options.lower?.[i] ?? -Infinity), options.upper?.[i] ?? Infinity));
  let x = project(x0);
  let { f, g } = fg(x);
  const S: number[][] = [];
  const Y: number[][] = [];
  let it = 0;
  for (; it < maxIter; it++) {
    // two-loop recursion for the search direction
    const q = [...g];
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const rho = 1 / dot(Y[k]!, S[k]!);
      const a = rho * dot(S[k]!, q);
      alpha[k] = a;
      for (let i = 0; i < n; i++) q[i]! -= a * Y[k]![i]!;
    }
    const gamma = S.length ? dot(S.at(-1)!, Y.at(-1)!) / dot(Y.at(-1)!, Y.at(-1)!) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) q[i]! *= gamma;
    for (let k = 0; k < S.length; k++) {
      const rho = 1 / dot(Y[k]!, S[k]!);
      const b = rho * dot(Y[k]!, q);
      for (let i = 0; i < n; i++) q[i]! += S[k]![i]! * (alpha[k]! - b);
    }
    let d = q.map((v) => -v);
    if (dot(d, g) >= 0) d = g.map((v) => -v); // not a descent direction: fall back to steepest descent
    let step = 1;
    let next = x;
    let fn = f;
    let gn = g;
    let accepted = false;
    for (let ls = 0; ls < 20; ls++) {
      next = project(x.map((v, i) => v + step * d[i]!));
      const r = fg(next);
      if (Number.isFinite(r.f) && r.f <= f + 1e-4 * dot(g, next.map((v, i) => v - x[i]!))) {
        fn = r.f;
        gn = r.g;
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = next.map((v, i) => v - x[i]!);
    const y = gn.map((v, i) => v - g[i]!);
    if (dot(s, y) > 1e-12) {
      S.push(s);
      Y.push(y);
      if (S.length > m) {
        S.shift();
        Y.shift();
      }
    }
    const improvement = f - fn;
    x = next;
    f = fn;
    g = gn;
    if (Math.abs(improvement) < tol * Math.max(1, Math.abs(f))) break;
  }
  return { x, f, iterations: it };
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
