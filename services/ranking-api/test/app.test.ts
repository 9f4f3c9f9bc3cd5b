import { loadConfig } from "@tandem/core";
import { StoreRankingEngine } from "@tandem/serving";
import { type FeatureStore, MemoryFeatureStore } from "@tandem/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { publishFixture } from "./fixture.js";
import { ADMIN_KEY, storeBackends, testApp, WRITE_KEY } from "./harness.js";

/** One suite, run against every store backend: the embedded memory store and a real redis-server. */
const backends = storeBackends();

describe.each(backends)("ranking API on the %s store", (_name, makeStore) => {
  let store: FeatureStore;
  let scheduled: string[][];
  let app: ReturnType<typeof buildApp>;

  let post: ReturnType<typeof testApp>["post"];

  beforeEach(async () => {
    store = makeStore();
    await publishFixture(store);
    ({ app, scheduled, post } = testApp(store));
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  it("recommends precomputed candidates ordered by the fusion, with explanations and sources", async () => {
    const r = await post("/v1/recommend", { userId: "u1", k: 2, explain: true }, ADMIN_KEY);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.mode).toBe("precomputed");
    expect(body.version).toBe("v1");
    // c: 2*0.9 + 0.1 + 0.3 = 2.2; d: 0.4 + 0.8 + 0.2 = 1.4; e: 0.2 + 0.1 = 0.3
    expect(body.items.map((i: { itemId: string }) => i.itemId)).toEqual(["c", "d"]);
    expect(body.items[0].score).toBeCloseTo(2.2, 5);
    expect(body.items[0].explanation.textProfile).toBeCloseTo(1.8, 5);
    expect(body.items[0].sources).toEqual(["text"]);
    expect(body.items[1].sources).toEqual(["co-occurrence"]);
  });

  it("returns explanations only when asked (explain: true), on /v1/recommend and /v1/rank", async () => {
    for (const [url, body] of [
      ["/v1/recommend", { userId: "u1", k: 2 }],
      ["/v1/recommend", { userId: "stranger", k: 2 }],
      ["/v1/rank", { userId: "u1", itemIds: ["a", "c"] }],
    ] as const) {
      const plain = (await post(url, body)).json();
      expect(plain.items.length).toBe(2);
      for (const item of plain.items)
        expect(Object.keys(item).sort()).toEqual(["itemId", "score", "sources"]);
      const explained = (await post(url, { ...body, explain: true }, ADMIN_KEY)).json();
      expect(explained.items.map((i: { itemId: string }) => i.itemId)).toEqual(
        plain.items.map((i: { itemId: string }) => i.itemId),
      );
      for (const item of explained.items) expect(Object.keys(item.explanation).length).toBeGreaterThan(0);
    }
    const rank = (
      await post("/v1/rank", { userId: "u1", itemIds: ["a", "c"], explain: true }, ADMIN_KEY)
    ).json();
    expect(rank.items[0].explanation.textProfile).toBeCloseTo(1.8, 5);
    expect((await post("/v1/rank", { userId: "u1", itemIds: ["a"], explain: "yes" })).statusCode).toBe(400);
  });

  it("applies exclude and tag filters", async () => {
    const r = await post("/v1/recommend", {
      userId: "u1",
      k: 5,
      exclude: ["c"],
      filter: { noTags: ["Horror"] },
    });
    expect(r.json().items.map((i: { itemId: string }) => i.itemId)).toEqual(["e"]);
  });

  it("answers unknown users from popularity instead of failing", async () => {
    const r = await post("/v1/recommend", {
      userId: "stranger",
      k: 3,
      filter: { anyTags: ["Comedy", "Drama"] },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().mode).toBe("cold-start");
    expect(r.json().items.map((i: { itemId: string }) => i.itemId)).toEqual(["a", "b", "c"]);
  });

  it("the popularity-bias control demotes popular candidates in proportion to the penalty", async () => {
    const order = async (popularityPenalty: number) =>
      (await post("/v1/recommend", { userId: "u1", k: 3, popularityPenalty }))
        .json()
        .items.map((i: { itemId: string }) => i.itemId);
    // relevance z-scores (1.155, 0.128, -1.283) minus penalty × popularity z-scores (1.225, 0, -1.225)
    expect(await order(0.3)).toEqual(["c", "d", "e"]);
    expect(await order(1)).toEqual(["d", "e", "c"]);
  });

  it("diversity (MMR) avoids near-duplicate items", async () => {
    const plain = await post("/v1/rank", { userId: "u1", itemIds: ["a", "b", "c", "d", "e"] });
    expect(
      plain
        .json()
        .items.slice(0, 2)
        .map((i: { itemId: string }) => i.itemId),
    ).toEqual(["c", "d"]);
    const r = await post("/v1/recommend", { userId: "u1", k: 2, diversity: 0.9 });
    expect(r.json().items.map((i: { itemId: string }) => i.itemId)).toEqual(["c", "e"]);
  });

  it("reranks the caller's items, deriving features for items outside the candidates, and reports unknown ids", async () => {
    const r = await post("/v1/rank", { userId: "u1", itemIds: ["a", "zzz", "c", "b"], k: 3 });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.unknownItems).toEqual(["zzz"]);
    // c precomputed (2.2); b: textProfile = (0.96,0.28)·(0,1) = 0.28 → 0.56 + 0.1*4; a: 0 + 0.1*5
    expect(body.items.map((i: { itemId: string }) => i.itemId)).toEqual(["c", "b", "a"]);
    expect(body.items[1].score).toBeCloseTo(0.56 + 0.4, 4);
  });

  it("finds similar items by text", async () => {
    const r = await app.inject({ method: "GET", url: "/v1/items/a/similar?k=2" });
    expect(r.statusCode).toBe(200);
    expect(r.json().items.map((i: { itemId: string }) => i.itemId)).toEqual(["b", "d"]);
    expect((await app.inject({ method: "GET", url: "/v1/items/nope/similar" })).statusCode).toBe(404);
  });

  it("rejects bad bodies with field-level messages", async () => {
    const r = await post("/v1/recommend", { userId: "", k: 500, extra: 1 });
    expect(r.statusCode).toBe(400);
    const paths = r.json().issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["userId", "k"]));
    expect(r.json().error).toBe("INVALID_ARGUMENT");
    expect((await post("/v1/rank", { userId: "u1", itemIds: [] })).json().issues[0].path).toBe("itemIds");
  });

  it("bounds the body size", async () => {
    const r = await post("/v1/rank", {
      userId: "u1",
      itemIds: Array.from({ length: 400 }, (_, i) => `item-${i}`),
    });
    expect(r.statusCode).toBe(413);
    expect(r.json().error).toBe("PAYLOAD_TOO_LARGE");
  });

  it("requires a write key for events", async () => {
    const event = { events: [{ userId: "u1", itemId: "a" }] };
    const missing = await post("/v1/events", event);
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error).toBe("UNAUTHORIZED");
    expect((await post("/v1/events", event, "wrong-key-0123456789")).json().error).toBe("UNAUTHORIZED");
    const ok = await post("/v1/events", event, WRITE_KEY);
    expect(ok.statusCode).toBe(202);
    expect(ok.json()).toEqual({ accepted: 1, duplicates: 0, unknownItems: [] });
    expect(scheduled).toEqual([["u1"]]);
    expect((await store.readUserEvents("u1")).map((e) => e.item)).toEqual(["a"]);
  });

  it("erases a user: events, profile and candidates go from the live version", async () => {
    await post("/v1/events", { events: [{ userId: "u1", itemId: "a" }] }, WRITE_KEY);
    const r = await app.inject({
      method: "DELETE",
      url: "/v1/users/u1",
      headers: { "x-api-key": ADMIN_KEY },
    });
    expect(r.statusCode).toBe(200);
    expect(await store.getUserFeatures("u1")).toBeNull();
    expect(await store.readUserEvents("u1")).toEqual([]);
    expect(await store.erasedUsers()).toContain("u1");
    expect((await post("/v1/recommend", { userId: "u1", k: 2 })).json().mode).toBe("cold-start");
  });

  it("serves health, readiness, metrics with per-route latency, and an OpenAPI document", async () => {
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: "/readyz" })).json()).toEqual({
      status: "ready",
      version: "v1",
    });
    await post("/v1/recommend", { userId: "u1" });
    const metrics = (await app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(
      /tandem_http_request_duration_seconds_bucket\{.*route="\/v1\/recommend".*status="200"/,
    );
    const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(
      doc.paths["/v1/rank"].post.requestBody.content["application/json"].schema.properties.itemIds.maxItems,
    ).toBe(1000);
    const schema = (path: string, method: string) =>
      doc.paths[path][method].requestBody.content["application/json"].schema;
    expect(schema("/v1/recommend", "post").properties.explain.default).toBe(false);
    expect(schema("/v1/events", "post").properties.events.items.properties.eventId.maxLength).toBe(128);
    expect(doc.paths["/v1/users/{id}"].delete.responses["403"]).toBeDefined();
  });

  it("is not ready before anything is published", async () => {
    const empty = buildApp({
      config: loadConfig({}, {}),
      engine: new StoreRankingEngine({
        store: new MemoryFeatureStore(),
        timeoutMs: 100,
        scheduleUpdates: async () => {},
      }),
    });
    const r = await empty.inject({ method: "GET", url: "/readyz" });
    expect(r.statusCode).toBe(503);
    expect(r.json().error).toBe("UNAVAILABLE");
    await empty.close();
  });
});
