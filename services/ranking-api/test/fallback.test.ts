import { deferredUserRecord } from "@tandem/rerank";
import type { FeatureStore } from "@tandem/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { publishFixture } from "./fixture.js";
import { READ_KEY, storeBackends, testApp } from "./harness.js";

/** A deferred user (nightly.precomputeActiveDays) over HTTP, on every store backend. */
const backends = storeBackends();

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
  });
});
