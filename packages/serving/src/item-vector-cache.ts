import type { FeatureStore } from "@tandem/store";

/**
 * Item vectors never change within a version, so the request path keeps the ones it has read, per
 * version and bounded (oldest first out): repeated items cost no Redis read and no decoding. A version
 * flip empties it.
 */
export class ItemVectorCache {
  private version: string | null = null;
  private readonly entries = new Map<string, (Float32Array | null)[]>();

  constructor(
    private readonly store: FeatureStore,
    /** Most items kept (config api.itemCacheSize). */
    private readonly maxItems: number,
  ) {}

  /**
   * Vectors of `ids` for each of `kinds` (row per id, column per kind), reading only the missing ones:
   * one getItemVectors per kind, sent together.
   */
  async get(
    version: string,
    kinds: readonly string[],
    ids: readonly string[],
    call: <T>(work: Promise<T>) => Promise<T>,
  ): Promise<Map<string, (Float32Array | null)[]>> {
    if (this.version !== version) {
      this.entries.clear();
      this.version = version;
    }
    const out = new Map<string, (Float32Array | null)[]>();
    const missing: string[] = [];
    for (const id of ids) {
      const hit = this.entries.get(id);
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const fetched = await call(Promise.all(kinds.map((k) => this.store.getItemVectors(k, missing))));
    // A version flipped mid-request: use what was read, but cache only vectors of the version in hand.
    const cacheable = fetched.every((f) => f.version === version);
    missing.forEach((id, i) => {
      const row = fetched.map((f) => f.vectors[i] ?? null);
      out.set(id, row);
      if (!cacheable) return;
      if (this.entries.size >= this.maxItems) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, row);
    });
    return out;
  }
}
