import type { UserItems } from "@tandem/data";
import type { CandidateSource, Proposals } from "./candidate.js";
import { ItemGraph } from "./item-graph.js";
import { topPositive } from "./score-top-k.js";

/**
 * Item-to-item co-consumption: cosine |U_i ∩ U_j| / sqrt(|U_i||U_j|) on the binary matrix, each item
 * keeping its strongest neighbours; a user's score for j sums the similarities from their history.
 */
export class CooccurrenceSource implements CandidateSource {
  readonly name = "cooc";
  private readonly graph: ItemGraph;
  private readonly numItems: number;

  constructor(history: UserItems, neighbors: number) {
    const n = history.numItems;
    this.numItems = n;
    const co = new Float32Array(n * n);
    const count = new Float32Array(n);
    for (let u = 0; u < history.numUsers; u++) {
      const s = history.indptr[u]!;
      const e = history.indptr[u + 1]!;
      for (let a = s; a < e; a++) {
        const i = history.items[a]!;
        count[i]!++;
        for (let b = s; b < e; b++) if (b !== a) co[i * n + history.items[b]!]!++;
      }
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const c = co[i * n + j]!;
        if (c > 0) co[i * n + j] = c / Math.sqrt(count[i]! * count[j]!);
      }
    this.graph = new ItemGraph(co, n, neighbors);
  }

  propose(_user: number, history: Int32Array, k: number, exclude: ReadonlySet<number>): Proposals {
    const scores = new Float32Array(this.numItems);
    for (const i of history) this.graph.spread(i, 1, scores);
    return topPositive(scores, k, exclude);
  }
}
