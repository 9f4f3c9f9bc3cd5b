import type { UserItems, ValueWeighting } from "@tandem/data";
import { evaluate } from "../evaluate.js";
import { type NeighborLists, sharedCosineNeighbors, truncateNeighbors } from "../item-stats/index.js";
import type { FitInput, FitReport, Recommender } from "../recommender.js";

/** Neighbourhood sizes tried on validation (wide both ways of the old pick, 10); the best NDCG@10 is kept. */
export const ITEM_KNN_GRID = [2, 3, 5, 7, 10, 15, 20, 30, 50, 100, 200, 400] as const;

/**
 * ItemKNN: cosine similarity between items on the binary user-item matrix, |U_i ∩ U_j| / sqrt(|U_i| |U_j|),
 * each item keeping its `neighbors` most similar items (the shared sparse lists of `item-stats`). A user's
 * score for j sums the similarities of j to the items in their history.
 */
export class ItemKnnRecommender implements Recommender {
  readonly name = "itemknn";
  private numItems = 0;
  private history: UserItems | null = null;
  private lists: NeighborLists | null = null;

  /** `weighting`: how values weight the cosine (the shared lists the co-occurrence source also uses). */
  constructor(
    private neighbors?: number,
    private readonly weighting: ValueWeighting = "none",
  ) {}

  async fit(input: FitInput): Promise<FitReport> {
    const started = performance.now();
    const widest = this.neighbors ?? Math.max(...ITEM_KNN_GRID);
    const all = sharedCosineNeighbors(input.history, { neighbors: widest, weighting: this.weighting });
    this.history = input.history;
    this.numItems = input.history.numItems;
    const curve: NonNullable<FitReport["curve"]> = [];
    if (this.neighbors === undefined && input.validation) {
      let best = -1;
      for (const n of ITEM_KNN_GRID) {
        this.lists = truncateNeighbors(all, n);
        const ndcg = evaluate(this, input.history, input.validation, { ks: [10] }).metrics["ndcg@10"]!;
        curve.push({ step: n, metric: "ndcg@10", value: ndcg });
        if (ndcg > best) {
          best = ndcg;
          this.neighbors = n;
        }
      }
    }
    this.neighbors ??= 100;
    this.lists = truncateNeighbors(all, this.neighbors);
    return { tuned: { neighbors: this.neighbors }, curve, seconds: (performance.now() - started) / 1000 };
  }

  scoreBatch(users: Int32Array, out: Float32Array): void {
    const h = this.history!;
    const { ptr, idx, weight } = this.lists!;
    out.fill(0);
    users.forEach((u, b) => {
      const base = b * this.numItems;
      for (let q = h.indptr[u]!; q < h.indptr[u + 1]!; q++) {
        const i = h.items[q]!;
        for (let p = ptr[i]!; p < ptr[i + 1]!; p++) out[base + idx[p]!]! += weight[p]!;
      }
    });
  }
}
