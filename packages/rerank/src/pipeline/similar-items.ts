import { Progress } from "@tandem/core";
import type { SearchHits, VectorIndex } from "@tandem/recall";

/** Items searched per index call: a block lets the flat index read its rows once per four queries. */
const BLOCK = 256;

/**
 * Each item's `depth` most similar items by text (itself excluded), through the version's text index:
 * what /similar serves, computed once at publish instead of per request. One ANN query per item (an
 * exact scan per item only for catalogues small enough to use the flat index).
 */
export function similarItemLists(
  index: VectorIndex,
  itemText: Float32Array,
  depth: number,
  progress = false,
): SearchHits[] {
  const dim = index.dim;
  const n = itemText.length / dim;
  const out: SearchHits[] = [];
  const bar = new Progress("similar items", n, { enabled: progress });
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    const exclude = Array.from({ length: end - start }, (_, b) => new Set([start + b]));
    out.push(...index.search(itemText.subarray(start * dim, end * dim), depth, { exclude }));
    bar.tick(end - start);
  }
  return out;
}
