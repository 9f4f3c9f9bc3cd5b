import type { UserItems } from "@tandem/data";
import { type CosineOptions, type CosineRowBlock, cosineInputs, cosineRows } from "./cosine-rows.js";
import type { NeighborLists } from "./neighbor-lists.js";

/**
 * Item-item cosine on the binary matrix, |U_i ∩ U_j| / sqrt(|U_i||U_j|), top `neighbors` per item; with a
 * value weighting, on the weighted matrix: Σ_u w_ui w_uj / sqrt(Σ_u w_ui² · Σ_u w_uj²).
 * Built one item row at a time over the transposed matrix: memory O(interactions + items × neighbors),
 * never items². `cosineNeighborsThreaded` computes the same lists on worker threads.
 */
export function cosineNeighbors(ui: UserItems, options: CosineOptions): NeighborLists {
  const inputs = cosineInputs(ui, options);
  return joinRowBlocks(ui.numItems, [cosineRows(inputs, 0, ui.numItems)]);
}

/** The lists from row blocks that together cover every item once (any order). */
export function joinRowBlocks(numItems: number, blocks: readonly CosineRowBlock[]): NeighborLists {
  const sorted = [...blocks].sort((a, b) => a.from - b.from);
  const ptr = new Int32Array(numItems + 1);
  let total = 0;
  for (const b of sorted) {
    for (let r = 0; r < b.to - b.from; r++) ptr[b.from + r + 1] = total + b.ptr[r + 1]!;
    total += b.idx.length;
  }
  const idx = new Int32Array(total);
  const weight = new Float32Array(total);
  for (const b of sorted) {
    idx.set(b.idx, ptr[b.from]!);
    weight.set(b.weight, ptr[b.from]!);
  }
  return { numItems, ptr, idx, weight };
}
