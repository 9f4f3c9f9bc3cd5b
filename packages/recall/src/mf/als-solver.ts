import { type Csr, transpose } from "./csr.js";
import { exactRowSolve, gramian } from "./linalg.js";

/**
 * One ALS sweep = solve every item given the users, then every user given the items, so at the end
 * of a sweep the user factors are the least-squares answer for the final item factors (what fold-in
 * reproduces). Each row solve uses the YᵀY + Yᵀ(Cu − I)Y decomposition: YᵀY comes once per half-sweep
 * from a TF.js matMul; the per-row work touches only the row's own items and runs as typed-array
 * loops (conjugate gradient warm-started from the previous factor, as the `implicit` library does, or
 * an exact Cholesky solve when cgSteps = 0). TF.js kernels are not used per row: the rows are tiny and
 * per-op dispatch would dominate.
 */
export class AlsSolver {
  private readonly itemsByUser: Csr;
  private readonly usersByItem: Csr;

  constructor(
    userConfidence: Csr,
    private readonly k: number,
    private readonly reg: number,
    private readonly cgSteps: number,
  ) {
    this.itemsByUser = userConfidence;
    this.usersByItem = transpose(userConfidence);
  }

  sweep(users: Float32Array, items: Float32Array): void {
    this.halfStep(this.usersByItem, items, users);
    this.halfStep(this.itemsByUser, users, items);
  }

  /** Solves every row of `x` (rows of `m`) given the fixed factors `y` (columns of `m`). */
  halfStep(m: Csr, x: Float32Array, y: Float32Array): void {
    const k = this.k;
    const gram = gramian(y, m.cols, k, this.reg);
    if (this.cgSteps === 0) {
      for (let r = 0; r < m.rows; r++) {
        const s = m.indptr[r]!;
        const e = m.indptr[r + 1]!;
        const sol = exactRowSolve(gram, y, k, m.indices.subarray(s, e), m.values.subarray(s, e));
        for (let d = 0; d < k; d++) x[r * k + d] = sol[d]!;
      }
      return;
    }
    const r0 = new Float64Array(k);
    const p = new Float64Array(k);
    const ap = new Float64Array(k);
    const xr = new Float64Array(k);
    for (let row = 0; row < m.rows; row++) {
      const s = m.indptr[row]!;
      const e = m.indptr[row + 1]!;
      const xo = row * k;
      for (let d = 0; d < k; d++) xr[d] = x[xo + d]!;
      // r = b − A x, with b = Σ c y and A x = gram x + Σ (c − 1)(y·x) y.
      matVec(gram, xr, r0, k);
      for (let d = 0; d < k; d++) r0[d] = -r0[d]!;
      for (let q = s; q < e; q++) {
        const o = m.indices[q]! * k;
        const c = m.values[q]!;
        const w = c - (c - 1) * dot(y, o, xr, k);
        axpy(w, y, o, r0, k);
      }
      for (let d = 0; d < k; d++) p[d] = r0[d]!;
      let rsOld = dotF64(r0, 0, r0, k);
      if (rsOld < 1e-20) continue;
      for (let it = 0; it < this.cgSteps; it++) {
        matVec(gram, p, ap, k);
        for (let q = s; q < e; q++) {
          const o = m.indices[q]! * k;
          axpy((m.values[q]! - 1) * dot(y, o, p, k), y, o, ap, k);
        }
        const step = rsOld / dotF64(p, 0, ap, k);
        for (let d = 0; d < k; d++) {
          xr[d]! += step * p[d]!;
          r0[d]! -= step * ap[d]!;
        }
        const rsNew = dotF64(r0, 0, r0, k);
        if (rsNew < 1e-20) break;
        const beta = rsNew / rsOld;
        for (let d = 0; d < k; d++) p[d] = r0[d]! + beta * p[d]!;
        rsOld = rsNew;
      }
      for (let d = 0; d < k; d++) x[xo + d] = xr[d]!;
    }
  }
}

// The loops below keep four partial sums / lanes: V8 does not vectorise, and independent accumulators
// measured ~1.5× faster than a single one for k = 64 on this machine.

function matVec(a: Float64Array, v: Float64Array, out: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) out[i] = dotF64(a, i * k, v, k);
}

/** Σ_d a[ao + d] · b[d] for Float64 `a`. */
function dotF64(a: Float64Array, ao: number, b: Float64Array, k: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < k; d += 4) {
    s0 += a[ao + d]! * b[d]!;
    s1 += a[ao + d + 1]! * b[d + 1]!;
    s2 += a[ao + d + 2]! * b[d + 2]!;
    s3 += a[ao + d + 3]! * b[d + 3]!;
  }
  for (; d < k; d++) s0 += a[ao + d]! * b[d]!;
  return s0 + s1 + s2 + s3;
}

/** Σ_d y[o + d] · b[d] for a float32 factor row. */
function dot(y: Float32Array, o: number, b: Float64Array, k: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < k; d += 4) {
    s0 += y[o + d]! * b[d]!;
    s1 += y[o + d + 1]! * b[d + 1]!;
    s2 += y[o + d + 2]! * b[d + 2]!;
    s3 += y[o + d + 3]! * b[d + 3]!;
  }
  for (; d < k; d++) s0 += y[o + d]! * b[d]!;
  return s0 + s1 + s2 + s3;
}

/** out[d] += w · y[o + d]. */
function axpy(w: number, y: Float32Array, o: number, out: Float64Array, k: number): void {
  let d = 0;
  for (; d + 3 < k; d += 4) {
    out[d]! += w * y[o + d]!;
    out[d + 1]! += w * y[o + d + 1]!;
    out[d + 2]! += w * y[o + d + 2]!;
    out[d + 3]! += w * y[o + d + 3]!;
  }
  for (; d < k; d++) out[d]! += w * y[o + d]!;
}
