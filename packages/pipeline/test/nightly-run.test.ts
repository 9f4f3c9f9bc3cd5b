import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobEvent, PipelineWorkers, QUEUE_NAMES, startNightlyRun } from "../src/index.js";
import {
  EMBED_DIMS,
  hashBytes,
  MF_DIMS,
  newQueues,
  nightlyOptions,
  processors,
  realDeps,
  smallDataset,
  waitForState,
} from "./helpers.js";

let server: TestRedis;
beforeAll(async () => {
  server = await TestRedis.start();
});
afterAll(async () => {
  await server.stop();
});

describe("nightly run (flow: train-cf + embed-items → fan-out → chunks → publish)", () => {
  it("precomputes every user on ml-latest-small and publishes atomically", async () => {
    const store = new RedisFeatureStore({ redis: server.url, namespace: server.namespace });
    const queues = newQueues(server.url, server.namespace);
    const events: JobEvent[] = [];
    const workers = new PipelineWorkers({
      connection: server.url,
      prefix: queues.prefix,
      queues: QUEUE_NAMES,
      processors: processors(await realDeps(store, queues)),
      concurrency: 2,
      log: (e) => events.push(e),
    });
    try {
      const dataset = await smallDataset();
      const run = await startNightlyRun(store, queues, await nightlyOptions("n1"));
      expect(run).toMatchObject({ chunks: 7, embedBatches: 4 });
      // Until publish, nothing is live.
      expect(await store.liveVersion()).toBeNull();
      await waitForState(queues.queue("publish"), run.publishJobId, ["completed"], 60_000);
      expect(await store.liveVersion()).toBe("n1");
      expect(await store.missingParts("n1")).toEqual([]);

      const user = dataset.users.id(0);
      const f = await store.getUserFeatures(user);
      expect(f!.columns).toEqual(["cooc", "pop"]);
      expect(f!.candidates!.items).toHaveLength(200);
      expect(f!.candidates!.features).toHaveLength(400);
      expect(f!.vectors["mf"]).toHaveLength(MF_DIMS);
      // No candidate is an item the user already has.
      const h = dataset.interactions;
      const seen = new Set(
        Array.from(h.items.subarray(h.indptr[0]!, h.indptr[1]!), (i) => dataset.items.id(i)),
      );
      expect(f!.candidates!.items.filter((i) => seen.has(i))).toEqual([]);
      expect(await store.redis.hlen(store.keys.candidates("n1"))).toBe(dataset.users.size);
      const text = await store.getItemVectors("text", dataset.items.ids().slice(0, 5));
      expect(text.vectors.every((v) => v?.length === EMBED_DIMS)).toBe(true);
      expect(await store.getMetadata("encoder")).toMatchObject({ id: `hashing-bow-${EMBED_DIMS}` });
      expect(await store.getMetadata("model")).toMatchObject({ model: "random-projection", users: 610 });
      expect((await store.getPopularity(3))!.items).toHaveLength(3);

      // One structured event per job transition, with progress reported along the way.
      const completed = events.filter((e) => e.event === "completed").map((e) => e.queue);
      expect(completed.filter((q) => q === "precompute-candidates")).toHaveLength(8); // 7 chunks + fan-out
      expect(completed.filter((q) => q === "embed-items")).toHaveLength(4);
      expect(events.some((e) => e.event === "progress" && e.progress === 100)).toBe(true);

      // A second run replaces the first; the first is retired, not deleted yet (grace period).
      const run2 = await startNightlyRun(store, queues, await nightlyOptions("n2"));
      await waitForState(queues.queue("publish"), run2.publishJobId, ["completed"], 60_000);
      expect(await store.liveVersion()).toBe("n2");
      expect((await store.listVersions()).map((v) => [v.version, v.status])).toEqual([
        ["n1", "retired"],
        ["n2", "live"],
      ]);
      // Same inputs → identical bytes in both versions (the processors are deterministic).
      expect(await hashBytes(store, store.keys.candidates("n2"))).toEqual(
        await hashBytes(store, store.keys.candidates("n1")),
      );
      // Starting the same run again adds nothing (job ids derive from the version).
      const again = await startNightlyRun(store, queues, await nightlyOptions("n2"));
      expect(again.publishJobId).toBe(run2.publishJobId);
      expect(await (await queues.queue("publish").getJob(run2.publishJobId))!.getState()).toBe("completed");
    } finally {
      await workers.close();
      await queues.close();
      await store.close();
    }
  });

  it("does not publish when a chunk fails for good", async () => {
    const namespace = `${server.namespace}-fail`;
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    const queues = newQueues(server.url, namespace);
    const deps = await realDeps(store, queues);
    const real = deps.candidates!;
    deps.candidates = {
      columns: real.columns,
      candidates: async (users, ctx) => {
        if (users.includes("1")) throw new Error("candidate source crashed on user 1");
        return real.candidates(users, ctx);
      },
    };
    const workers = new PipelineWorkers({
      connection: server.url,
      prefix: queues.prefix,
      queues: QUEUE_NAMES,
      processors: processors(deps),
      log: () => {},
    });
    try {
      const run = await startNightlyRun(store, queues, await nightlyOptions("bad"));
      const chunk0 = await waitForState(
        queues.queue("precompute-candidates"),
        "bad.chunk.0",
        ["failed"],
        30_000,
      );
      expect(chunk0.failedReason).toMatch(/crashed on user 1/);
      expect(chunk0.attemptsMade).toBe(3); // retried with backoff, then failed for good
      await waitForState(queues.queue("publish"), run.publishJobId, ["failed"], 30_000);
      expect(await store.liveVersion()).toBeNull();
      expect(await store.missingParts("bad")).toEqual(["chunk:0"]);
    } finally {
      await workers.close();
      await queues.close();
      await store.close();
    }
  });

  it("does not publish a version missing a user its flow fanned out to", async () => {
    const namespace = `${server.namespace}-short`;
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    const queues = newQueues(server.url, namespace);
    const deps = await realDeps(store, queues);
    const real = deps.candidates!;
    // Completes its part but silently leaves user 1 out: the version would be half a version.
    deps.candidates = {
      columns: real.columns,
      candidates: async (users, ctx) =>
        real.candidates(
          users.filter((u) => u !== "1"),
          ctx,
        ),
    };
    const workers = new PipelineWorkers({
      connection: server.url,
      prefix: queues.prefix,
      queues: QUEUE_NAMES,
      processors: processors(deps),
      log: () => {},
    });
    try {
      const run = await startNightlyRun(store, queues, await nightlyOptions("short"));
      const publish = await waitForState(queues.queue("publish"), run.publishJobId, ["failed"], 60_000);
      expect(publish.failedReason).toMatch(/holds 609 users but its data has 610: incomplete/);
      expect(await store.missingParts("short")).toEqual([]);
      expect(await store.liveVersion()).toBeNull();
    } finally {
      await workers.close();
      await queues.close();
      await store.close();
    }
  });
});
