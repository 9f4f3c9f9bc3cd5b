import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@tandem/core";
import { type Dataset, loadDataset } from "@tandem/data";
import { writeTandemVersion } from "@tandem/nightly";
import { TandemRecommender } from "@tandem/rerank";
import { createCachedEncoder } from "@tandem/semantic";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";

// Real data (a dense slice of ml-latest-small), the real encoder and a real redis-server: what the API
// serves for a version must be what the offline model that built the version recommends.
const dir = mkdtempSync(join(tmpdir(), "tandem-parity-"));
const config = loadConfig(
  {
    data: {
      dir: join(import.meta.dirname, "..", "..", "..", "data", "ml-latest-small"),
      minUserInteractions: 50,
      minItemInteractions: 50,
    },
    semantic: { cacheDir: join(dir, "cache") },
  },
  {},
);

describe("served lists equal the offline model's lists for the same version", () => {
  let redis: TestRedis;
  let store: RedisFeatureStore;
  let app: ReturnType<typeof buildApp>;
  let dataset: Dataset;
  let model: TandemRecommender;

  beforeAll(async () => {
    redis = await TestRedis.start({ allowExternal: false });
    store = new RedisFeatureStore({ redis: redis.url, namespace: redis.namespace });
    dataset = await loadDataset(config.data.dir, config.data);
    const encoder = await createCachedEncoder(config.semantic);
    model = new TandemRecommender({ config, encoder: async () => encoder });
    await model.fit({ history: dataset.interactions, dataset, seed: 7 });
    await writeTandemVersion(store, "v1", dataset, model.stages, model.fusion!, {
      keep: 200,
      similarItems: 20,
    });
    await store.publish("v1");
    const engine = new StoreRankingEngine({ store, timeoutMs: 2_000, scheduleUpdates: async () => {} });
    app = buildApp({ config, engine });
  }, 300_000);
  afterAll(async () => {
    await app.close();
    await store.close();
    await redis.stop();
  });

  /** The offline top-k of user u: the model's scores over the catalogue, best first. */
  const offline = (u: number, k: number) => {
    const n = dataset.items.size;
    const scores = new Float32Array(n);
    model.scoreBatch(Int32Array.of(u), scores);
    const order = [...scores.keys()].filter((i) => scores[i]! > Number.NEGATIVE_INFINITY);
    order.sort((a, b) => scores[b]! - scores[a]! || a - b);
    return order.slice(0, k).map((i) => ({ itemId: dataset.items.id(i), score: scores[i]! }));
  };

  it("/v1/items/:id/similar serves the lists stored at publish, and scans beyond their depth", async () => {
    const { itemText, textDim } = model.stages;
    // Brute force: every other item's cosine, best first, ties to the lower index.
    const exact = (i: number, k: number) => {
      const dot = (j: number) => {
        let sum = 0;
        for (let d = 0; d < textDim; d++) sum += itemText[i * textDim + d]! * itemText[j * textDim + d]!;
        return sum;
      };
      const others = [...Array(dataset.items.size).keys()].filter((j) => j !== i);
      const scores = new Map(others.map((j) => [j, dot(j)]));
      others.sort((a, b) => scores.get(b)! - scores.get(a)! || a - b);
      return others.slice(0, k).map((j) => dataset.items.id(j));
    };
    const info = await store.versionInfo("v1");
    expect(info?.itemKinds["similar"]).toBe(40);
    for (const i of [0, 7, dataset.items.size - 1]) {
      for (const k of [10, 20, 30]) {
        const r = await app.inject({ method: "GET", url: `/v1/items/${dataset.items.id(i)}/similar?k=${k}` });
        expect(r.json().items.map((x: { itemId: string }) => x.itemId)).toEqual(exact(i, k));
      }
    }
  });

  it("/v1/recommend returns the offline top 10, in order and with the same scores, for every user", async () => {
    for (let u = 0; u < dataset.users.size; u++) {
      const r = await app.inject({
        method: "POST",
        url: "/v1/recommend",
        payload: { userId: dataset.users.id(u), k: 10 },
      });
      const body = r.json();
      expect(body.mode).toBe("precomputed");
      const expected = offline(u, 10);
      expect(body.items.map((i: { itemId: string }) => i.itemId)).toEqual(expected.map((e) => e.itemId));
      body.items.forEach((item: { score: number }, i: number) => {
        expect(item.score).toBeCloseTo(expected[i]!.score, 4);
      });
    }
  });

  it("/v1/rank orders the offline top 30, given shuffled, as the offline model does", async () => {
    for (let u = 0; u < dataset.users.size; u += 7) {
      const expected = offline(u, 30).map((e) => e.itemId);
      const shuffled = [...expected].reverse();
      const r = await app.inject({
        method: "POST",
        url: "/v1/rank",
        payload: { userId: dataset.users.id(u), itemIds: shuffled },
      });
      expect(r.json().items.map((i: { itemId: string }) => i.itemId)).toEqual(expected);
    }
  });
});
