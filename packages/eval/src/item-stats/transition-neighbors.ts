import type { UserItems } from "@tandem/data";
import { itemOccurrences } from "./item-occurrences.js";
import { type NeighborLists, NeighborListsBuilder } from "./neighbor-lists.js";
import { SparseScores } from "./sparse-scores.js";

export interface TransitionOptions {
  /** j counts as following i when it comes within `window` positions after it, weighted 1/distance. */
  window: number;
  neighbors: number;
}

/**
 * "What tends to come next": i → j weights summed over every user's time-ordered history, divided by
 * sqrt(out-weight of i) so popular items do not drown the signal; top `neighbors` per item. O(interactions
 * × window) time, O(interactions + items × neighbors) memory.
 */
export function transitionNeighbors(ui: UserItems, options: TransitionOptions): NeighborLists {
  const n = ui.numItems;
  const occ = itemOccurrences(ui);
  const acc = new SparseScores(n);
  const out = new NeighborListsBuilder(n, options.neighbors);
  for (let i = 0; i < n; i++) {
    let outWeight = 0;
    for (let o = occ.ptr[i]!; o < occ.ptr[i + 1]!; o++) {
      const p = occ.position[o]!;
      const end = Math.min(ui.indptr[occ.user[o]! + 1]!, p + 1 + options.window);
      for (let b = p + 1; b < end; b++) {
        const w = 1 / (b - p);
        acc.add(ui.items[b]!, w);
        outWeight = Math.fround(outWeight + w);
      }
    }
    const norm = outWeight > 0 ? 1 / Math.sqrt(outWeight) : 0;
    for (const j of acc.touched) acc.set(j, acc.get(j) * norm);
    out.push(
      i,
      acc.takeTop(options.neighbors, (j) => j === i),
    );
  }
  return out.build();
}
