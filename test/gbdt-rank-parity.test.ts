import { type Dataset, loadDataset, userItemsOf } from "@tandem/data";
import { writeTandemVersion } from "@tandem/nightly";
import {
  buildCandidates,
  FEATURES,
  type FeatureName,
  FusionScorer,
  fitStages,
  type RankingExample,
  type StageModels,
  type TreeFusion,
  trainGbdt,
} from "@tandem/rerank";
import { createCachedEncoder } from "@tandem/semantic";
import { StoreRankingEngine } from "@tandem/serving";
import { MemoryFeatureStore } from "@tandem/store";
import { beforeAll, describe, expect, it } from "vitest";
import { denseSliceConfig } from "./dense-slice.js";

// Real data (a dense slice of ml-latest-small), the real encoder and a boosted-tree fusion with its
// linear base, trained on real candidate lists: /v1/rank must score a user's stored candidates exactly
// as precompute did, and items outside them from the version's vectors as precompute would.
const { config } = denseSliceConfig("tandem-gbdt-rank-", () => ({
  rerank: { fusion: "gbdt", gbdt: { depths: [3], maxTrees: 40 } },
}));

/** Columns request time derives from vectors; the others (source scores and flags) need recall. */
const DERIVED: FeatureName[] = ["mf", "textProfile", "textLast", "textMf", "logPop", "recentPop", "age"];

describe("gbdt fusion: precompute and /v1/rank agree", () => {
  let dataset: Dataset;
  let stage: StageModels;
  let fusion: TreeFusion;

  beforeAll(async () => {
    dataset = await loadDataset(config.data.dir, config.data);
    const encoder = await createCachedEncoder(config.semantic);
    const ctx = { config, dataset, seed: 7, encoder: async () => encoder };
    stage = await fitStages(dataset.interactions, ctx, { epochs: 3 });
    // Lists whose non-derived columns are zeroed: the trees split only on what request time can derive,
    // so items outside the stored candidates are comparable too. Targets: each user's latest item.
    const examples: RankingExample[] = [];
    for (let u = 0; u < dataset.users.size; u++) {
      const history = userItemsOf(stage.history, u);
      const { features } = buildCandidates(stage, u, history.subarray(0, history.length - 1));
      for (let p = 0; p < features.values.length; p++)
        if (!DERIVED.includes(FEATURES[p % FEATURES.length]!)) features.values[p] = 0;
      examples.push({ candidates: features, target: features.items.indexOf(history[history.length - 1]!) });
    }
    fusion = trainGbdt(
      examples,
      Int32Array.from(examples, (_, k) => k),
      config.rerank.gbdt,
      7,
    );
  }, 600_000);

  it("scores stored and derived candidates as the trainer's scorer does", async () => {
    expect(fusion.roots.length).toBeGreaterThan(5);
    expect(fusion.base).toBeDefined();
    const store = new MemoryFeatureStore();
    // Few stored candidates: most of a user's recall list is derived from vectors at request time.
    await writeTandemVersion(store, "v1", dataset, stage, fusion, { keep: 10 });
    await store.publish("v1");
    const engine = new StoreRankingEngine({ store, timeoutMs: 5_000, scheduleUpdates: async () => {} });
    const scorer = new FusionScorer(fusion);
    const dim = FEATURES.length;
    let stored = 0;
    let derived = 0;
    for (let u = 0; u < dataset.users.size; u += 5) {
      const { features } = buildCandidates(stage, u, userItemsOf(stage.history, u));
      const itemIds = Array.from(features.items.subarray(0, 80), (i) => dataset.items.id(i));
      const got = await engine.rank({ userId: dataset.users.id(u), itemIds });
      const byId = new Map(got.items.map((i) => [i.itemId, i.score]));
      const full = scorer.score(features);
      // Request time knows only derived columns for items outside the stored candidates.
      const onlyDerived = features.values.slice();
      for (let p = 0; p < onlyDerived.length; p++)
        if (!DERIVED.includes(FEATURES[p % dim]!)) onlyDerived[p] = 0;
      const partial = scorer.score({ ...features, values: onlyDerived });
      // Precompute stored the top 10 by fused score (ties are rare among float scores).
      const top = new Set([...full.keys()].sort((a, b) => full[b]! - full[a]!).slice(0, 10));
      itemIds.forEach((id, r) => {
        if (top.has(r)) {
          expect(byId.get(id)).toBeCloseTo(full[r]!, 4);
          stored++;
        } else {
          expect(byId.get(id)).toBeCloseTo(partial[r]!, 4);
          derived++;
        }
      });
    }
    expect(stored).toBeGreaterThan(50);
    expect(derived).toBeGreaterThan(1000);
  }, 300_000);
});
