import { InvalidArgumentError } from "@tandem/core";
import { type FeatureStore, MemoryFeatureStore, RedisFeatureStore } from "@tandem/store";
import { TestRedis } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EventIngestor,
  HashingEmbedder,
  InlineUpdateTrigger,
  MeanVectorProfileBuilder,
  PipelineWorkers,
  PrecomputeProcessors,
  UserUpdateScheduler,
} from "../src/index.js";
import {
  EMBED_DIMS,
  itemText,
  newQueues,
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

/** A published version with hashing text vectors for every item of ml-latest-small. */
async function publishTextVersion(store: FeatureStore, version = "t1") {
  const dataset = await smallDataset();
  const items = itemText(dataset);
  await store.beginVersion(version, {
    itemIds: dataset.items.ids(),
    columns: ["cooc", "pop"],
    itemKinds: { text: EMBED_DIMS },
    userKinds: { text: EMBED_DIMS },
  });
  const vectors = await new HashingEmbedder(EMBED_DIMS).embed(items.map((i) => i.text));
  const flat = new Float32Array(items.length * EMBED_DIMS);
  vectors.forEach((v, i) => {
    flat.set(v, i * EMBED_DIMS);
  });
  await store.writeItemVectors(version, "text", dataset.items.ids(), flat);
  await store.publish(version);
}

const eventsFor = (user: string, n: number, items: readonly string[], t0 = 1_700_000_000) =>
  Array.from({ length: n }, (_, i) => ({
    user,
    item: items[i % items.length]!,
    value: 1,
    timestamp: t0 + i,
    kind: "view",
  }));

describe("event ingestion", () => {
  it("turns a burst of events into one pending update-user job per user", async () => {
    const namespace = `${server.namespace}-burst`;
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    const queues = newQueues(server.url, namespace);
    const items = (await smallDataset()).items.ids();
    // A long debounce and no worker: we only look at what is pending.
    const ingest = new EventIngestor(store, new UserUpdateScheduler(store.redis, store.keys, queues, 60_000));
    try {
      for (let i = 0; i < 100; i++) await ingest.ingest([eventsFor("alice", 1, items, 1_700_000_000 + i)[0]]);
      await ingest.ingest([...eventsFor("bob", 30, items), ...eventsFor("alice", 5, items, 1_800_000_000)]);
      const q = queues.queue("update-user");
      const pending = await q.getJobs(["delayed", "waiting"]);
      expect(pending.map((j) => j.id).sort()).toEqual(["u.alice.0", "u.bob.0"]);
      expect((await store.readUserEvents("alice")).length).toBe(105);
      await expect(ingest.ingest([{ user: "x", item: "i", timestamp: -1 }])).rejects.toThrow(
        /event 0: timestamp/,
      );
      await expect(ingest.ingest([{ user: "x" }])).rejects.toBeInstanceOf(InvalidArgumentError);
    } finally {
      await queues.close();
      await store.close();
    }
  });

  it("rebuilds the profile from the events, and later events get a new job (none lost)", async () => {
    const namespace = `${server.namespace}-update`;
    const store = new RedisFeatureStore({ redis: server.url, namespace });
    const queues = newQueues(server.url, namespace);
    const deps = await realDeps(store, queues);
    delete deps.candidates; // profile only
    const workers = new PipelineWorkers({
      connection: server.url,
      prefix: queues.prefix,
      queues: ["update-user"],
      processors: processors(deps),
      log: () => {},
    });
    const ingest = new EventIngestor(store, new UserUpdateScheduler(store.redis, store.keys, queues, 0));
    try {
      await publishTextVersion(store);
      const items = (await smallDataset()).items.ids();
      await ingest.ingest(eventsFor("carol", 10, items));
      const q = queues.queue("update-user");
      await waitForState(q, "u.carol.0", ["completed"]);
      const expected = await new MeanVectorProfileBuilder("text").build(
        "carol",
        await store.readUserEvents("carol"),
        store,
      );
      const got = await store.getUserFeatures("carol");
      expect(Array.from(got!.vectors["text"]!)).toEqual(Array.from(expected!.vectors!["text"]!));
      expect(got!.scalars).toEqual({ lastEventAt: 1_700_000_009, events: 10 });

      await ingest.ingest(eventsFor("carol", 1, items.slice(50), 1_700_000_100));
      await waitForState(q, "u.carol.1", ["completed"]);
      expect((await store.getUserFeatures("carol"))!.scalars).toEqual({
        lastEventAt: 1_700_000_100,
        events: 11,
      });

      // Erasure: events, profile gone; a queued update for the user does nothing.
      await store.deleteUser("carol");
      expect(await store.getUserFeatures("carol")).toBeNull();
      await q.add("update-user", { userId: "carol", generation: 9 }, { jobId: "u.carol.9" });
      const erased = await waitForState(q, "u.carol.9", ["completed"]);
      expect(erased.returnvalue).toMatchObject({ updated: false, reason: "erased" });
      expect(await store.getUserFeatures("carol")).toBeNull();
    } finally {
      await workers.close();
      await queues.close();
      await store.close();
    }
  });

  it("updates profiles inline in the embedded (memory) mode", async () => {
    const store = new MemoryFeatureStore();
    await publishTextVersion(store);
    const procs = new PrecomputeProcessors({ store, profiles: new MeanVectorProfileBuilder("text") });
    const ingest = new EventIngestor(store, new InlineUpdateTrigger(procs));
    const items = (await smallDataset()).items.ids();
    await ingest.ingest(eventsFor("dan", 3, items));
    expect((await store.getUserFeatures("dan"))!.scalars).toEqual({ lastEventAt: 1_700_000_002, events: 3 });
    expect((await store.getUserFeatures("dan"))!.vectors["text"]).toHaveLength(EMBED_DIMS);
  });
});
