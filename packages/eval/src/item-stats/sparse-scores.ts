import { TopKHeap } from "../top-k-heap.js";

/**
 * A reusable score accumulator over items that remembers which entries it touched, so building one row
 * (an item's neighbours, a user's candidates) costs O(entries touched), never O(catalogue).
 */
export class SparseScores {
  private readonly value: Float32Array;
  private readonly mark: Uint8Array;
  private readonly list: Int32Array;
  private count = 0;

  constructor(readonly size: number) {
    this.value = new Float32Array(size);
    this.mark = new Uint8Array(size);
    this.list = new Int32Array(size);
  }

  add(item: number, w: number): void {
    if (this.mark[item] === 0) {
      this.mark[item] = 1;
      this.list[this.count++] = item;
    }
    this.value[item]! += w;
  }

  get touched(): Int32Array {
    return this.list.subarray(0, this.count);
  }

  get(item: number): number {
    return this.value[item]!;
  }

  set(item: number, v: number): void {
    this.value[item] = v;
  }

  /**
   * Zeroes these items' scores so the next takeTop leaves them out (it keeps positive entries only): one
   * write per excluded item instead of a Set lookup per touched one, which is many more.
   */
  drop(items: Iterable<number>): void {
    for (const i of items) if (i >= 0 && i < this.size) this.value[i] = 0;
  }

  /** The k best positive touched entries (ties to the lower item), skipping `skip`; then clears. */
  takeTop(k: number, skip?: (item: number) => boolean): { keys: Int32Array; scores: Float32Array } {
    const heap = new TopKHeap(k);
    for (const i of this.touched) {
      const v = this.value[i]!;
      if (v > 0 && !skip?.(i)) heap.push(v, i);
    }
    this.clear();
    return heap.drain();
  }

  clear(): void {
    for (const i of this.touched) {
      this.value[i] = 0;
      this.mark[i] = 0;
    }
    this.count = 0;
  }
}
