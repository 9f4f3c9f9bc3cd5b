import { Rng } from "@tandem/core";
import { type Dataset, loadDataset } from "@tandem/data";
import { writeTandemVersion } from "@tandem/nightly";
import { FEATURES, type LinearFusion, TandemRecommender } from "@tandem/rerank";
import { createCachedEncoder } from "@tandem/semantic";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore, type StoreEncoding } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { denseSliceConfig } from "./dense-slice.js";

// The same fitted models written twice, f32 and compact, to one real redis-server, served by the real
// engine: what quantisation changes in the answers, and what it saves. Real data (the dense 50-core
// slice of ml-latest-small, the slice docs/scaling.md's bytes/user figure comes from), real encoder.
const { config } = denseSliceConfig("tandem-compact-");
const DIM = FEATURES.length;

describe("compact versions answer as f32 versions of the same models", () => {
  let redis: TestRedis;
  let dataset: Dataset;
  let model: TandemRecommender;
  const stores = {} as Record<StoreEncoding, RedisFeatureStore>;
  const engines = {} as Record<StoreEncoding, StoreRankingEngine>;

  beforeAll(async () => {
    redis = await TestRedis.start({ allowExternal: false });
    dataset = await loadDataset(config.data.dir, config.data);
    const encoder = await createCachedEncoder(config.semantic);
    model = new TandemRecommender({ config, encoder: async () => encoder });
    await model.fit({ history: dataset.interactions, dataset, seed: 7 });
    for (const encoding of ["f32", "compact"] as const) {
      const store = new RedisFeatureStore({
        redis: redis.url,
        namespace: `${redis.namespace}-${encoding}`,
        encoding,
      });
      await writeTandemVersion(store, "v1", dataset, model.stages, model.fusion!, { keep: 200 });
      await store.publish("v1");
      stores[encoding] = store;
      engines[encoding] = new StoreRankingEngine({
        store,
        timeoutMs: 5_000,
        scheduleUpdates: async () => {},
      });
    }
  }, 300_000);
  afterAll(async () => {
    for (const store of Object.values(stores)) await store.close();
    await redis.stop();
  });

  const users = () => Array.from({ length: dataset.users.size }, (_, u) => dataset.users.id(u));
  const overlap = (a: string[], b: string[]) => a.filter((x) => b.includes(x)).length / a.length;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

  it("stores each user in well under 4 KB of Redis, about a quarter of f32", async () => {
    const bytes = {} as Record<StoreEncoding, number>;
    for (const [encoding, store] of Object.entries(stores) as [StoreEncoding, RedisFeatureStore][]) {
      const kinds = Object.keys((await store.versionInfo("v1"))!.userKinds);
      let total = 0;
      // The method of docs/scaling.md's figure: MEMORY USAGE of every per-user hash, over the users.
      for (const key of store.keys.userHashes("v1", 0, kinds))
        total += Number(await store.redis.call("MEMORY", "USAGE", key, "SAMPLES", "0"));
      bytes[encoding] = total / (await store.countUsers("v1"));
    }
    console.log(
      `Redis bytes/user (MEMORY USAGE, ${await stores.f32.countUsers("v1")} users): ` +
        `f32 ${Math.round(bytes.f32)}, compact ${Math.round(bytes.compact)}`,
    );
    expect(bytes.compact).toBeLessThanOrEqual(4096);
    expect(bytes.compact).toBeLessThan(bytes.f32 / 3);
  });

  it("/v1/recommend: the same items in the same order; scores within the quantisation bound", async () => {
    // A linear fusion: a row's score moves by at most Σ_c |w_c| · (half the step of column c).
    const { weights, standardizer } = model.fusion as LinearFusion;
    const w = weights.map((x, c) => Math.abs(x * standardizer.scale[c]!));
    let worst = 0;
    for (const userId of users()) {
      const [exact, compact] = await Promise.all(
        (["f32", "compact"] as const).map((e) => engines[e].recommend({ userId, k: 10 })),
      );
      expect(compact!.items.map((i) => i.itemId)).toEqual(exact!.items.map((i) => i.itemId));
      const f = (await stores.f32.readUser(userId))!.candidates!.features;
      let bound = 1e-5;
      for (let c = 0; c < DIM; c++) {
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (let r = 0; r < f.length / DIM; r++) {
          lo = Math.min(lo, f[r * DIM + c]!);
          hi = Math.max(hi, f[r * DIM + c]!);
        }
        bound += (w[c]! * (hi - lo)) / 510;
      }
      compact!.items.forEach((item, i) => {
        const diff = Math.abs(item.score - exact!.items[i]!.score);
        expect(diff).toBeLessThanOrEqual(bound);
        worst = Math.max(worst, diff);
      });
    }
    console.log(
      `recommend: identical lists for ${users().length} users, worst score change ${worst.toFixed(5)}`,
    );
  });

  // Why 0.95: each score moves by at most the bound above (worst seen ~0.016), so only items whose f32
  // scores are within twice that of each other can swap across the top-10 boundary; measured 0.993-0.999.
  // 0.95 allows half an item lost per user on average, while a decoder that garbled a column would lose
  // far more (10 of 50 items picked at random keep ~0.2 of a top 10).
  it("re-scored answers (popularity penalty, diversity, /v1/rank) keep ≥ 0.95 of their top 10", async () => {
    const rng = new Rng(5);
    const itemIds = await stores.f32.getItemIds();
    const reordered: number[] = [];
    const ranked: number[] = [];
    const mixed: number[] = [];
    for (const userId of users()) {
      const request = { userId, k: 10, popularityPenalty: 0.2, diversity: 0.3 };
      const [a, b] = await Promise.all(
        (["f32", "compact"] as const).map((e) => engines[e].recommend(request)),
      );
      reordered.push(
        overlap(
          a!.items.map((i) => i.itemId),
          b!.items.map((i) => i.itemId),
        ),
      );
      // /rank over the user's first 50 candidates given shuffled: every feature from the stored rows.
      const row = (await stores.f32.readUser(userId))!;
      const mine = Array.from(row.candidates!.indexes.subarray(0, 50), (i) => itemIds[i]!);
      rng.shuffle(mine);
      const [ra, rb] = await Promise.all(
        (["f32", "compact"] as const).map((e) => engines[e].rank({ userId, itemIds: mine, k: 10 })),
      );
      ranked.push(
        overlap(
          ra!.items.map((i) => i.itemId),
          rb!.items.map((i) => i.itemId),
        ),
      );
      // /rank over 50 random catalogue items: most are not candidates, so features come from the int8
      // user vectors against the f32 item vectors.
      const any = Array.from({ length: 50 }, () => itemIds[rng.int(itemIds.length)]!);
      const [xa, xb] = await Promise.all(
        (["f32", "compact"] as const).map((e) => engines[e].rank({ userId, itemIds: any, k: 10 })),
      );
      mixed.push(
        overlap(
          xa!.items.map((i) => i.itemId),
          xb!.items.map((i) => i.itemId),
        ),
      );
    }
    const report = (xs: number[]) => `${mean(xs).toFixed(4)} (min ${Math.min(...xs).toFixed(1)})`;
    console.log(
      `top-10 overlap compact vs f32 over ${users().length} users: recommend reordered ${report(reordered)}, ` +
        `rank candidates ${report(ranked)}, rank random items ${report(mixed)}`,
    );
    for (const xs of [reordered, ranked, mixed]) expect(mean(xs)).toBeGreaterThanOrEqual(0.95);
  });
});
