import { loadConfig } from "@tandem/core";
import { PipelineQueues } from "@tandem/pipeline";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { QueueStats } from "../src/queue-stats.js";
import { publishFixture } from "./fixture.js";

const value = (body: string, series: string) => {
  const line = body.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

// Real redis-server, real BullMQ queues and workers: what /metrics reads on scrape.
describe("/metrics: live version and pipeline queues, read on scrape", () => {
  let redis: TestRedis;
  let store: RedisFeatureStore;
  let queues: PipelineQueues;
  let client: Redis;
  let app: ReturnType<typeof buildApp>;
  const workers: { close(force?: boolean): Promise<void> }[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    store = new RedisFeatureStore({ redis: redis.url, namespace: redis.namespace });
    await publishFixture(store);
    await store.beginVersion("v2", { itemIds: ["a"], columns: [] });
    await store.writeMetadata("v2", "evaluation", { "ndcg@10": 0.25, "recall@10": 0.4 });
    await store.publish("v2");
    queues = new PipelineQueues({ connection: redis.url, namespace: redis.namespace, attempts: 1 });
    client = new Redis(redis.url);
    const engine = new StoreRankingEngine({ store, timeoutMs: 1000, scheduleUpdates: async () => {} });
    app = buildApp({
      config: loadConfig({}, {}),
      engine,
      store,
      queues: new QueueStats(queues, client),
    });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close(true)));
    await app.close();
    await queues.close();
    client.disconnect();
    await store.close();
    await redis.stop();
  });

  const scrape = async () => (await app.inject({ method: "GET", url: "/metrics" })).body;

  it("reports the live version, its age and evaluation", async () => {
    const body = await scrape();
    expect(value(body, 'tandem_live_version_info{version="v2"}')).toBe(1);
    expect(body).not.toContain('version="v1"');
    const age = value(body, 'tandem_live_version_age_seconds{version="v2"}')!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
    const published = value(body, 'tandem_live_version_published_timestamp_seconds{version="v2"}')!;
    expect(Math.abs(published - Date.now() / 1000)).toBeLessThan(60);
    expect(value(body, 'tandem_live_version_evaluation{metric="ndcg@10"}')).toBe(0.25);
  });

  it("reports queue depth, failed jobs and stalled jobs", async () => {
    const connection = queues.connection;
    const prefix = queues.prefix;
    await queues.queue("update-user").add("update-user", { userId: "x", generation: 0 }, { delay: 60_000 });
    await queues.queue("embed-items").add("embed-items", { n: 1 });
    // A job that fails for good (attempts: 1).
    await queues.queue("publish").add("publish", { version: "nope" });
    const failing = new Worker("publish", async () => Promise.reject(new Error("boom")), {
      connection,
      prefix,
    });
    // A job whose worker stops renewing its lock (as if it died): the stalled check takes it back.
    await queues.queue("train-cf").add("train-cf", { version: "x" });
    const stalling = new Worker("train-cf", async () => new Promise<void>((r) => setTimeout(r, 4000)), {
      connection,
      prefix,
      skipLockRenewal: true,
      lockDuration: 200,
      stalledInterval: 200,
    });
    workers.push(failing, stalling);
    let body = "";
    for (let i = 0; i < 60; i++) {
      body = await scrape();
      const failed = value(body, 'tandem_queue_jobs{queue="publish",state="failed"}');
      const stalled = value(body, 'tandem_queue_stalled_events{queue="train-cf"}') ?? 0;
      if (failed === 1 && stalled >= 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(value(body, 'tandem_queue_jobs{queue="update-user",state="delayed"}')).toBe(1);
    expect(value(body, 'tandem_queue_jobs{queue="embed-items",state="waiting"}')).toBe(1);
    expect(value(body, 'tandem_queue_jobs{queue="publish",state="failed"}')).toBe(1);
    expect(value(body, 'tandem_queue_stalled_events{queue="train-cf"}')).toBeGreaterThanOrEqual(1);
    expect(value(body, 'tandem_queue_stalled_events{queue="update-user"}')).toBe(0);
  }, 20_000);

  it("answers within its timeout while Redis stalls, without the store figures", async () => {
    redis.pause();
    try {
      const started = performance.now();
      const r = await app.inject({ method: "GET", url: "/metrics" });
      expect(performance.now() - started).toBeLessThan(2_500);
      expect(r.statusCode).toBe(200);
      expect(r.body).not.toContain("tandem_live_version_info{");
      expect(r.body).not.toContain("tandem_live_version_age_seconds{");
      expect(value(r.body, 'tandem_metrics_scrape_errors_total{source="store"}')).toBe(1);
    } finally {
      redis.resume();
    }
  });
});
