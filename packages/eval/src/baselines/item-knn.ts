import type { UserItems } from "@tandem/data";
import { evaluate } from "../evaluate.js";
import type { FitInput, FitReport, Recommender } from "../recommender.js";
import { topK } from "../top-k.js";

/** Neighbourhood sizes tried on validation (wide both ways of the old pick, 10); the best NDCG@10 is kept. */
export const ITEM_KNN_GRID = [2, 3, 5, 7, 10, 15, 20, 30, 50, 100, 200, 400] as const;

/**
 * ItemKNN: cosine similarity between items on the binary user-item matrix, |U_i ∩ U_j| / sqrt(|U_i| |U_j|),
 * each item keeping its `neighbors` most similar items. A user's score for j sums the similarities of j
 * to the items in their history.
 */
export class ItemKnnRecommender implements Recommender {
  readonly name = "itemknn";
  private numItems = 0;
  private history: UserItems | null = null;
  private nbrPtr = new Int32Array(0);
  private nbrIdx = new Int32Array(0);
  private nbrSim = new Float32Array(0);

  constructor(private neighbors?: number) {}

  async fit(input: FitInput): Promise<FitReport> {
    const started = performance.now();
    const sim = cosineSimilarity(input.history);
    this.history = input.history;
    this.numItems = input.history.numItems;
    const curve: NonNullable<FitReport["curve"]> = [];
    if (this.neighbors === undefined && input.validation) {
      let best = -1;
      for (const n of ITEM_KNN_GRID) {
        this.keepNeighbors(sim, n);
        const ndcg = evaluate(this, input.history, input.validation, { ks: [10] }).metrics["ndcg@10"]!;
        curve.push({ step: n, metric: "ndcg@10", value: ndcg });
        if (ndcg > best) {
          best = ndcg;
          this.neighbors = n;
        }
      }
    }
    this.neighbors ??= 100;
    this.keepNeighbors(sim, this.neighbors);
    return { tuned: { neighbors: this.neighbors }, curve, seconds: (performance.now() - started) / 1000 };
  }

  private keepNeighbors(sim: Float32Array, n: number): void {
    const m = this.numItems;
    const k = Math.min(n, m - 1);
    this.nbrPtr = new Int32Array(m + 1);
    this.nbrIdx = new Int32Array(m * k);
    this.nbrSim = new Float32Array(m * k);
    let p = 0;
    for (let i = 0; i < m; i++) {
      const row = sim.subarray(i * m, (i + 1) * m);
      const top = topK(row, k, (j) => j === i || row[j] === 0);
      for (const j of top) {
        this.nbrIdx[p] = j;
        this.nbrSim[p++] = row[j]!;
      }
      this.nbrPtr[i + 1] = p;
    }
  }

  scoreBatch(users: Int32Array, out: Float32Array): void {
    const h = this.history!;
    out.fill(0);
    users.forEach((u, b) => {
      const base = b * this.numItems;
      for (let q = h.indptr[u]!; q < h.indptr[u + 1]!; q++) {
        const i = h.items[q]!;
        for (let p = this.nbrPtr[i]!; p < this.nbrPtr[i + 1]!; p++)
          out[base + this.nbrIdx[p]!]! += this.nbrSim[p]!;
      }
    });
  }
}

/** Dense item-item cosine on the binary matrix (numItems² floats: fine up to ~20k items). */
export function cosineSimilarity(m: UserItems): Float32Array {
  const n = m.numItems;
  const co = new Float32Array(n * n);
  const count = new Float32Array(n);
  for (let u = 0; u < m.numUsers; u++) {
    const start = m.indptr[u]!;
    const end = m.indptr[u + 1]!;
    for (let a = start; a < end; a++) {
      const i = m.items[a]!;
      count[i]!++;
      const row = i * n;
      for (let b = start; b < end; b++) if (b !== a) co[row + m.items[b]!]!++;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const c = co[i * n + j]!;
      if (c > 0) co[i * n + j] = c / Math.sqrt(count[i]! * count[j]!);
    }
  }
  return co;
}
