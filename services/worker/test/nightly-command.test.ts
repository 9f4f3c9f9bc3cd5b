import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@tandem/core";
import { PipelineQueues, UserUpdateScheduler } from "@tandem/pipeline";
import { FEATURES } from "@tandem/rerank";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The eval harness's paired test, by path: the worker package itself does not depend on @tandem/eval.
import { pairedTest } from "../../../packages/eval/src/index.js";
import { WorkerApp } from "../src/worker-app.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
let server: TestRedis;
beforeAll(async () => {
  server = await TestRedis.start();
});
afterAll(async () => {
  await server.stop();
});

/** Environment for a worker or CLI process on the 50-core slice, in its own namespace and temp dirs. */
function sliceEnv(namespace: string, tmpPrefix: string, extra: Record<string, string> = {}) {
  const tmp = mkdtempSync(join(tmpdir(), tmpPrefix));
  return {
    REDIS_URL: server.url,
    TANDEM_STORE_NAMESPACE: namespace,
    TANDEM_DATA_DIR: join(ROOT, "data", "ml-latest-small"),
    TANDEM_DATA_MIN_USER_INTERACTIONS: "50",
    TANDEM_DATA_MIN_ITEM_INTERACTIONS: "50",
    TANDEM_NIGHTLY_RUNS_DIR: join(tmp, "runs"),
    TANDEM_SEMANTIC_CACHE_DIR: join(tmp, "cache"),
    TANDEM_WORKER_CHUNK_SIZE: "100",
    TANDEM_WORKER_HEALTH_PORT: "0",
    ...extra,
  };
}

// The production compute (Tandem model, USE-lite text) on a dense 50-core slice of ml-latest-small.
describe("main.ts nightly across worker processes", () => {
  it("evaluates and gates, runs the nightly flow with the Tandem model to publish, serves it, and refreshes a user after events", async () => {
    const namespace = `${server.namespace}-nightly`;
    const env = sliceEnv(namespace, "tandem-worker-", { TANDEM_WORKER_UPDATE_DELAY_MS: "10" });
    const config = loadConfig({}, env);
    const app = await WorkerApp.start(config, { env, log: () => {} });
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    const queues = new PipelineQueues({ connection: server.url, namespace });
    try {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(ROOT, "services", "worker", "src", "main.ts"), "nightly", "night-1"],
        { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
      });
      expect(await new Promise((r) => child.once("exit", r))).toBe(0);
      // The same evaluation and gate as `tandem nightly --workers`, then the workers publish.
      expect(JSON.parse(out.trim().split("\n").at(-1)!)).toMatchObject({
        event: "nightly-finished",
        version: "night-1",
        published: true,
        gate: "no live version to compare with",
      });
      expect(out).toContain("queued: flow"); // through the BullMQ flow: 207 users, chunks of 100
      expect(await store.liveVersion()).toBe("night-1");
      expect(((await store.getMetadata("evaluation")) as Record<string, number>)["ndcg@10"]).toBeGreaterThan(
        0,
      );

      const f = await store.getUserFeatures("1");
      expect(f!.columns).toEqual([...FEATURES]);
      expect(f!.candidates!.items.length).toBeGreaterThan(20);
      expect(Object.keys(f!.vectors).sort()).toEqual(["mf", "textLast", "textProfile"]);
      expect((await store.getItemVectors("text", ["1"])).vectors[0]).toHaveLength(512);

      const engine = new StoreRankingEngine({ store, timeoutMs: 2_000, scheduleUpdates: async () => {} });
      const before = await engine.recommend({ userId: "1", k: 5 });
      expect(before.mode).toBe("precomputed");
      expect(before.items).toHaveLength(5);

      // New events for user 1 → one update-user job → a refreshed profile and candidates in the live version.
      const newest = before.items[0]!.itemId;
      await store.appendEvents([
        { user: "1", item: newest, value: 5, timestamp: 2_000_000_000, kind: "rating" },
      ]);
      const scheduler = new UserUpdateScheduler(store.redis, store.keys, queues, 10);
      await scheduler.schedule(["1"]);
      await expect
        .poll(async () => (await engine.recommend({ userId: "1", k: 5 })).mode, {
          timeout: 60_000,
          interval: 250,
        })
        .toBe("fresh");
      const after = await engine.recommend({ userId: "1", k: 5 });
      expect(after.items.map((i) => i.itemId)).not.toContain(newest); // now part of the history
    } finally {
      await app.stop();
      await queues.close();
      await store.close();
    }
  }, 300_000);

  it("tandem nightly --workers: evaluates and gates in the CLI, the workers publish through the flow", async () => {
    const namespace = `${server.namespace}-queued`;
    const env = sliceEnv(namespace, "tandem-queued-");
    const app = await WorkerApp.start(loadConfig({}, env), { env, log: () => {} });
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    try {
      const cli = spawn(
        process.execPath,
        [
          join(ROOT, "services", "cli", "bin", "tandem.mjs"),
          "nightly",
          "--workers",
          "--run-id",
          "q1",
          "--compare",
          "pop",
          "--quiet",
        ],
        { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      cli.stdout.on("data", (c: Buffer) => {
        out += c.toString();
      });
      expect(await new Promise((r) => cli.once("exit", r))).toBe(0);
      expect(out).toContain("Gate: no live version to compare with");
      expect(out).toContain("Published version q1");
      expect(await store.liveVersion()).toBe("q1");
      const evaluation = (await store.getMetadata("evaluation")) as Record<string, number>;
      expect(evaluation["ndcg@10"]).toBeGreaterThan(0);
      // Better than Popularity on the same split and users, by more than noise (paired test).
      const run = JSON.parse(
        readFileSync(join(env.TANDEM_NIGHTLY_RUNS_DIR, "q1", "evaluation.json"), "utf8"),
      );
      const ndcg = (i: number) => Object.values(run.results.at(i).test.perUser["ndcg@10"]) as number[];
      expect(run.results[0].model).toBe("pop");
      expect(pairedTest(ndcg(-1), ndcg(0)).lo).toBeGreaterThan(0);
      expect((await store.getUserFeatures("1"))!.columns).toEqual([...FEATURES]);
    } finally {
      await app.stop();
      await store.close();
    }
  }, 300_000);
});
