import { ErasedUserError, InvalidArgumentError, NotFoundError } from "@tandem/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type FeatureStore,
  MemoryFeatureStore,
  RedisFeatureStore,
  type StoreEncoding,
  type VersionSpec,
} from "../src/index.js";
import { TestRedis, TestRedisCluster } from "../src/testing/index.js";

// The one conformance suite: every behaviour below must hold for both backends.

let redis: TestRedis;
let cluster: TestRedisCluster;
beforeAll(async () => {
  [redis, cluster] = await Promise.all([TestRedis.start(), TestRedisCluster.start()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([redis.stop(), cluster.stop()]);
});

let counter = 0;
const backends: [string, () => FeatureStore, StoreEncoding][] = [
  ["memory", () => new MemoryFeatureStore({ eventsMaxLenPerUser: 10 }), "f32"],
  [
    "memory compact",
    () => new MemoryFeatureStore({ eventsMaxLenPerUser: 10, encoding: "compact" }),
    "compact",
  ],
  [
    "redis",
    () =>
      new RedisFeatureStore({
        redis: redis.url,
        namespace: `${redis.namespace}-${counter++}`,
        eventsMaxLenPerUser: 10,
      }),
    "f32",
  ],
  [
    "redis compact",
    () =>
      new RedisFeatureStore({
        redis: redis.url,
        namespace: `${redis.namespace}-${counter++}`,
        eventsMaxLenPerUser: 10,
        encoding: "compact",
      }),
    "compact",
  ],
  [
    // A 3-master cluster with users over 8 shards: every multi-slot path (publish, events, erasure).
    "redis-cluster",
    () =>
      new RedisFeatureStore({
        redis: cluster.nodes.split(","),
        namespace: `${cluster.namespace}-${counter++}`,
        shards: 8,
        eventsMaxLenPerUser: 10,
      }),
    "f32",
  ],
];

const ITEMS = ["i1", "i2", "i3", "i4", "i5"];
const SPEC: VersionSpec = {
  itemIds: ITEMS,
  columns: ["mf", "pop", "cooc"],
  itemKinds: { text: 4 },
  userKinds: { mf: 2, text: 4 },
};
const f32 = (...xs: number[]) => Float32Array.from(xs);

/**
 * A stored user vector as read back: exact in f32; in compact within half an int8 step of its largest
 * |value| (the feature lists of this suite hold only each column's min and max, which compact keeps exact).
 */
function expectVector(encoding: StoreEncoding, got: Float32Array | undefined, want: Float32Array) {
  expect(got).toBeDefined();
  if (encoding === "f32") {
    expect(Array.from(got!)).toEqual(Array.from(want));
    return;
  }
  const maxAbs = Math.max(...Array.from(want, Math.abs));
  expect(got!.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got![i]! - want[i]!)).toBeLessThanOrEqual(maxAbs / 254);
}

describe.each(backends)("FeatureStore conformance: %s", (_name, make, encoding) => {
  let store: FeatureStore;
  beforeEach(async () => {
    store = make();
    return () => store.close();
  });

  async function publishedVersion(version: string, spec: VersionSpec = SPEC, seed = 0) {
    await store.beginVersion(version, spec);
    await store.writeUsers(version, [
      {
        userId: "u1",
        candidates: { items: ["i3", "i1"], features: f32(0.5 + seed, 1, 2, 3, 4, 5) },
        vectors: { mf: f32(1, 2), text: f32(0.1, 0.2, 0.3, 0.4) },
        scalars: { lastEventAt: 1_700_000_000 + seed },
      },
      { userId: "u2", candidates: { items: ["i5"], features: f32(9, 8, 7) } },
    ]);
    await store.publish(version);
  }

  it("has nothing live before the first publish", async () => {
    expect(await store.liveVersion()).toBeNull();
    expect(await store.getUserFeatures("u1")).toBeNull();
    expect(await store.getItemIds()).toEqual([]);
    expect(await store.getPopularity()).toBeNull();
    await expect(store.getItemVectors("text", ["i1"])).rejects.toBeInstanceOf(NotFoundError);
  });

  it("readUser: candidates as catalogue indexes, only the asked vectors, from the live or a named version", async () => {
    expect(await store.readUser("u1")).toBeNull();
    await publishedVersion("v1");
    const lean = await store.readUser("u1");
    expect(lean).toMatchObject({ version: "v1", live: "v1", known: true, vectors: {} });
    expect(Array.from(lean!.candidates!.indexes)).toEqual([2, 0]);
    expect(Array.from(lean!.candidates!.features)).toEqual([0.5, 1, 2, 3, 4, 5]);
    expect(lean!.scalars).toEqual({ lastEventAt: 1_700_000_000 });
    const mf = await store.readUser("u1", { vectors: ["mf"] });
    expect(Object.keys(mf!.vectors)).toEqual(["mf"]);
    expectVector(encoding, mf!.vectors["mf"], f32(1, 2));
    await expect(store.readUser("u1", { vectors: ["nope"] })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await store.readUser("stranger")).toMatchObject({ known: false, candidates: null });

    // After a publish, a reader still serving v1 reads v1 and learns that v2 is live.
    await publishedVersion("v2", SPEC, 1);
    const pinned = await store.readUser("u1", { version: "v1" });
    expect(pinned).toMatchObject({ version: "v1", live: "v2" });
    expect(pinned!.candidates!.features[0]).toBe(0.5);
    expect((await store.readUser("u1"))!.candidates!.features[0]).toBe(1.5);
    // A version that is gone reads as null: the caller moves to the live one.
    expect(await store.readUser("u1", { version: "v0" })).toBeNull();
  });

  it("getItemVectorsAt reads one named version, decoded into one buffer", async () => {
    await store.beginVersion("v1", SPEC);
    await store.writeItemVectors("v1", "text", ["i1", "i2"], f32(1, 2, 3, 4, 5, 6, 7, 8));
    await store.publish("v1");
    const got = await store.getItemVectorsAt("v1", "text", ["i2", "i5", "i1"]);
    expect(got!.dims).toBe(4);
    expect(Array.from(got!.vectors[0]!)).toEqual([5, 6, 7, 8]);
    expect(got!.vectors[1]).toBeNull();
    expect(Array.from(got!.vectors[2]!)).toEqual([1, 2, 3, 4]);
    expect(got!.vectors[0]!.buffer).toBe(got!.vectors[2]!.buffer);
    expect(await store.getItemVectorsAt("v9", "text", ["i1"])).toBeNull();
  });

  it("round-trips profiles, scalars and candidates with named feature columns", async () => {
    await publishedVersion("v1");
    const u1 = await store.getUserFeatures("u1");
    expect(u1).not.toBeNull();
    expect(u1!.version).toBe("v1");
    expect(u1!.columns).toEqual(["mf", "pop", "cooc"]);
    expect(u1!.candidates!.items).toEqual(["i3", "i1"]);
    expect(Array.from(u1!.candidates!.features)).toEqual([0.5, 1, 2, 3, 4, 5]);
    expectVector(encoding, u1!.vectors["mf"], f32(1, 2));
    expectVector(encoding, u1!.vectors["text"], f32(0.1, 0.2, 0.3, 0.4));
    expect(u1!.scalars).toEqual({ lastEventAt: 1_700_000_000 });
    const u2 = await store.getUserFeatures("u2");
    expect(u2!.vectors).toEqual({});
    expect(u2!.scalars).toEqual({});
    expect(u2!.candidates!.items).toEqual(["i5"]);
    expect(await store.getUserFeatures("nobody")).toBeNull();
    expect(await store.getItemIds()).toEqual(ITEMS);
  });

  it("bulk-reads item vectors aligned with the request, null where missing", async () => {
    await store.beginVersion("v1", SPEC);
    await store.writeItemVectors("v1", "text", ["i1", "i2"], f32(1, 2, 3, 4, 5, 6, 7, 8));
    await store.publish("v1");
    const got = await store.getItemVectors("text", ["i2", "zz", "i1"]);
    expect(got.dims).toBe(4);
    expect(got.version).toBe("v1");
    expect(got.vectors.map((v) => (v ? Array.from(v) : null))).toEqual([[5, 6, 7, 8], null, [1, 2, 3, 4]]);
    const many = Array.from({ length: 2500 }, (_, i) => (i % 2 === 0 ? "i1" : `x${i}`));
    const bulk = await store.getItemVectors("text", many);
    expect(bulk.vectors.filter((v) => v !== null)).toHaveLength(1250);
    await expect(store.getItemVectors("mf", ["i1"])).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("rejects writes that do not fit the version's declared shape", async () => {
    await store.beginVersion("v1", SPEC);
    const bad = [
      () =>
        store.writeUsers("v1", [{ userId: "u", candidates: { items: ["nope"], features: f32(1, 2, 3) } }]),
      () => store.writeUsers("v1", [{ userId: "u", candidates: { items: ["i1"], features: f32(1, 2) } }]),
      () => store.writeUsers("v1", [{ userId: "u", vectors: { mf: f32(1, 2, 3) } }]),
      () => store.writeUsers("v1", [{ userId: "u", vectors: { other: f32(1) } }]),
      () => store.writeUsers("v1", [{ userId: "u", scalars: { x: Number.NaN } }]),
      () => store.writeItemVectors("v1", "text", ["i1"], f32(1, 2)),
      () => store.writeItemVectors("v1", "text", ["unknown"], f32(1, 2, 3, 4)),
      () => store.writePopularity("v1", ["i1"], f32(1, 2)),
      () => store.writeMetadata("v1", "info", {}),
      () => store.beginVersion("bad version!", SPEC),
      () => store.beginVersion("v2", { itemIds: ["a", "a"], columns: [] }),
    ];
    for (const write of bad) await expect(write()).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.writeUsers("missing", [])).rejects.toBeInstanceOf(NotFoundError);
    // A failed bulk write leaves nothing behind: validation happens before anything is written.
    await expect(
      store.writeUsers("v1", [
        { userId: "ok", scalars: { a: 1 } },
        { userId: "bad", candidates: { items: ["nope"], features: f32(1, 2, 3) } },
      ]),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await store.publish("v1");
    expect(await store.getUserFeatures("ok")).toBeNull();
  });

  it("records each version's encoding: the store's default unless the spec names one, kept on re-open", async () => {
    expect((await store.beginVersion("v1", SPEC)).encoding).toBe(encoding);
    const other = encoding === "f32" ? "compact" : "f32";
    expect((await store.beginVersion("v2", { ...SPEC, encoding: other })).encoding).toBe(other);
    // Re-opened with the other encoding (e.g. a config change mid-run): the version keeps its own.
    expect((await store.beginVersion("v1", { ...SPEC, encoding: other })).encoding).toBe(encoding);
    await expect(
      store.beginVersion("v3", { ...SPEC, encoding: "f16" as unknown as StoreEncoding }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    // Both versions' users read back through the same store, each in its own encoding.
    const record = { userId: "u1", candidates: { items: ["i2", "i4"], features: f32(1, 0, 7, 2, 1, 7) } };
    await store.writeUsers("v1", [record]);
    await store.writeUsers("v2", [record]);
    await store.publish("v2");
    await store.publish("v1");
    for (const version of ["v1", "v2"]) {
      const row = await store.readUser("u1", { version });
      expect(Array.from(row!.candidates!.features)).toEqual([1, 0, 7, 2, 1, 7]);
    }
  });

  it("re-opens a version idempotently but refuses a different shape", async () => {
    const a = await store.beginVersion("v1", SPEC);
    const b = await store.beginVersion("v1", SPEC);
    expect(b).toEqual(a);
    await expect(store.beginVersion("v1", { ...SPEC, columns: ["x"] })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await store.versionInfo("v1")).toEqual(a);
    expect(await store.versionInfo("v9")).toBeNull();
  });

  it("publishes only complete versions, atomically, and keeps readers on the old one until then", async () => {
    await publishedVersion("v1");
    await store.beginVersion("v2", { ...SPEC, parts: ["users:0", "users:1"] });
    await store.writeUsers("v2", [{ userId: "u1", candidates: { items: ["i2"], features: f32(1, 1, 1) } }]);
    await store.completeParts("v2", ["users:0"]);
    // A half-written version is invisible and cannot be published.
    expect((await store.getUserFeatures("u1"))!.version).toBe("v1");
    expect(await store.missingParts("v2")).toEqual(["users:1"]);
    await expect(store.publish("v2")).rejects.toThrow(/users:1/);
    await expect(store.publish("v404")).rejects.toBeInstanceOf(NotFoundError);
    await store.expectParts("v2", ["items"]);
    await store.completeParts("v2", ["users:1", "items"]);
    expect(await store.publish("v2")).toEqual({ version: "v2", previous: "v1", changed: true });
    expect(await store.publish("v2")).toEqual({ version: "v2", previous: "v2", changed: false });
    const u1 = await store.getUserFeatures("u1");
    expect(u1!.version).toBe("v2");
    expect(u1!.candidates!.items).toEqual(["i2"]);
    // Users absent from the new version are absent, not leaked from the old one.
    expect(await store.getUserFeatures("u2")).toBeNull();
    const statuses = Object.fromEntries((await store.listVersions()).map((v) => [v.version, v.status]));
    expect(statuses).toEqual({ v1: "retired", v2: "live" });
  });

  it("garbage-collects retired and orphaned versions after their grace period, never the live one", async () => {
    await publishedVersion("v1");
    await publishedVersion("v2");
    await store.beginVersion("v3", SPEC); // a run that never finished
    await store.writeUsers("v3", [{ userId: "u9", scalars: { a: 1 } }]);
    const now = Date.now();
    expect(await store.collectGarbage({ now, retiredGraceMs: 60_000, orphanGraceMs: 60_000 })).toEqual([]);
    expect(
      await store.collectGarbage({ now: now + 61_000, retiredGraceMs: 60_000, orphanGraceMs: 3_600_000 }),
    ).toEqual(["v1"]);
    expect(
      await store.collectGarbage({ now: now + 3_700_000, retiredGraceMs: 0, orphanGraceMs: 3_600_000 }),
    ).toEqual(["v3"]);
    expect((await store.listVersions()).map((v) => v.version)).toEqual(["v2"]);
    expect(await store.versionInfo("v1")).toBeNull();
    expect((await store.getUserFeatures("u1"))!.version).toBe("v2");
    // A collected version can no longer be published.
    await expect(store.publish("v3")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("stores the popularity list and JSON metadata of the live version", async () => {
    await store.beginVersion("v1", SPEC);
    await store.writePopularity("v1", ["i4", "i2", "i1"], f32(30, 20, 10));
    await store.writeMetadata("v1", "model", { kind: "als", factors: 2 });
    await store.writeMetadata("v1", "encoder", { id: "hash-4" });
    await store.publish("v1");
    const pop = await store.getPopularity(2);
    expect(pop!.items).toEqual(["i4", "i2"]);
    expect(Array.from(pop!.scores)).toEqual([30, 20]);
    expect(await store.getMetadata("model")).toEqual({ kind: "als", factors: 2 });
    expect(await store.getMetadata("encoder")).toEqual({ id: "hash-4" });
    expect(await store.getMetadata("absent")).toBeNull();
  });

  it("writes the same features identically when a version is written twice", async () => {
    await publishedVersion("v1");
    const first = await store.getUserFeatures("u1");
    await store.writeUsers("v1", [
      {
        userId: "u1",
        candidates: { items: ["i3", "i1"], features: f32(0.5, 1, 2, 3, 4, 5) },
        vectors: { mf: f32(1, 2), text: f32(0.1, 0.2, 0.3, 0.4) },
        scalars: { lastEventAt: 1_700_000_000 },
      },
    ]);
    expect(await store.getUserFeatures("u1")).toEqual(first);
  });

  it("updates one user in the live version after new events", async () => {
    await publishedVersion("v1");
    expect(
      await store.updateLiveUser({ userId: "u3", vectors: { text: f32(1, 0, 0, 0) }, scalars: { n: 1 } }),
    ).toBe("v1");
    const u3 = await store.getUserFeatures("u3");
    expect(Array.from(u3!.vectors["text"]!)).toEqual([1, 0, 0, 0]);
    expect(u3!.candidates).toBeNull();
    // Only the named parts change.
    await store.updateLiveUser({ userId: "u1", scalars: { lastEventAt: 5 } });
    const u1 = await store.getUserFeatures("u1");
    expect(u1!.scalars).toEqual({ lastEventAt: 5 });
    expect(u1!.candidates!.items).toEqual(["i3", "i1"]);
  });

  it("appends events per user in order, trims old ones, and lists active users", async () => {
    const ids = await store.appendEvents([
      { user: "a", item: "i1", value: 1, timestamp: 100, kind: "view" },
      { user: "b", item: "i2", value: 4.5, timestamp: 300, kind: "rating" },
      { user: "a", item: "i3", value: 1, timestamp: 200, kind: "view" },
    ]);
    expect(ids).toHaveLength(3);
    const a = await store.readUserEvents("a");
    expect(a.map((e) => [e.item, e.value, e.timestamp, e.kind])).toEqual([
      ["i1", 1, 100, "view"],
      ["i3", 1, 200, "view"],
    ]);
    expect(a.map((e) => e.id)).toEqual([ids[0], ids[2]]);
    expect(await store.eventUsers()).toEqual(["b", "a"]);
    await expect(
      store.appendEvents([{ user: "", item: "i1", value: 1, timestamp: 1, kind: "x" }]),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    // Trimming keeps at least the newest N (10 here); Redis trims approximately (MAXLEN ~).
    const burst = Array.from({ length: 1000 }, (_, i) => ({
      user: "c",
      item: `i${i}`,
      value: 1,
      timestamp: i,
      kind: "v",
    }));
    await store.appendEvents(burst);
    const c = await store.readUserEvents("c");
    expect(c.length).toBeGreaterThanOrEqual(10);
    expect(c.length).toBeLessThan(1000);
    expect(c.at(-1)!.item).toBe("i999");
  });

  it("scans every user's events between two clock readings, in bounded batches", async () => {
    const before = await store.eventClock();
    await store.appendEvents(
      Array.from({ length: 25 }, (_, u) => ({
        user: `s${u}`,
        item: "i1",
        value: u,
        timestamp: 1_000 + u,
        kind: "view",
      })),
    );
    await store.appendEvents([{ user: "s0", item: "i2", value: 1, timestamp: 2_000, kind: "view" }]);
    await new Promise((r) => setTimeout(r, 3));
    const watermark = await store.eventClock();
    await store.appendEvents([{ user: "s1", item: "i3", value: 1, timestamp: 3_000, kind: "view" }]);
    const scan = async (options: { after?: string; until: string }) => {
      const seen: [string, string][] = [];
      for await (const batch of store.scanEvents({ ...options, batch: 10 })) {
        seen.push(...batch.map((e): [string, string] => [e.user, e.item]));
      }
      return { seen };
    };
    const all = await scan({ until: watermark });
    expect(all.seen).toHaveLength(26);
    expect(all.seen).toContainEqual(["s0", "i2"]);
    expect(all.seen).not.toContainEqual(["s1", "i3"]); // after the watermark
    // Per user in stream order.
    expect(all.seen.filter(([u]) => u === "s0").map(([, i]) => i)).toEqual(["i1", "i2"]);
    expect((await scan({ after: before, until: watermark })).seen).toHaveLength(26);
    await new Promise((r) => setTimeout(r, 3));
    const later = await scan({ after: watermark, until: await store.eventClock() });
    expect(later.seen).toEqual([["s1", "i3"]]);
  });

  it("counts the users with candidates in a version", async () => {
    await publishedVersion("v1");
    expect(await store.countUsers("v1")).toBe(2);
    await store.beginVersion("v2", SPEC);
    expect(await store.countUsers("v2")).toBe(0);
    await store.deleteUser("u1");
    expect(await store.countUsers("v1")).toBe(1);
  });

  it("stores an event with a client eventId once per user, within the window", async () => {
    const ev = (user: string, eventId: string | undefined, item = "i1") => ({
      user,
      item,
      value: 1,
      timestamp: 100,
      kind: "view",
      ...(eventId !== undefined && { eventId }),
    });
    const first = await store.appendEventsOnce([ev("a", "e1"), ev("a", "e2"), ev("a", undefined)]);
    expect(first.duplicate).toEqual([false, false, false]);
    // The retry of the same batch: both ids already stored; the id-less event cannot be recognised.
    const retry = await store.appendEventsOnce([ev("a", "e1"), ev("a", "e2"), ev("a", undefined)]);
    expect(retry.duplicate).toEqual([true, true, false]);
    expect(retry.ids.slice(0, 2)).toEqual(first.ids.slice(0, 2));
    // Ids are per user, and a repeat inside one batch is a duplicate too.
    const other = await store.appendEventsOnce([ev("b", "e1"), ev("b", "e1", "i2")]);
    expect(other.duplicate).toEqual([false, true]);
    expect((await store.readUserEvents("a")).map((e) => e.item)).toEqual(["i1", "i1", "i1", "i1"]);
    expect((await store.readUserEvents("b")).map((e) => e.item)).toEqual(["i1"]);
    // ':' in ids cannot make two (user, eventId) pairs collide.
    const colon = await store.appendEventsOnce([ev("x:y", "z"), ev("x", "y:z")]);
    expect(colon.duplicate).toEqual([false, false]);
    // Past the window the id is forgotten.
    await store.appendEventsOnce([ev("c", "e1")], { eventIdWindowMs: 30 });
    await new Promise((r) => setTimeout(r, 60));
    expect((await store.appendEventsOnce([ev("c", "e1")], { eventIdWindowMs: 30 })).duplicate).toEqual([
      false,
    ]);
    await expect(store.appendEventsOnce([ev("a", "x".repeat(129))])).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it("refuses events of an erased user, naming the user, and stores nothing of the batch", async () => {
    await store.deleteUser("gone");
    const batch = [
      { user: "ok", item: "i1", value: 1, timestamp: 1, kind: "view" },
      { user: "gone", item: "i2", value: 1, timestamp: 2, kind: "view" },
    ];
    const error = await store.appendEvents(batch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErasedUserError);
    expect((error as ErasedUserError).code).toBe("USER_ERASED");
    expect((error as ErasedUserError).userIds).toEqual(["gone"]);
    expect((error as Error).message).toContain('"gone"');
    expect(await store.readUserEvents("gone")).toEqual([]);
    expect(await store.readUserEvents("ok")).toEqual([]);
    expect(await store.eventUsers()).toEqual([]);
    // Across several atomic chunks (Redis sends 100 events per script) the refusal is still whole.
    const big = Array.from({ length: 1200 }, (_, i) => ({ ...batch[0]!, item: `i${i}` }));
    big.push(batch[1]!);
    await expect(store.appendEvents(big)).rejects.toBeInstanceOf(ErasedUserError);
    expect(await store.readUserEvents("ok")).toEqual([]);
  });

  it("erases a user everywhere and keeps them out of later versions", async () => {
    await publishedVersion("v1");
    await store.beginVersion("v2", SPEC);
    await store.writeUsers("v2", [
      { userId: "u1", scalars: { a: 1 } },
      { userId: "u2", scalars: { a: 2 } },
    ]);
    await store.appendEvents([{ user: "u1", item: "i1", value: 1, timestamp: 1, kind: "view" }]);
    await store.deleteUser("u1");
    expect(await store.getUserFeatures("u1")).toBeNull();
    expect(await store.readUserEvents("u1")).toEqual([]);
    expect(await store.eventUsers()).toEqual([]);
    expect(await store.erasedUsers()).toEqual(["u1"]);
    expect((await store.getUserFeatures("u2"))!.version).toBe("v1");
    // A run that still wrote the user (it started before the erasure) has them stripped at publish.
    await store.writeUsers("v2", [{ userId: "u1", scalars: { a: 3 } }]);
    await store.publish("v2");
    expect(await store.getUserFeatures("u1")).toBeNull();
    expect((await store.getUserFeatures("u2"))!.scalars).toEqual({ a: 2 });
    await expect(store.updateLiveUser({ userId: "u1", scalars: { a: 1 } })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
