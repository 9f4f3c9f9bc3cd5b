import { loadConfig } from "@tandem/core";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { publishFixture } from "./fixture.js";

// A real redis-server of the test's own (persistent, so a restart brings the data back as in production).
describe("ranking API against a real Redis, through an outage", () => {
  let redis: TestRedis;
  let store: RedisFeatureStore;
  let app: ReturnType<typeof buildApp>;

  beforeAll(async () => {
    redis = await TestRedis.start({ persistence: true, allowExternal: false });
    store = new RedisFeatureStore({ redis: redis.url, namespace: redis.namespace });
    await publishFixture(store);
    const engine = new StoreRankingEngine({ store, timeoutMs: 200, scheduleUpdates: async () => {} });
    app = buildApp({ config: loadConfig({}, {}), engine });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await redis.stop();
  });

  const recommend = () =>
    app.inject({ method: "POST", url: "/v1/recommend", payload: { userId: "u1", k: 2 } });
  const ready = () => app.inject({ method: "GET", url: "/readyz" });

  it("serves from Redis, fails fast with 503 while it is down, and recovers by itself", async () => {
    expect((await recommend()).json().items.map((i: { itemId: string }) => i.itemId)).toEqual(["c", "d"]);
    expect((await ready()).statusCode).toBe(200);

    await redis.kill();
    const started = performance.now();
    const down = await recommend();
    const elapsed = performance.now() - started;
    expect(down.statusCode).toBe(503);
    expect(down.json().error).toBe("UNAVAILABLE");
    expect(elapsed).toBeLessThan(2_000); // no hang: bounded by the store deadline, not by TCP timeouts
    expect((await ready()).statusCode).toBe(503);

    await redis.restart();
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      recovered = (await ready()).statusCode === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(true);
    const again = await recommend();
    expect(again.statusCode).toBe(200);
    expect(again.json().items.map((i: { itemId: string }) => i.itemId)).toEqual(["c", "d"]);
  }, 30_000);
});
