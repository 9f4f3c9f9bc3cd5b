import type { UserItems } from "@tandem/data";
import { itemOccurrences } from "./item-occurrences.js";
import { type NeighborLists, NeighborListsBuilder } from "./neighbor-lists.js";
import { SparseScores } from "./sparse-scores.js";

export interface CosineOptions {
  /** Neighbours kept per item. */
  neighbors: number;
  /**
   * Only each user's latest `historyCap` items form pairs (0 = all). The cost is Σ_u min(|I_u|, cap)²:
   * a cap bounds the few very long histories that dominate it at size.
   */
  historyCap?: number;
}

/**
 * Item-item cosine on the binary matrix, |U_i ∩ U_j| / sqrt(|U_i||U_j|), top `neighbors` per item.
 * Built one item row at a time over the transposed matrix: memory O(interactions + items × neighbors),
 * never items².
 */
export function cosineNeighbors(ui: UserItems, options: CosineOptions): NeighborLists {
  const n = ui.numItems;
  const cap = options.historyCap ?? 0;
  const occ = itemOccurrences(ui);
  const windowStart = (u: number) =>
    cap > 0 ? Math.max(ui.indptr[u]!, ui.indptr[u + 1]! - cap) : ui.indptr[u]!;
  const count = new Float32Array(n);
  for (let i = 0; i < n; i++)
    for (let o = occ.ptr[i]!; o < occ.ptr[i + 1]!; o++)
      if (occ.position[o]! >= windowStart(occ.user[o]!)) count[i]!++;
  const acc = new SparseScores(n);
  const out = new NeighborListsBuilder(n, options.neighbors);
  for (let i = 0; i < n; i++) {
    for (let o = occ.ptr[i]!; o < occ.ptr[i + 1]!; o++) {
      const u = occ.user[o]!;
      const start = windowStart(u);
      if (occ.position[o]! < start) continue;
      for (let q = start; q < ui.indptr[u + 1]!; q++) acc.add(ui.items[q]!, 1);
    }
    for (const j of acc.touched) acc.set(j, acc.get(j) / Math.sqrt(count[i]! * count[j]!));
    out.push(
      i,
      acc.takeTop(options.neighbors, (j) => j === i),
    );
  }
  return out.build();
}
