import type { SearchHits, VectorIndex } from "@tandem/recall";

/**
 * Each item's nearest items in a vector index, searched once and reused: recall queries the same few
 * thousand recent items for every user, so a run searches each item at most once instead of once per
 * user who has it among their last items. Lists are `depth` deep and unfiltered; `topFor` filters a
 * user's exclusions and falls back to an exact per-user search when too few remain, so the answer is
 * the one a direct search with that exclusion gives. Bounded by items × depth.
 */
export class ItemNeighborMemo {
  private readonly lists = new Map<number, SearchHits>();

  constructor(
    private readonly index: VectorIndex,
    private readonly vectorOf: (item: number) => Float32Array | undefined,
  ) {}

  /** Forget everything (the index changed). */
  clear(): void {
    this.lists.clear();
  }

  get size(): number {
    return this.lists.size;
  }

  /** The `k` nearest items to `item`'s vector, none in `exclude`; null when the item has no vector. */
  topFor(item: number, k: number, exclude: ReadonlySet<number>): SearchHits | null {
    const vector = this.vectorOf(item);
    if (!vector) return null;
    const depth = 2 * k;
    let list = this.lists.get(item);
    if (!list || (list.keys.length < depth && list.keys.length < this.index.size)) {
      list = this.index.search(vector, Math.min(depth, Math.max(1, this.index.size)))[0]!;
      this.lists.set(item, list);
    }
    const keys = new Int32Array(k);
    const scores = new Float32Array(k);
    let n = 0;
    for (let r = 0; r < list.keys.length && n < k; r++) {
      if (exclude.has(list.keys[r]!)) continue;
      keys[n] = list.keys[r]!;
      scores[n++] = list.scores[r]!;
    }
    // Too many of the list are excluded (or the catalogue is smaller than k): ask the index directly.
    if (n < k && list.keys.length < this.index.size) return this.index.search(vector, k, { exclude })[0]!;
    return { keys: keys.subarray(0, n), scores: scores.subarray(0, n) };
  }
}
