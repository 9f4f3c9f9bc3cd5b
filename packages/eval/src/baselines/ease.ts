import { InvalidArgumentError, Progress } from "@tandem/core";
import { type UserItems, type ValueWeighting, valueWeights } from "@tandem/data";
import { evaluate } from "../evaluate.js";
import type { FitInput, FitReport, Recommender } from "../recommender.js";

/** L2 strengths tried on validation (log-spaced); the best by NDCG@10 is kept for the refit. */
export const EASE_GRID = [25, 50, 100, 200, 400] as const;

/** Above this many items EASE refuses: its dense items × items solve is an evaluation baseline only. */
export const EASE_DEFAULT_MAX_ITEMS = 10_000;

/**
 * EASE (Steck 2019): B = I − P · diag(1 / diag(P)), P = (XᵀX + λI)⁻¹, zero diagonal; a user's scores
 * are their history row (binary, or value-weighted with a `weighting`) times B. One dense items × items inverse per λ: O(items³) time and
 * O(items²) memory, so it is guarded by `maxItems` and never on the nightly path.
 */
export class EaseRecommender implements Recommender {
  readonly name = "ease";
  private b: Float32Array = new Float32Array(0);
  private numItems = 0;
  private history: UserItems | null = null;
  private weights: Float32Array | null = null;

  constructor(
    private lambda?: number,
    private readonly maxItems = EASE_DEFAULT_MAX_ITEMS,
    private readonly weighting: ValueWeighting = "none",
  ) {}

  async fit(input: FitInput): Promise<FitReport> {
    const started = performance.now();
    const n = input.history.numItems;
    if (n > this.maxItems) {
      throw new InvalidArgumentError(
        `EASE needs a dense ${n} × ${n} inverse; the limit is eval.easeMaxItems = ${this.maxItems} items`,
      );
    }
    this.history = input.history;
    this.numItems = n;
    this.weights = valueWeights(input.history, this.weighting);
    const gram = gramMatrix(input.history, this.weights);
    const curve: NonNullable<FitReport["curve"]> = [];
    const tuning = this.lambda === undefined && input.validation !== undefined;
    // Each λ is one dense n³ inverse (minutes at a few thousand items): progress per pivot row.
    const bar = new Progress(`${this.name} inverses`, n * (tuning ? EASE_GRID.length : 1), {
      enabled: input.progress ?? false,
    });
    const onRow = () => bar.tick(1);
    if (tuning && input.validation) {
      let best = -1;
      let bestB: Float32Array = this.b;
      for (const lambda of EASE_GRID) {
        this.b = easeWeights(gram, n, lambda, onRow);
        const ndcg = evaluate(this, input.history, input.validation, { ks: [10] }).metrics["ndcg@10"]!;
        curve.push({ step: lambda, metric: "ndcg@10", value: ndcg });
        if (ndcg > best) [best, bestB, this.lambda] = [ndcg, this.b, lambda];
      }
      this.b = bestB;
    } else {
      this.lambda ??= 500;
      this.b = easeWeights(gram, n, this.lambda, onRow);
    }
    return { tuned: { lambda: this.lambda! }, curve, seconds: (performance.now() - started) / 1000 };
  }

  scoreBatch(users: Int32Array, out: Float32Array): void {
    const h = this.history!;
    const n = this.numItems;
    out.fill(0);
    users.forEach((u, row) => {
      const base = row * n;
      for (let q = h.indptr[u]!; q < h.indptr[u + 1]!; q++) {
        const bi = h.items[q]! * n;
        const w = this.weights ? this.weights[q]! : 1;
        for (let j = 0; j < n; j++) out[base + j]! += w * this.b[bi + j]!;
      }
    });
  }
}

/** XᵀX of the user × item matrix (binary, or `weights` aligned with `m.items`), dense items × items. */
export function gramMatrix(m: UserItems, weights: Float32Array | null = null): Float64Array {
  const n = m.numItems;
  const g = new Float64Array(n * n);
  for (let u = 0; u < m.numUsers; u++) {
    const start = m.indptr[u]!;
    const end = m.indptr[u + 1]!;
    for (let a = start; a < end; a++) {
      const row = m.items[a]! * n;
      if (!weights) for (let b = start; b < end; b++) g[row + m.items[b]!]!++;
      else for (let b = start; b < end; b++) g[row + m.items[b]!]! += weights[a]! * weights[b]!;
    }
  }
  return g;
}

/** B from G = XᵀX: P = (G + λI)⁻¹ by in-place Gauss-Jordan (G + λI is SPD, so no pivoting). */
export function easeWeights(gram: Float64Array, n: number, lambda: number, onRow?: () => void): Float32Array {
  const p = Float64Array.from(gram);
  for (let i = 0; i < n; i++) p[i * n + i]! += lambda;
  invertSpdInPlace(p, n, onRow);
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) b[i * n + j] = i === j ? 0 : -p[i * n + j]! / p[j * n + j]!;
  }
  return b;
}

/** Gauss-Jordan inverse of a symmetric positive-definite matrix, row-major, in place. */
export function invertSpdInPlace(a: Float64Array, n: number, onRow?: () => void): void {
  const col = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    onRow?.();
    const rk = a.subarray(k * n, k * n + n);
    const pivot = rk[k]!;
    if (!(pivot > 0)) throw new InvalidArgumentError("EASE: matrix is not positive definite");
    for (let i = 0; i < n; i++) col[i] = a[i * n + k]!;
    const inv = 1 / pivot;
    // Row k becomes row k / pivot, with the identity column folded in.
    for (let j = 0; j < n; j++) rk[j]! *= inv;
    rk[k] = inv;
    for (let i = 0; i < n; i++) {
      const f = col[i]!;
      if (i === k || f === 0) continue;
      const ri = a.subarray(i * n, i * n + n);
      // Unrolled by four: about 3× faster in V8 than the plain loop.
      let j = 0;
      for (; j + 3 < n; j += 4) {
        ri[j]! -= f * rk[j]!;
        ri[j + 1]! -= f * rk[j + 1]!;
        ri[j + 2]! -= f * rk[j + 2]!;
        ri[j + 3]! -= f * rk[j + 3]!;
      }
      for (; j < n; j++) ri[j]! -= f * rk[j]!;
      ri[k] = -f * inv;
    }
  }
}
