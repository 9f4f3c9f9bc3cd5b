import type { UserItems } from "@tandem/data";
import type { CandidateSource, Proposals } from "./candidate.js";
import { ItemGraph } from "./item-graph.js";
import { topPositive } from "./score-top-k.js";

/**
 * "What tends to come next": i → j counts when j follows i within `window` positions of a user's
 * time-ordered history, weighted 1/distance and divided by sqrt(out-weight of i) so popular items do not
 * drown the signal. A user's candidates spread from their `recent` last items, the latest weighing most.
 */
export class NextItemSource implements CandidateSource {
  readonly name = "next";
  private readonly graph: ItemGraph;
  private readonly numItems: number;

  constructor(
    history: UserItems,
    window: number,
    neighbors: number,
    private readonly recent: number,
  ) {
    const n = history.numItems;
    this.numItems = n;
    const next = new Float32Array(n * n);
    const out = new Float32Array(n);
    for (let u = 0; u < history.numUsers; u++) {
      const s = history.indptr[u]!;
      const e = history.indptr[u + 1]!;
      for (let a = s; a < e; a++) {
        const i = history.items[a]!;
        for (let b = a + 1; b < Math.min(e, a + 1 + window); b++) {
          const w = 1 / (b - a);
          next[i * n + history.items[b]!]! += w;
          out[i]! += w;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const norm = out[i]! > 0 ? 1 / Math.sqrt(out[i]!) : 0;
      for (let j = 0; j < n; j++) next[i * n + j]! *= norm;
    }
    this.graph = new ItemGraph(next, n, neighbors);
  }

  propose(_user: number, history: Int32Array, k: number, exclude: ReadonlySet<number>): Proposals {
    const scores = new Float32Array(this.numItems);
    const start = Math.max(0, history.length - this.recent);
    for (let p = history.length - 1; p >= start; p--) {
      const age = history.length - 1 - p;
      this.graph.spread(history[p]!, 1 / (1 + age), scores);
    }
    return topPositive(scores, k, exclude);
  }
}
