/** Dense linear algebra on row-major Float64Arrays, just what the Gaussian process needs. */

/**
 * Lower Cholesky factor of a symmetric positive-definite n×n matrix. Adds jitter to the diagonal
 * (1e-10 × mean diagonal, ×10 each retry) until it factors, so duplicate points never give NaN.
 */
export function cholesky(a: Float64Array, n: number): { l: Float64Array; jitter: number } {
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += a[i * n + i]! / n;
  let jitter = 0;
  for (let attempt = 0; attempt < 10; attempt++) {
    const l = new Float64Array(n * n);
    let ok = true;
    for (let j = 0; j < n && ok; j++) {
      let s = a[j * n + j]! + jitter;
      for (let k = 0; k < j; k++) s -= l[j * n + k]! * l[j * n + k]!;
      if (!(s > 0)) {
        ok = false;
        break;
      }
      const d = Math.sqrt(s);
      l[j * n + j] = d;
      for (let i = j + 1; i < n; i++) {
        let t = a[i * n + j]!;
        for (let k = 0; k < j; k++) t -= l[i * n + k]! * l[j * n + k]!;
        l[i * n + j] = t / d;
      }
    }
    if (ok) return { l, jitter };
    jitter = jitter === 0 ? 1e-10 * Math.max(meanDiag, 1e-12) : jitter * 10;
  }
  throw new Error('covariance matrix is not positive definite even with jitter');
}

/** Solves L x = b (L lower-triangular). */
export function solveLower(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Solves Lᵀ x = b. */
export function solveUpper(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** (L Lᵀ)⁻¹ from the Cholesky factor. */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  // invert L, then Lᵀ⁻¹ L⁻¹
  const li = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    li[j * n + j] = 1 / l[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * n + k]! * li[k * n + j]!;
      li[i * n + j] = s / l[i * n + i]!;
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += li[k * n + i]! * li[k * n + j]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}
