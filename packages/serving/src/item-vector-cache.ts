import { UnavailableError } from "@tandem/core";
import type { FeatureStore } from "@tandem/store";

/** One item's vectors, one per kind of the cache (null where the item has none). */
export type ItemRow = readonly (Float32Array | null)[];

// Map entry, row array and typed-array headers: a rough per-item cost on top of the floats.
const ENTRY_OVERHEAD = 160;

interface Entry {
  row: ItemRow;
  bytes: number;
  /** Read since it last came by in eviction order (CLOCK: a hit costs a flag, not a Map move). */
  used: boolean;
}

/**
 * Item vectors of one version (immutable within it), kept in process by item index: the least recently
 * used out once `maxBytes` is reached (CLOCK, an LRU approximation with no bookkeeping per hit). Repeated items cost no Redis read and no decoding. Each version's
 * context owns its cache, so a version switch drops the old one with it.
 */
export class ItemVectorCache {
  private readonly entries = new Map<number, Entry>();
  private bytes = 0;

  constructor(
    private readonly store: FeatureStore,
    private readonly version: string,
    private readonly itemIds: readonly string[],
    readonly kinds: readonly string[],
    /** Budget in bytes (config api.itemCacheMb). */
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  /** Rows of `indexes` (aligned), reading only the missing ones: one read per kind, sent together. */
  async get(indexes: ArrayLike<number>, call: <T>(work: Promise<T>) => Promise<T>): Promise<ItemRow[]> {
    const out: ItemRow[] = new Array(indexes.length);
    const missing: number[] = [];
    const missingAt: number[] = [];
    for (let i = 0; i < indexes.length; i++) {
      const hit = this.entries.get(indexes[i]!);
      if (hit) {
        hit.used = true;
        out[i] = hit.row;
      } else {
        missing.push(indexes[i]!);
        missingAt.push(i);
      }
    }
    if (missing.length === 0) return out;
    const rows = await this.read(missing, call);
    missing.forEach((index, j) => {
      out[missingAt[j]!] = rows[j]!;
      this.put(index, rows[j]!);
    });
    return out;
  }

  /**
   * Reads the whole catalogue into the cache in chunks, when it fits the budget: run in the background
   * before a version goes live, so its requests do not decode vectors on a miss.
   */
  async prefetch(
    call: <T>(work: Promise<T>) => Promise<T>,
    floatsPerItem: number,
    chunk = 512,
  ): Promise<boolean> {
    const perItem = 4 * floatsPerItem + ENTRY_OVERHEAD;
    if (this.itemIds.length * perItem > this.maxBytes) return false;
    for (let start = 0; start < this.itemIds.length; start += chunk) {
      const indexes = Array.from(
        { length: Math.min(chunk, this.itemIds.length - start) },
        (_, i) => start + i,
      );
      const rows = await this.read(indexes, call);
      for (let j = 0; j < indexes.length; j++) this.put(indexes[j]!, rows[j]!);
    }
    return true;
  }

  private async read(indexes: number[], call: <T>(work: Promise<T>) => Promise<T>): Promise<ItemRow[]> {
    const ids = indexes.map((i) => this.itemIds[i]!);
    const fetched = await call(
      Promise.all(this.kinds.map((kind) => this.store.getItemVectorsAt(this.version, kind, ids))),
    );
    if (fetched.some((f) => f === null))
      throw new UnavailableError(`version ${this.version} is gone from the store`);
    return indexes.map((_, j) => fetched.map((f) => f!.vectors[j] ?? null));
  }

  // Rows of one read are views of one buffer, which stays alive while any of them is cached: the byte
  // count is the rows' own size, a lower bound of what is held after partial eviction.
  private put(index: number, row: ItemRow): void {
    if (this.entries.has(index)) return;
    const bytes = row.reduce((s, v) => s + (v?.byteLength ?? 0), ENTRY_OVERHEAD);
    if (bytes > this.maxBytes) return;
    this.entries.set(index, { row, bytes, used: false });
    this.bytes += bytes;
    // Oldest first: a used entry gets a second chance (moved to the back, flag cleared), else it goes.
    while (this.bytes > this.maxBytes) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      if (entry.used) {
        entry.used = false;
        this.entries.set(oldest, entry);
      } else this.bytes -= entry.bytes;
    }
  }
}
