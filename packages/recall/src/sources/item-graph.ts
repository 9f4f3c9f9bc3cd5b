import { topK } from "@tandem/eval";

/**
 * Sparse item → item weights keeping the `neighbors` strongest per item, built from a dense
 * numItems² accumulator (fine up to ~20k items: 1.6 GB would be the limit at 20k, so callers with
 * bigger catalogues must shard; ml-latest-small is 3,650 and ML-1M 3,706).
 */
export class ItemGraph {
  readonly ptr: Int32Array;
  readonly idx: Int32Array;
  readonly weight: Float32Array;

  constructor(dense: Float32Array, numItems: number, neighbors: number) {
    const k = Math.min(neighbors, Math.max(numItems - 1, 0));
    this.ptr = new Int32Array(numItems + 1);
    const idx: number[] = [];
    const weight: number[] = [];
    for (let i = 0; i < numItems; i++) {
      const row = dense.subarray(i * numItems, (i + 1) * numItems);
      for (const j of topK(row, k, (j) => j === i || row[j]! <= 0)) {
        idx.push(j);
        weight.push(row[j]!);
      }
      this.ptr[i + 1] = idx.length;
    }
    this.idx = Int32Array.from(idx);
    this.weight = Float32Array.from(weight);
  }

  /** scores[j] += w · weight(i → j) for every neighbour j of i. */
  spread(i: number, w: number, scores: Float32Array): void {
    for (let p = this.ptr[i]!; p < this.ptr[i + 1]!; p++) scores[this.idx[p]!]! += w * this.weight[p]!;
  }
}
