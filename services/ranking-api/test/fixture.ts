import { FEATURES, type LinearFusion, serializeFusion } from "@tandem/rerank";
import type { FeatureStore } from "@tandem/store";

const dim = FEATURES.length;
export const ITEMS = ["a", "b", "c", "d", "e"];

/** A hand-set fusion: relevance from `textProfile` and `cooc`, a little from popularity. */
export const fusion: LinearFusion = {
  names: [...FEATURES],
  standardizer: { mean: new Float32Array(dim), scale: new Float32Array(dim).fill(1) },
  weights: Float32Array.from(FEATURES, (f) =>
    f === "textProfile" ? 2 : f === "cooc" ? 1 : f === "logPop" ? 0.1 : 0,
  ),
  loss: 0,
  examples: 0,
};

const row = (values: Partial<Record<(typeof FEATURES)[number], number>>) =>
  FEATURES.map((f) => values[f] ?? 0);

/** Publishes one small, complete version: what a precompute run would write. */
export async function publishFixture(store: FeatureStore, version = "v1"): Promise<void> {
  await store.beginVersion(version, {
    itemIds: ITEMS,
    columns: FEATURES,
    itemKinds: { mf: 2, text: 2, stats: 3 },
    userKinds: { mf: 2, textProfile: 2, textLast: 2 },
  });
  // text vectors on the unit circle: a≈b, c≈d, e apart.
  const text = [1, 0, 0.96, 0.28, 0, 1, 0.28, 0.96, -1, 0];
  await store.writeItemVectors(version, "text", ITEMS, Float32Array.from(text));
  await store.writeItemVectors(version, "mf", ITEMS, Float32Array.from([1, 0, 1, 0, 0, 1, 0, 1, 1, 1]));
  await store.writeItemVectors(
    version,
    "stats",
    ITEMS,
    Float32Array.from([5, 1, 3, 4, 1, 3, 3, 1, 3, 2, 1, 3, 1, 0, 3]),
  );
  await store.writePopularity(version, ["a", "b", "c", "d", "e"], Float32Array.from([50, 40, 30, 20, 10]));
  await store.writeMetadata(version, "fusion", serializeFusion(fusion));
  await store.writeMetadata(version, "itemTags", {
    a: ["Drama"],
    b: ["Comedy"],
    c: ["Drama"],
    d: ["Horror"],
    e: ["Comedy"],
  });
  await store.writeMetadata(version, "itemTitles", {
    a: "Alpha (1995)",
    b: "Beta (1996)",
    c: "Gamma (1997)",
    d: "Delta (1998)",
    e: "Epsilon (1999)",
  });
  await store.writeUsers(version, [
    {
      userId: "u1",
      candidates: {
        items: ["c", "d", "e"],
        features: Float32Array.from([
          ...row({ textProfile: 0.9, cooc: 0.1, logPop: 3, fromText: 1 }),
          ...row({ textProfile: 0.2, cooc: 0.8, logPop: 2, fromCooc: 1 }),
          ...row({ textProfile: 0.1, cooc: 0, logPop: 1, fromPop: 1 }),
        ]),
      },
      vectors: {
        mf: Float32Array.from([0, 1]),
        textProfile: Float32Array.from([0, 1]),
        textLast: Float32Array.from([0, 1]),
      },
      scalars: { lastEventAt: 100 },
    },
  ]);
  await store.publish(version);
}
