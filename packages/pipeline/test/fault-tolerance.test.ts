import { spawn } from "node:child_process";
import { join } from "node:path";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHUNK, type JobEvent, PipelineWorkers, QUEUE_NAMES, startNightlyRun } from "../src/index.js";
import {
  hashBytes,
  newQueues,
  nightlyOptions,
  processors,
  ROOT,
  realDeps,
  sharedSource,
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

/** Begins a version shaped for the candidate source, with one part per listed chunk. */
async function beginChunkVersion(store: RedisFeatureStore, version: string, parts: string[]) {
  const dataset = await smallDataset();
  await store.beginVersion(version, { itemIds: dataset.items.ids(), columns: ["cooc", "pop"], parts });
}

describe("fault tolerance", () => {
  it("retries a job whose worker was killed mid-write, with an identical, complete result", async () => {
    const namespace = `${server.namespace}-stall`;
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    const queues = newQueues(server.url, namespace);
    const dataset = await smallDataset();
    const userIds = dataset.users.ids().slice(0, 120);
    await beginChunkVersion(store, "s1", ["chunk:0"]);
    await beginChunkVersion(store, "ref", []);
    // Reference bytes: the same chunk written by an undisturbed run into another version.
    await store.writeUsers("ref", await (await sharedSource()).candidates(userIds));

    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "fixtures", "crashing-worker.ts"), server.url, namespace],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    const said = (line: string) =>
      new Promise<void>((resolve, reject) => {
        let out = "";
        const onData = (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes(line)) {
            child.stdout!.off("data", onData);
            resolve();
          }
        };
        child.stdout!.on("data", onData);
        child.once("exit", (code) => reject(new Error(`worker exited (${code}) before saying ${line}`)));
      });
    let events: JobEvent[] = [];
    let workers: PipelineWorkers | null = null;
    try {
      await said("ready");
      const job = await queues
        .queue("precompute-candidates")
        .add(CHUNK, { version: "s1", part: "chunk:0", userIds }, queues.jobOptions({ jobId: "s1.chunk.0" }));
      await said("half-written");
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(child.pid!, "SIGKILL");
      await exited;
      expect(await store.redis.hlen(store.keys.candidates("s1"))).toBe(60); // the partial write
      expect(await store.missingParts("s1")).toEqual(["chunk:0"]);
      await expect(store.publish("s1")).rejects.toThrow(/chunk:0/);

      // A healthy worker notices the lost lock (stalled check) and runs the job again.
      events = [];
      workers = new PipelineWorkers({
        connection: server.url,
        prefix: queues.prefix,
        queues: ["precompute-candidates"],
        processors: processors(await realDeps(store, queues)),
        lockDuration: 1000,
        stalledInterval: 500,
        log: (e) => events.push(e),
      });
      const done = await waitForState(queues.queue("precompute-candidates"), job.id!, ["completed"], 30_000);
      expect(done.attemptsStarted).toBeGreaterThanOrEqual(2);
      expect(events.some((e) => e.event === "stalled" && e.jobId === job.id)).toBe(true);
      expect(await store.missingParts("s1")).toEqual([]);
      expect(await hashBytes(store, store.keys.candidates("s1"))).toEqual(
        await hashBytes(store, store.keys.candidates("ref")),
      );
      expect(await store.redis.hlen(store.keys.candidates("s1"))).toBe(120);
      await store.publish("s1");
      expect((await store.getUserFeatures(userIds[0]!))!.candidates!.items).toHaveLength(200);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await workers?.close();
      await queues.close();
      await store.close();
    }
  });

  it("fails a malformed payload at once with a clear reason while later jobs keep flowing", async () => {
    const namespace = `${server.namespace}-bad`;
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    const queues = newQueues(server.url, namespace);
    const workers = new PipelineWorkers({
      connection: server.url,
      prefix: queues.prefix,
      queues: ["embed-items"],
      processors: processors(await realDeps(store, queues)),
      concurrency: 1,
      log: () => {},
    });
    try {
      await store.beginVersion("e1", {
        itemIds: ["a", "b"],
        columns: [],
        itemKinds: { text: 32 },
        parts: ["embed:0"],
      });
      const q = queues.queue("embed-items");
      const bad = await q.add("embed-items", { version: "e1", part: "embed:0", items: [{ id: "a" }] });
      const wrongVersion = await q.add("embed-items", {
        version: "nope",
        part: "x",
        items: [{ id: "a", text: "t" }],
      });
      const good = await q.add("embed-items", {
        version: "e1",
        part: "embed:0",
        items: [{ id: "a", text: "hello" }],
      });
      const failed = await waitForState(q, bad.id!, ["failed"]);
      expect(failed.failedReason).toMatch(/NON_RETRYABLE: bad embed-items payload: items\.0\.text/);
      expect(failed.attemptsMade).toBe(1); // attempts is 3, but a bad payload is not retried
      const missing = await waitForState(q, wrongVersion.id!, ["failed"]);
      expect(missing.failedReason).toMatch(/NOT_FOUND/);
      expect(missing.attemptsMade).toBe(1);
      await waitForState(q, good.id!, ["completed"]);
      expect(await store.missingParts("e1")).toEqual([]);
    } finally {
      await workers.close();
      await queues.close();
      await store.close();
    }
  });
});

describe("Redis restart mid-run", () => {
  it("workers reconnect and the run finishes and publishes", async () => {
    // An owned server with an append-only file, so a crash-restart keeps the queue (as in production).
    const own = await TestRedis.start({ allowExternal: false, persistence: true });
    const store = new RedisFeatureStore({ redis: own.url, namespace: own.namespace });
    const queues = newQueues(own.url, own.namespace);
    const deps = await realDeps(store, queues);
    const real = deps.candidates!;
    let chunksStarted = 0;
    let restarted: Promise<void> | null = null;
    deps.candidates = {
      columns: real.columns,
      // Slow enough that the restart lands mid-run.
      candidates: async (users, ctx) => {
        chunksStarted++;
        if (chunksStarted === 3) restarted = own.restart();
        await new Promise((r) => setTimeout(r, 150));
        return real.candidates(users, ctx);
      },
    };
    const workers = new PipelineWorkers({
      connection: own.url,
      prefix: queues.prefix,
      queues: QUEUE_NAMES,
      processors: processors(deps),
      concurrency: 1,
      lockDuration: 2000,
      stalledInterval: 1000,
      log: () => {},
    });
    try {
      const run = await startNightlyRun(store, queues, await nightlyOptions("r1", { chunkSize: 50 }));
      await expect.poll(() => restarted !== null, { timeout: 30_000 }).toBe(true);
      await restarted;
      await waitForState(queues.queue("publish"), run.publishJobId, ["completed"], 60_000);
      expect(await store.liveVersion()).toBe("r1");
      expect(await store.missingParts("r1")).toEqual([]);
      expect(await store.redis.hlen(store.keys.candidates("r1"))).toBe((await smallDataset()).users.size);
    } finally {
      await workers.close();
      await queues.close();
      await store.close();
      await own.stop();
    }
  });

  it("with an empty Redis after the restart, workers reconnect and a re-started run completes", async () => {
    // No persistence: the restart loses queues and the half-written version (as a cache-only Redis
    // would). The same run started again (same version id, idempotent) goes through on the same workers.
    const own = await TestRedis.start({ allowExternal: false });
    const store = new RedisFeatureStore({ redis: own.url, namespace: own.namespace });
    const queues = newQueues(own.url, own.namespace);
    const deps = await realDeps(store, queues);
    const real = deps.candidates!;
    let restarted: Promise<void> | null = null;
    deps.candidates = {
      columns: real.columns,
      candidates: async (users, ctx) => {
        restarted ??= own.restart();
        await new Promise((r) => setTimeout(r, 100));
        return real.candidates(users, ctx);
      },
    };
    const workers = new PipelineWorkers({
      connection: own.url,
      prefix: queues.prefix,
      queues: QUEUE_NAMES,
      processors: processors(deps),
      log: () => {},
    });
    try {
      await startNightlyRun(store, queues, await nightlyOptions("e1", { chunkSize: 100 }));
      await expect.poll(() => restarted !== null, { timeout: 30_000 }).toBe(true);
      await restarted;
      expect(await store.liveVersion().catch(() => "unreachable")).toBeNull(); // everything is gone
      const run = await startNightlyRun(store, queues, await nightlyOptions("e1", { chunkSize: 100 }));
      await waitForState(queues.queue("publish"), run.publishJobId, ["completed"], 60_000);
      expect(await store.liveVersion()).toBe("e1");
      expect(await store.redis.hlen(store.keys.candidates("e1"))).toBe((await smallDataset()).users.size);
    } finally {
      await workers.close();
      await queues.close();
      await store.close();
      await own.stop();
    }
  });
});
