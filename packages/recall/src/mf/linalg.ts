import { tf } from "@tandem/tf";

/**
 * Gramian YᵀY (+ reg·I) of a row-major n×k factor table. This is the one dense product in ALS that
 * benefits from TF.js (a single matMul over the whole table); the result comes back as k×k floats.
 */
export function gramian(factors: Float32Array, n: number, k: number, reg: number): Float64Array {
  const g = tf.tidy(() => {
    const y = tf.tensor2d(factors, [n, k]);
    return tf.matMul(y, y, true, false).dataSync();
  });
  const out = Float64Array.from(g);
  for (let d = 0; d < k; d++) out[d * k + d]! += reg;
  return out;
}

/** Solves A x = b in place for symmetric positive definite A (k×k, overwritten by its Cholesky factor). */
export function choleskySolve(a: Float64Array, b: Float64Array, k: number): Float64Array {
  choleskyFactor(a, k);
  return choleskySubstitute(a, Float64Array.from(b), k);
}

/** Overwrites the lower triangle of symmetric positive definite `a` (k×k) with its Cholesky factor L. */
export function choleskyFactor(a: Float64Array, k: number): void {
  for (let j = 0; j < k; j++) {
    let s = a[j * k + j]!;
    for (let p = 0; p < j; p++) s -= a[j * k + p]! * a[j * k + p]!;
    // A tiny floor keeps near-singular systems (no regularisation, no data) finite.
    const d = Math.sqrt(Math.max(s, 1e-12));
    a[j * k + j] = d;
    for (let i = j + 1; i < k; i++) {
      let t = a[i * k + j]!;
      for (let p = 0; p < j; p++) t -= a[i * k + p]! * a[j * k + p]!;
      a[i * k + j] = t / d;
    }
  }
}

/** Solves L Lᵀ x = x in place, for L from choleskyFactor; returns x. */
export function choleskySubstitute(l: Float64Array, x: Float64Array, k: number): Float64Array {
  for (let i = 0; i < k; i++) {
    let t = x[i]!;
    for (let p = 0; p < i; p++) t -= l[i * k + p]! * x[p]!;
    x[i] = t / l[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let t = x[i]!;
    for (let p = i + 1; p < k; p++) t -= l[p * k + i]! * x[p]!;
    x[i] = t / l[i * k + i]!;
  }
  return x;
}

/**
 * The exact ALS row solve: x = (YᵀY + λI + Σ (c−1) y yᵀ)⁻¹ Σ c y over the row's items. `gram` already
 * holds YᵀY + λI. Used for fold-in and when cgSteps = 0.
 */
export function exactRowSolve(
  gram: Float64Array,
  y: Float32Array,
  k: number,
  cols: ArrayLike<number>,
  conf: ArrayLike<number>,
): Float64Array {
  const a = Float64Array.from(gram);
  const b = new Float64Array(k);
  for (let n = 0; n < cols.length; n++) {
    const o = cols[n]! * k;
    const c = conf[n]!;
    for (let i = 0; i < k; i++) {
      const yi = y[o + i]!;
      b[i]! += c * yi;
      const w = (c - 1) * yi;
      for (let j = 0; j <= i; j++) a[i * k + j]! += w * y[o + j]!;
    }
  }
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) a[i * k + j] = a[j * k + i]!;
  return choleskySolve(a, b, k);
}
