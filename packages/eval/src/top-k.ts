import { TopKHeap } from "./top-k-heap.js";

/**
 * Indexes of the k largest scores, best first, skipping indexes where `masked(i)` is true and NaNs.
 * A bounded min-heap: O(n log k), no full sort. Ties go to the lower index (deterministic).
 */
export function topK(scores: ArrayLike<number>, k: number, masked?: (i: number) => boolean): Int32Array {
  const heap = new TopKHeap(k);
  for (let i = 0; i < scores.length; i++) if (!masked?.(i)) heap.push(scores[i]!, i);
  return heap.drain().keys;
}
