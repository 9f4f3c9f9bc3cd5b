import { TopKHeap } from "../vector/top-k-heap.js";
import type { Proposals } from "./candidate.js";

/** Top-k positive scores of a dense per-item array, skipping excluded items. */
export function topPositive(scores: Float32Array, k: number, exclude: ReadonlySet<number>): Proposals {
  const heap = new TopKHeap(k);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s > 0 && !exclude.has(i)) heap.push(s, i);
  }
  const { keys, scores: top } = heap.drain();
  return { items: keys, scores: top };
}
