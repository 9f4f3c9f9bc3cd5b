import { Rng, rerankConfigSchema } from "@tandem/core";
import {
  type CandidateFeatures,
  FEATURES,
  FusionScorer,
  isTreeFusion,
  serializeFusion,
  trainGbdt,
  VERSION_METADATA,
} from "@tandem/rerank";
import { MemoryFeatureStore } from "@tandem/store";
import { describe, expect, it } from "vitest";
import { loadVersionContext } from "../src/version-context.js";

const dim = FEATURES.length;

/** Lists over the real feature columns whose choice depends on two of them non-linearly. */
function lists(n: number, seed: number) {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const rows = 25;
    const values = Float32Array.from({ length: rows * dim }, () => rng.normal());
    const u = Array.from({ length: rows }, (_, r) => {
      const a = values[r * dim]!;
      const b = values[r * dim + 1]!;
      return 2 * (Math.abs(a) < 0.6 ? 1 : 0) + (b > 0.5 ? 1 : 0) + rng.normal();
    });
    const candidates: CandidateFeatures = {
      names: FEATURES,
      items: Int32Array.from({ length: rows }, (_, r) => r),
      values,
    };
    return { candidates, target: u.indexOf(Math.max(...u)) };
  });
}

describe("a tree fusion in a published version", () => {
  it("is written under the version's fusion metadata and scored by serving exactly as trained", async () => {
    const train = lists(200, 1);
    const gbdt = { ...rerankConfigSchema.parse({}).gbdt, depths: [3], maxTrees: 40 };
    const model = trainGbdt(
      train,
      Int32Array.from(train, (_, k) => k),
      gbdt,
      5,
    );
    const store = new MemoryFeatureStore();
    await store.beginVersion("v1", {
      itemIds: ["a"],
      columns: FEATURES,
      itemKinds: { mf: 2, text: 2, stats: 3 },
      userKinds: { mf: 2, textProfile: 2, textLast: 2 },
    });
    await store.writeMetadata("v1", VERSION_METADATA.fusion, serializeFusion(model));
    await store.publish("v1");

    const ctx = await loadVersionContext(store, "v1");
    expect(isTreeFusion(ctx.scorer.model) && ctx.scorer.model.base).toBeTruthy(); // trees and their linear base
    const c = lists(1, 2)[0]!.candidates;
    const here = new FusionScorer(model);
    expect([...ctx.scorer.score(c)]).toEqual([...here.score(c)]);
    expect(ctx.scorer.explain(c, 3)).toEqual(here.explain(c, 3));
    expect(ctx.scorer.bias).toBe(here.bias);
  });
});
