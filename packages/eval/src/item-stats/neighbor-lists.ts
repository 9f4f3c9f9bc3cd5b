import type { SparseScores } from "./sparse-scores.js";

/**
 * Each item's strongest neighbours, best first, in CSR form: item i's are idx[ptr[i] .. ptr[i+1]).
 * The one sparse item-item structure ItemKNN, co-occurrence and transition recall share.
 */
export interface NeighborLists {
  numItems: number;
  ptr: Int32Array;
  idx: Int32Array;
  weight: Float32Array;
}

/** Collects rows built one item at a time (each row best first). */
export class NeighborListsBuilder {
  private readonly ptr: Int32Array;
  private idx: Int32Array;
  private weight: Float32Array;
  private filled = 0;

  constructor(
    private readonly numItems: number,
    perItem: number,
  ) {
    this.ptr = new Int32Array(numItems + 1);
    this.idx = new Int32Array(Math.min(numItems * perItem, 1 << 20));
    this.weight = new Float32Array(this.idx.length);
  }

  /** Appends item `i`'s row; rows must come in item order. */
  push(i: number, row: { keys: Int32Array; scores: Float32Array }): void {
    const need = this.filled + row.keys.length;
    if (need > this.idx.length) {
      const size = Math.max(need, this.idx.length * 2);
      const idx = new Int32Array(size);
      idx.set(this.idx);
      const weight = new Float32Array(size);
      weight.set(this.weight);
      this.idx = idx;
      this.weight = weight;
    }
    this.idx.set(row.keys, this.filled);
    this.weight.set(row.scores, this.filled);
    this.filled = need;
    this.ptr[i + 1] = need;
  }

  build(): NeighborLists {
    for (let i = 1; i <= this.numItems; i++)
      if (this.ptr[i]! < this.ptr[i - 1]!) this.ptr[i] = this.ptr[i - 1]!;
    return {
      numItems: this.numItems,
      ptr: this.ptr,
      idx: this.idx.slice(0, this.filled),
      weight: this.weight.slice(0, this.filled),
    };
  }
}

/** Keeps at most `m` neighbours per item (rows are best first, so a prefix). */
export function truncateNeighbors(lists: NeighborLists, m: number): NeighborLists {
  const ptr = new Int32Array(lists.numItems + 1);
  for (let i = 0; i < lists.numItems; i++)
    ptr[i + 1] = ptr[i]! + Math.min(m, lists.ptr[i + 1]! - lists.ptr[i]!);
  const idx = new Int32Array(ptr[lists.numItems]!);
  const weight = new Float32Array(idx.length);
  for (let i = 0; i < lists.numItems; i++) {
    const from = lists.ptr[i]!;
    const len = ptr[i + 1]! - ptr[i]!;
    idx.set(lists.idx.subarray(from, from + len), ptr[i]!);
    weight.set(lists.weight.subarray(from, from + len), ptr[i]!);
  }
  return { numItems: lists.numItems, ptr, idx, weight };
}

/** scores[j] += w · weight(i → j) for every neighbour j of item i. */
export function spreadNeighbors(lists: NeighborLists, i: number, w: number, into: SparseScores): void {
  for (let p = lists.ptr[i]!; p < lists.ptr[i + 1]!; p++) into.add(lists.idx[p]!, w * lists.weight[p]!);
}
