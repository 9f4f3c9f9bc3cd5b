import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@tandem/core";
import { FEATURES } from "@tandem/rerank";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore, shardsFor } from "@tandem/store";
import { TestRedisCluster } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerApp } from "../src/worker-app.js";

// The queued nightly on a real 3-master Redis Cluster: BullMQ under the {ns:bull} tag, the store sharded.
const ROOT = join(import.meta.dirname, "..", "..", "..");
let cluster: TestRedisCluster;
beforeAll(async () => {
  cluster = await TestRedisCluster.start();
}, 60_000);
afterAll(async () => {
  await cluster.stop();
});

describe("main.ts nightly on a Redis Cluster", () => {
  it("publishes through worker processes on the cluster and serves the version, keys spread over the masters", async () => {
    const namespace = `${cluster.namespace}-nightly`;
    const tmp = mkdtempSync(join(tmpdir(), "tandem-cluster-"));
    const env: Record<string, string> = {
      REDIS_CLUSTER_NODES: cluster.nodes,
      TANDEM_STORE_NAMESPACE: namespace,
      TANDEM_DATA_DIR: join(ROOT, "data", "ml-latest-small"),
      TANDEM_DATA_MIN_USER_INTERACTIONS: "50",
      TANDEM_DATA_MIN_ITEM_INTERACTIONS: "50",
      TANDEM_NIGHTLY_RUNS_DIR: join(tmp, "runs"),
      TANDEM_SEMANTIC_CACHE_DIR: join(tmp, "cache"),
      TANDEM_WORKER_CHUNK_SIZE: "100",
      TANDEM_WORKER_HEALTH_PORT: "0",
    };
    const config = loadConfig({}, env);
    const before = await cluster.keysPerNode();
    const app = await WorkerApp.start(config, { env, log: () => {} });
    const store = new RedisFeatureStore({
      redis: cluster.nodes.split(","),
      namespace,
      shards: shardsFor(config, cluster.nodes.split(",")),
    });
    try {
      const { REDIS_URL: _, ...parentEnv } = process.env;
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(ROOT, "services", "worker", "src", "main.ts"), "nightly", "c1"],
        { cwd: ROOT, env: { ...parentEnv, ...env }, stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
      });
      expect(await new Promise((r) => child.once("exit", r))).toBe(0);
      expect(JSON.parse(out.trim().split("\n").at(-1)!)).toMatchObject({
        event: "nightly-finished",
        published: true,
      });
      await expect.poll(() => store.liveVersion(), { timeout: 240_000, interval: 250 }).toBe("c1");
      expect(await store.countUsers("c1")).toBe(207); // the 50-core slice
      const f = await store.getUserFeatures("1");
      expect(f!.columns).toEqual([...FEATURES]);
      expect(f!.candidates!.items.length).toBeGreaterThan(20);
      const engine = new StoreRankingEngine({ store, timeoutMs: 2_000, scheduleUpdates: async () => {} });
      const answer = await engine.recommend({ userId: "1", k: 5 });
      expect(answer.mode).toBe("precomputed");
      expect(answer.items).toHaveLength(5);
      // Bytes per user of the published version (docs/scaling.md's capacity table is computed from it).
      const k = store.keys;
      const kinds = Object.keys((await store.versionInfo("c1"))!.userKinds);
      let userBytes = 0;
      for (const shard of k.allShards())
        for (const key of k.userHashes("c1", shard, kinds))
          userBytes += Number((await store.redis.call("MEMORY", "USAGE", key, "SAMPLES", "0")) ?? 0);
      const itemBytes = Number(
        await store.redis.call("MEMORY", "USAGE", k.itemVectors("c1", "text"), "SAMPLES", "0"),
      );
      console.log(
        `cluster memory: ${Math.round(userBytes / 207)} bytes/user in version c1 (${kinds.join("+")} vectors), ` +
          `text item vectors ${Math.round(itemBytes / (await store.getItemIds()).length)} bytes/item`,
      );
      const added = (await cluster.keysPerNode()).map((count, i) => count - before[i]!);
      const total = added.reduce((a, b) => a + b, 0);
      for (const count of added) expect(count / total).toBeLessThanOrEqual(0.5);
    } finally {
      await app.stop();
      await store.close();
    }
  }, 300_000);
});
