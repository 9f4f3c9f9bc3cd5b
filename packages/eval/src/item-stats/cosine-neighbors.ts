import { type UserItems, type ValueWeighting, valueWeights } from "@tandem/data";
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
  /** How interaction values weight the matrix before the cosine. Default "none" (binary). */
  weighting?: ValueWeighting;
}

/**
 * Item-item cosine on the binary matrix, |U_i ∩ U_j| / sqrt(|U_i||U_j|), top `neighbors` per item; with a
 * value weighting, on the weighted matrix: Σ_u w_ui w_uj / sqrt(Σ_u w_ui² · Σ_u w_uj²).
 * Built one item row at a time over the transposed matrix: memory O(interactions + items × neighbors),
 * never items².
 */
export function cosineNeighbors(ui: UserItems, options: CosineOptions): NeighborLists {
  const n = ui.numItems;
  const cap = options.historyCap ?? 0;
  const occ = itemOccurrences(ui);
  // null: the binary path, unchanged (the reference numbers).
  const w = valueWeights(ui, options.weighting ?? "none");
  const windowStart = (u: number) =>
    cap > 0 ? Math.max(ui.indptr[u]!, ui.indptr[u + 1]! - cap) : ui.indptr[u]!;
  const count = new Float32Array(n);
  for (let i = 0; i < n; i++)
    for (let o = occ.ptr[i]!; o < occ.ptr[i + 1]!; o++)
      if (occ.position[o]! >= windowStart(occ.user[o]!)) count[i]! += w ? w[occ.position[o]!]! ** 2 : 1;
  const acc = new SparseScores(n);
  const out = new NeighborListsBuilder(n, options.neighbors);
  for (let i = 0; i < n; i++) {
    for (let o = occ.ptr[i]!; o < occ.ptr[i + 1]!; o++) {
      const u = occ.user[o]!;
      const start = windowStart(u);
      if (occ.position[o]! < start) continue;
      if (!w) for (let q = start; q < ui.indptr[u + 1]!; q++) acc.add(ui.items[q]!, 1);
      else {
        const wi = w[occ.position[o]!]!;
        for (let q = start; q < ui.indptr[u + 1]!; q++) acc.add(ui.items[q]!, wi * w[q]!);
      }
    }
    for (const j of acc.touched) acc.set(j, acc.get(j) / Math.sqrt(count[i]! * count[j]! || 1));
    out.push(
      i,
      acc.takeTop(options.neighbors, (j) => j === i),
    );
  }
  return out.build();
}
