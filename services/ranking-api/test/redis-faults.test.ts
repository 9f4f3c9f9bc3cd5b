import { loadConfig } from "@tandem/core";
import { PipelineQueues, UserUpdateScheduler } from "@tandem/pipeline";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { Redis } from "ioredis";
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
    // No host or port of the deployment in what the client sees (details go to the log).
    expect(down.body).not.toContain(String(redis.port));
    expect(down.body).not.toContain("127.0.0.1");
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

// A POST that times out while Redis stalls may still be written when Redis comes back: a retry with the
// same eventIds must store nothing twice, and must schedule the update the first try never reached.
describe("event POST during a Redis stall, then a retry", () => {
  let redis: TestRedis;
  let store: RedisFeatureStore;
  let queues: PipelineQueues;
  let client: Redis;
  let app: ReturnType<typeof buildApp>;
  const KEY = "writer-0123456789abcdefghij";

  beforeAll(async () => {
    redis = await TestRedis.start({ allowExternal: false });
    store = new RedisFeatureStore({ redis: redis.url, namespace: redis.namespace });
    await publishFixture(store);
    queues = new PipelineQueues({ connection: redis.url, namespace: redis.namespace });
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const scheduler = new UserUpdateScheduler(client, queues.keys, queues, 60_000);
    const engine = new StoreRankingEngine({
      store,
      timeoutMs: 200,
      scheduleUpdates: (users) => scheduler.schedule(users),
    });
    app = buildApp({ config: loadConfig({ api: { writeKeys: [KEY] } }, {}), engine });
  });
  afterAll(async () => {
    redis.resume();
    await app.close();
    await queues.close();
    client.disconnect();
    await store.close();
    await redis.stop();
  });

  it("stores each event once and schedules the update", async () => {
    const events = Array.from({ length: 20 }, (_, i) => ({
      userId: "stall-user",
      itemId: ["a", "b", "c"][i % 3]!,
      eventId: `evt-${i}`,
    }));
    const post = () =>
      app.inject({ method: "POST", url: "/v1/events", payload: { events }, headers: { "x-api-key": KEY } });
    await app.ready();
    await store.liveVersion(); // the engine's live-version read is warm; the append is what stalls
    await post(); // warm the version context, then start clean
    await client.del(store.keys.events("stall-user"));
    for (const e of events) await client.del(store.keys.eventId("stall-user", e.eventId));
    await queues.queue("update-user").obliterate({ force: true });

    redis.pause();

    const first = await post();
    expect(first.statusCode).toBe(503);
    redis.resume();
    // The stalled write lands once Redis runs again, with no update scheduled for it.
    let stored = 0;
    for (let i = 0; i < 50 && stored < events.length; i++) {
      stored = (await store.readUserEvents("stall-user")).length;
      if (stored < events.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(stored).toBe(events.length);
    const queue = queues.queue("update-user");
    const jobsBefore = await queue.getJobs(["delayed", "waiting"]);
    expect(jobsBefore).toEqual([]);

    const retry = await post();
    expect(retry.statusCode).toBe(202);
    const stream = await store.readUserEvents("stall-user");
    expect(stream).toHaveLength(events.length);
    expect(new Set(stream.map((e) => e.id)).size).toBe(events.length);
    expect(retry.json()).toEqual({ accepted: 0, duplicates: events.length, unknownItems: [] });
    const jobs = await queue.getJobs(["delayed", "waiting"]);
    expect(jobs.length).toBeGreaterThan(jobsBefore.length);
    expect(jobs.map((j) => j.data.userId)).toContain("stall-user");
  }, 30_000);
});
