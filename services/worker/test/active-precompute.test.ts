import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@tandem/core";
import { activeUserFilter, runWorkerNightly, tandemCompute } from "@tandem/nightly";
import { PipelineQueues, UserUpdateScheduler } from "@tandem/pipeline";
import { DEFERRED_SCALAR, SIMILAR_KIND, similarFromVector } from "@tandem/rerank";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WorkerApp } from "../src/worker-app.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const DAYS = "365"; // 30 of the slice's 207 users had an event in the data's last year
let server: TestRedis;
beforeAll(async () => {
  server = await TestRedis.start();
});
afterAll(async () => {
  await server.stop();
});

// The production compute (Tandem model, USE-lite text) on the dense 50-core slice of ml-latest-small,
// published by the worker processes through the BullMQ flow (the queued path).
describe("worker nightly with nightly.precomputeActiveDays", () => {
  it("precomputes only active users; a deferred user's first request is the fallback and enqueues; the worker then gives the full precompute's list; /similar reads the stored lists", async () => {
    const namespace = `${server.namespace}-active`;
    const tmp = mkdtempSync(join(tmpdir(), "tandem-active-worker-"));
    const env = {
      REDIS_URL: server.url,
      TANDEM_STORE_NAMESPACE: namespace,
      TANDEM_DATA_DIR: join(ROOT, "data", "ml-latest-small"),
      TANDEM_DATA_MIN_USER_INTERACTIONS: "50",
      TANDEM_DATA_MIN_ITEM_INTERACTIONS: "50",
      TANDEM_NIGHTLY_RUNS_DIR: join(tmp, "runs"),
      TANDEM_NIGHTLY_EVAL_USERS: "50",
      TANDEM_NIGHTLY_PRECOMPUTE_ACTIVE_DAYS: DAYS,
      TANDEM_SEMANTIC_CACHE_DIR: join(tmp, "cache"),
      TANDEM_WORKER_CHUNK_SIZE: "100",
      TANDEM_WORKER_HEALTH_PORT: "0",
      TANDEM_WORKER_UPDATE_DELAY_MS: "10",
    };
    const config = loadConfig({}, env);
    const app = await WorkerApp.start(config, { env, log: () => {} });
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    const queues = new PipelineQueues({ connection: server.url, namespace });
    try {
      const night = await runWorkerNightly(config, store, queues, "a1");
      expect(night.published).toBe(true);
      const active = activeUserFilter(night.dataset.interactions, Number(DAYS))!;
      const ids = night.dataset.users.ids();
      const activeIds = ids.filter((_, u) => active(u));
      const inactiveIds = ids.filter((_, u) => !active(u));
      expect(activeIds.length).toBeGreaterThan(0);
      expect(inactiveIds.length).toBeGreaterThan(activeIds.length);
      expect(await store.countUsers("a1")).toBe(ids.length);
      for (const userId of activeIds.slice(0, 5))
        expect((await store.getUserFeatures(userId))!.candidates!.items.length).toBeGreaterThan(20);
      for (const userId of inactiveIds.slice(0, 5)) {
        const f = (await store.getUserFeatures(userId))!;
        expect(f.candidates!.items).toEqual([]);
        expect(f.vectors).toEqual({});
        expect(f.scalars[DEFERRED_SCALAR]).toBe(1);
      }

      const scheduler = new UserUpdateScheduler(store.redis, store.keys, queues, 10);
      const asked: string[] = [];
      const engine = new StoreRankingEngine({
        store,
        timeoutMs: 2_000,
        scheduleUpdates: (users) => {
          asked.push(...users);
          return scheduler.schedule(users);
        },
      });
      const userId = inactiveIds[0]!;
      const first = await engine.recommend({ userId, k: 10 });
      expect(first.mode).toBe("fallback");
      expect(first.items).toEqual((await engine.recommend({ userId: "never-seen", k: 10 })).items);
      await expect
        .poll(async () => (await engine.recommend({ userId, k: 10 })).mode, {
          timeout: 60_000,
          interval: 100,
        })
        .toBe("fresh");
      // Asked once however often the user came back while the job ran (the job id dedupes replicas).
      expect(asked).toEqual([userId]);
      const jobs = await queues.queue("update-user").getJobs(["completed"]);
      expect(jobs.map((j) => j.data.userId)).toEqual([userId]);

      // What a full precompute (D = 0) of the same version gives this user, within float tolerance.
      const everyone = await tandemCompute(
        loadConfig({}, { ...env, TANDEM_NIGHTLY_PRECOMPUTE_ACTIVE_DAYS: "0" }),
        store,
      );
      try {
        const [full] = await everyone.candidates!.candidates([userId], { version: "a1" });
        const got = (await store.getUserFeatures(userId))!;
        expect(full!.candidates!.items.length).toBeGreaterThan(20);
        // Same candidates with the same features; merge order may swap near-tied items (fold-in floats).
        const gotItems = got.candidates!.items;
        const fullItems = full!.candidates!.items;
        expect([...gotItems].sort()).toEqual([...fullItems].sort());
        const a = got.candidates!.features;
        const b = full!.candidates!.features;
        expect(a.length).toBe(b.length);
        const dim = a.length / gotItems.length;
        gotItems.forEach((item, r) => {
          const q = fullItems.indexOf(item);
          for (let k = 0; k < dim; k++) expect(a[r * dim + k]).toBeCloseTo(b[q * dim + k]!, 4);
        });
      } finally {
        await everyone.close?.();
      }

      // The worker-published version stores the similar lists; /similar reads them, never the text vectors.
      const depth = (await store.versionInfo("a1"))!.itemKinds[SIMILAR_KIND]! / 2;
      expect(depth).toBe(config.nightly.similarItems);
      const reads = vi.spyOn(store, "getItemVectorsAt");
      const items = await store.getItemIds();
      for (const itemId of items.filter((_, i) => i % 29 === 0)) {
        const got = await engine.similar(itemId, 10);
        const stored = await store.getItemVectorsAt("a1", SIMILAR_KIND, [itemId]);
        const { keys } = similarFromVector(stored!.vectors[0]!);
        expect(got.items.map((i) => i.itemId)).toEqual(keys.slice(0, 10).map((k) => items[k]));
        expect(got.items).toHaveLength(10);
      }
      expect(new Set(reads.mock.calls.map(([, kind]) => kind))).toEqual(new Set([SIMILAR_KIND]));
    } finally {
      await app.stop();
      await queues.close();
      await store.close();
    }
  }, 400_000);
});
