import type { FeatureStore } from "@tandem/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { publishFixture } from "./fixture.js";
import { ADMIN_KEY, READ_KEY, storeBackends, testApp, WRITE_KEY } from "./harness.js";

const backends = storeBackends();

describe.each(backends)("keys and access on the %s store", (_name, makeStore) => {
  let store: FeatureStore;
  const apps: ReturnType<typeof testApp>[] = [];
  const open = (...args: Parameters<typeof testApp> extends [unknown, ...infer R] ? R : never) => {
    const t = testApp(store, ...args);
    apps.push(t);
    return t;
  };

  beforeEach(async () => {
    store = makeStore();
    await publishFixture(store);
  });
  afterEach(async () => {
    for (const t of apps.splice(0)) await t.app.close();
    await store.close();
  });

  it("explanations (which reveal recent items) need an admin key, on recommend and rank", async () => {
    const { post } = open();
    const plain = await post("/v1/recommend", { userId: "u1", k: 2 });
    expect(plain.statusCode).toBe(200);
    for (const item of plain.json().items) expect(item).not.toHaveProperty("explanation");
    const rank = await post("/v1/rank", { userId: "u1", itemIds: ["a", "c"] }, READ_KEY);
    expect(rank.statusCode).toBe(200);
    for (const item of rank.json().items) expect(item).not.toHaveProperty("explanation");

    for (const key of [undefined, READ_KEY, WRITE_KEY]) {
      for (const [url, body] of [
        ["/v1/recommend", { userId: "u1", explain: true }],
        ["/v1/rank", { userId: "u1", itemIds: ["a"], explain: true }],
      ] as const) {
        const r = await post(url, body, key);
        expect(r.statusCode).toBe(403);
        expect(r.json().error).toBe("FORBIDDEN");
      }
    }
    expect((await post("/v1/recommend", { userId: "u1", explain: true })).json().message).toMatch(
      /explain: true requires an admin-scope key/,
    );
    const admin = await post("/v1/rank", { userId: "u1", itemIds: ["c"], explain: true }, ADMIN_KEY);
    expect(admin.statusCode).toBe(200);
    expect(admin.json().items[0].explanation.textProfile).toBeCloseTo(1.8, 5);
    expect((await post("/v1/recommend", { userId: "u1", explain: "yes" }, ADMIN_KEY)).statusCode).toBe(400);
  });

  it("closed reads need a read (or admin) key; a write key may only write, erasure needs admin", async () => {
    const { app, post } = open({ openReads: false });
    const anon = await post("/v1/recommend", { userId: "u1" });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error).toBe("UNAUTHORIZED");
    expect((await app.inject({ method: "GET", url: "/v1/items/a/similar" })).statusCode).toBe(401);
    expect((await post("/v1/recommend", { userId: "u1" }, READ_KEY)).statusCode).toBe(200);
    expect((await post("/v1/recommend", { userId: "u1" }, ADMIN_KEY)).statusCode).toBe(200);
    const writer = await post("/v1/rank", { userId: "u1", itemIds: ["a"] }, WRITE_KEY);
    expect(writer.statusCode).toBe(403);
    expect(writer.json().error).toBe("FORBIDDEN");
    expect((await post("/v1/events", { events: [{ userId: "u1", itemId: "a" }] }, READ_KEY)).statusCode).toBe(
      403,
    );
    const erase = (key: string) =>
      app.inject({ method: "DELETE", url: "/v1/users/u1", headers: { "x-api-key": key } });
    expect((await erase(WRITE_KEY)).json().error).toBe("FORBIDDEN");
    expect((await erase(READ_KEY)).statusCode).toBe(403);
    expect(await store.erasedUsers()).toEqual([]);
    expect((await erase(ADMIN_KEY)).statusCode).toBe(200);
    expect(await store.erasedUsers()).toEqual(["u1"]);
    // Health, readiness and metrics stay open for probes and scrapers.
    for (const url of ["/healthz", "/readyz", "/metrics"])
      expect((await app.inject({ method: "GET", url })).statusCode).toBe(200);
  });

  it("limits failed authentications per client, then refuses even a right key; logs them without the key", async () => {
    const lines: string[] = [];
    const { app, post } = open({ authFailuresPerMinute: 5 }, lines);
    const event = { events: [{ userId: "u1", itemId: "a" }] };
    const guess = "guess-0123456789abcdef-secret";
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await post("/v1/events", event, guess)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const limited = await post("/v1/events", event, WRITE_KEY);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe("RATE_LIMITED");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(await store.readUserEvents("u1")).toEqual([]);
    // Open reads without a key are not keyed requests: still served.
    expect((await post("/v1/recommend", { userId: "u1" })).statusCode).toBe(200);
    const warnings = lines.filter((l) => l.includes("authentication failed"));
    expect(warnings.length).toBeGreaterThanOrEqual(5);
    expect(warnings.length).toBeLessThanOrEqual(6); // the limited ones are counted, not each logged
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, reason: "unknown", route: "/v1/events" });
    expect(lines.join("\n")).not.toContain(guess);
    const metrics = (await app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toContain('tandem_auth_failures_total{reason="unknown"} 5');
    expect(metrics).toContain('tandem_auth_failures_total{reason="limited"} 4');
  });
});
