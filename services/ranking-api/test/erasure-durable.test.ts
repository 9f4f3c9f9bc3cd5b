import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@tandem/core";
import { StoreRankingEngine } from "@tandem/serving";
import { ErasureLog, type FeatureStore, RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { publishFixture } from "./fixture.js";
import { ADMIN_KEY } from "./harness.js";

describe("DELETE /v1/users/:id records the erasure outside Redis first", () => {
  let redis: TestRedis;
  let store: FeatureStore;
  beforeAll(async () => {
    redis = await TestRedis.start();
    store = new RedisFeatureStore({ redis: redis.url, namespace: redis.namespace });
    await publishFixture(store);
  });
  afterAll(async () => {
    await store.close();
    await redis.stop();
  });

  it("appends to the durable log, and keeps it there when Redis then fails", async () => {
    const log = new ErasureLog(join(mkdtempSync(join(tmpdir(), "tandem-erasure-")), "erasures.jsonl"));
    const config = loadConfig({ api: { adminKeys: [ADMIN_KEY] } }, {});
    const engine = new StoreRankingEngine({
      store,
      timeoutMs: 300,
      scheduleUpdates: async () => {},
      erasureLog: log,
    });
    const app = buildApp({ config, engine, store });
    const erase = (id: string) =>
      app.inject({ method: "DELETE", url: `/v1/users/${id}`, headers: { "x-api-key": ADMIN_KEY } });
    expect((await erase("u1")).statusCode).toBe(200);
    expect(log.read()).toEqual(["u1"]);
    await redis.pause();
    try {
      expect((await erase("u2")).statusCode).toBe(503);
    } finally {
      await redis.resume();
    }
    // The outage answered 503, yet the erasure is durable: the next nightly applies the log.
    expect(log.read()).toEqual(["u1", "u2"]);
    await app.close();
  });
});
