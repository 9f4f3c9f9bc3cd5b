import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AdminOverview } from "@tandem/api-contract";
import { loadConfig } from "@tandem/core";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedisCluster } from "@tandem/store/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { publishFixture } from "./fixture.js";
import { ADMIN_KEY } from "./harness.js";

describe("the console's store memory on a Redis Cluster", () => {
  let cluster: TestRedisCluster;
  let store: RedisFeatureStore;
  let app: ReturnType<typeof buildApp>;
  const runsDir = mkdtempSync(join(tmpdir(), "tandem-console-cluster-"));

  beforeAll(async () => {
    cluster = await TestRedisCluster.start();
    store = new RedisFeatureStore({ redis: cluster.nodes.split(","), namespace: cluster.namespace });
    await publishFixture(store);
    const config = loadConfig({ api: { adminKeys: [ADMIN_KEY] } }, {});
    const engine = new StoreRankingEngine({ store, timeoutMs: 1000, scheduleUpdates: async () => {} });
    app = buildApp({ config, engine, store, runsDir });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await cluster?.stop();
    rmSync(runsDir, { recursive: true, force: true });
  });

  it("sums used_memory over every master, not the one node a client happens to ask", async () => {
    const usedOf = async (port: number) => {
      const node = new Redis({ port, host: "127.0.0.1" });
      try {
        return Number(/^used_memory:(\d+)/m.exec(await node.info("memory"))![1]);
      } finally {
        node.disconnect();
      }
    };
    const before = await Promise.all(cluster.ports.map(usedOf));
    const response = await app.inject({ url: "/v1/admin/overview", headers: { "x-api-key": ADMIN_KEY } });
    expect(response.statusCode).toBe(200);
    const after = await Promise.all(cluster.ports.map(usedOf));
    const { memory } = response.json() as AdminOverview;
    expect(memory?.nodes).toBe(cluster.ports.length);
    // Each node's figure moves a little between reads (client buffers): the sum lies between the sums.
    const low = before.reduce((s, b, i) => s + Math.min(b, after[i]!), 0);
    const high = before.reduce((s, b, i) => s + Math.max(b, after[i]!), 0);
    expect(memory!.usedBytes).toBeGreaterThan(Math.max(...before, ...after));
    expect(memory!.usedBytes).toBeGreaterThanOrEqual(low * 0.95);
    expect(memory!.usedBytes).toBeLessThanOrEqual(high * 1.05);
  });
});
