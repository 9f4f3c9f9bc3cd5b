/**
 * The per-row work of an ALS half-sweep, shared by the main thread and the worker threads: row r of `x`
 * solves (YᵀY + λI + Yᵀ(C_r − I)Y) x_r = Yᵀ C_r 1 by `cgSteps` conjugate-gradient steps warm-started
 * from the current x_r (as the `implicit` library does). Rows are independent, so any split of the
 * rows over threads gives the same factors as one thread.
 */
export interface RowProblem {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  /** Factors being solved (rows × k) and the fixed ones (cols × k). */
  x: Float32Array;
  y: Float32Array;
  /** YᵀY + λI, k × k. */
  gram: Float64Array;
  k: number;
  cgSteps: number;
}

export function solveRowsCg(pr: RowProblem, from: number, to: number): void {
  const { indptr, indices, values, x, y, gram, k, cgSteps } = pr;
  const r0 = new Float64Array(k);
  const p = new Float64Array(k);
  const ap = new Float64Array(k);
  const xr = new Float64Array(k);
  for (let row = from; row < to; row++) {
    const s = indptr[row]!;
    const e = indptr[row + 1]!;
    const xo = row * k;
    for (let d = 0; d < k; d++) xr[d] = x[xo + d]!;
    // r = b − A x, with b = Σ c y and A x = gram x + Σ (c − 1)(y·x) y.
    matVec(gram, xr, r0, k);
    for (let d = 0; d < k; d++) r0[d] = -r0[d]!;
    for (let q = s; q < e; q++) {
      const o = indices[q]! * k;
      const c = values[q]!;
      const w = c - (c - 1) * dot(y, o, xr, k);
      axpy(w, y, o, r0, k);
    }
    for (let d = 0; d < k; d++) p[d] = r0[d]!;
    let rsOld = dotF64(r0, 0, r0, k);
    if (rsOld < 1e-20) continue;
    for (let it = 0; it < cgSteps; it++) {
      matVec(gram, p, ap, k);
      for (let q = s; q < e; q++) {
        const o = indices[q]! * k;
        axpy((values[q]! - 1) * dot(y, o, p, k), y, o, ap, k);
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

/** Row ranges of about equal work (rows + stored entries) for `parts` threads. */
export function splitRows(indptr: Int32Array, parts: number): number[] {
  const rows = indptr.length - 1;
  const total = rows + indptr[rows]!;
  const bounds = [0];
  let row = 0;
  for (let t = 1; t < parts; t++) {
    const target = (total * t) / parts;
    while (row < rows && row + indptr[row]! < target) row++;
    bounds.push(row);
  }
  bounds.push(rows);
  return bounds;
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
