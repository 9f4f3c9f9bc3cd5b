import { deferredUserRecord } from "@tandem/rerank";
import { type FeatureStore, RedisFeatureStore } from "@tandem/store";
import { TestRedisCluster } from "@tandem/store/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { publishFixture } from "./fixture.js";
import { READ_KEY, storeBackends, testApp } from "./harness.js";

/** A deferred user (nightly.precomputeActiveDays) over HTTP, on every store backend and a 3-master cluster. */
let cluster: TestRedisCluster;
beforeAll(async () => {
  cluster = await TestRedisCluster.start();
}, 60_000);
afterAll(() => cluster.stop());
let namespaces = 0;
const backends: [string, () => FeatureStore][] = [
  ...storeBackends(),
  [
    "redis-cluster",
    () =>
      new RedisFeatureStore({
        redis: cluster.nodes.split(","),
        namespace: `${cluster.namespace}-${namespaces++}`,
        shards: 8,
      }),
  ],
];

describe.each(backends)("a user the nightly deferred, on the %s store", (_name, makeStore) => {
  let store: FeatureStore;
  let api: ReturnType<typeof testApp>;
  beforeEach(async () => {
    store = makeStore();
    await publishFixture(store);
    await store.updateLiveUser(deferredUserRecord("sleeper", 50));
    api = testApp(store);
  });
  afterEach(async () => {
    await api.app.close();
    await store.close();
  });

  it("answers mode fallback from popularity (less exclusions), and asks for one refresh", async () => {
    const r = await api.post("/v1/recommend", { userId: "sleeper", k: 3, exclude: ["b"] }, READ_KEY);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ userId: "sleeper", version: "v1", mode: "fallback" });
    expect(r.json().items.map((i: { itemId: string }) => i.itemId)).toEqual(["a", "c", "d"]);
    expect(r.json().items[0].sources).toEqual(["popularity"]);
    for (let i = 0; i < 3; i++) await api.post("/v1/recommend", { userId: "sleeper", k: 3 }, READ_KEY);
    expect(api.scheduled).toEqual([["sleeper"]]);
    // A stranger is cold-start and asks for nothing (nothing to personalise from).
    const cold = await api.post("/v1/recommend", { userId: "stranger", k: 3 }, READ_KEY);
    expect(cold.json().mode).toBe("cold-start");
    expect(api.scheduled).toEqual([["sleeper"]]);
    // Operators see how many answers were not personalised, by mode.
    await api.post("/v1/recommend", { userId: "u1", k: 3 }, READ_KEY);
    const metrics = (await api.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toContain('tandem_recommend_answers_total{mode="fallback"} 4');
    expect(metrics).toContain('tandem_recommend_answers_total{mode="cold-start"} 1');
    expect(metrics).toMatch(/tandem_recommend_answers_total\{mode="(precomputed|fresh)"\} 1/);
  });

  it("ranks a deferred user's items from item features and asks for a refresh", async () => {
    const r = await api.post("/v1/rank", { userId: "sleeper", itemIds: ["e", "a", "zz"] }, READ_KEY);
    expect(r.statusCode).toBe(200);
    expect(
      r
        .json()
        .items.map((i: { itemId: string }) => i.itemId)
        .sort(),
    ).toEqual(["a", "e"]);
    expect(r.json().unknownItems).toEqual(["zz"]);
    expect(api.scheduled).toEqual([["sleeper"]]);
  });
});
