import type { FeatureStore, StoredEvent, UserRecord } from "@tandem/store";
import type { ProfileBuilder } from "./compute.js";

/**
 * A user's profile as the recency-weighted mean of the live version's item vectors of one kind
 * (weight 2^(-age/halfLife), age measured from the user's latest event), plus `lastEventAt` and
 * `events` scalars. Reads the vectors in one bulk call; no model runs.
 */
export class MeanVectorProfileBuilder implements ProfileBuilder {
  constructor(
    /** Item vector kind to average. Default "text". */
    readonly kind = "text",
    /** Recency half-life in days. Default 180 (config semantic.halfLifeDays). */
    readonly halfLifeDays = 180,
  ) {}

  async build(
    userId: string,
    events: readonly StoredEvent[],
    store: FeatureStore,
  ): Promise<UserRecord | null> {
    if (events.length === 0) return null;
    const last = Math.max(...events.map((e) => e.timestamp));
    const { vectors, dims } = await store.getItemVectors(
      this.kind,
      events.map((e) => e.item),
    );
    const profile = new Float32Array(dims);
    let total = 0;
    events.forEach((e, i) => {
      const v = vectors[i];
      if (!v) return;
      const w = 2 ** (-(last - e.timestamp) / (this.halfLifeDays * 86_400));
      total += w;
      for (let k = 0; k < dims; k++) profile[k]! += w * v[k]!;
    });
    const scalars = { lastEventAt: last, events: events.length };
    if (total === 0) return { userId, scalars };
    for (let k = 0; k < dims; k++) profile[k]! /= total;
    return { userId, vectors: { [this.kind]: profile }, scalars };
  }
}
