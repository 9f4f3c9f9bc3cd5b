import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keys, mastersOf, type RedisClient, RedisFeatureStore } from "../src/index.js";
import { TestRedis } from "../src/testing/redis-server.js";

// Redis-only behaviour: round trips, raw bytes, crashes and outages. Semantics are in the conformance suite.

const ROOT = join(import.meta.dirname, "..", "..", "..");
let server: TestRedis;
let n = 0;
beforeAll(async () => {
  server = await TestRedis.start();
});
afterAll(async () => {
  await server.stop();
});
const newStore = () => new RedisFeatureStore({ redis: server.url, namespace: `${server.namespace}-${n++}` });

async function seed(store: RedisFeatureStore, version: string) {
  await store.beginVersion(version, {
    itemIds: ["a", "b", "c"],
    columns: ["x", "y"],
    userKinds: { mf: 3, text: 2 },
  });
  await store.writeUsers(version, [
    {
      userId: "u1",
      candidates: { items: ["c", "a"], features: Float32Array.from([1, 2, 3, 4]) },
      vectors: { mf: Float32Array.from([1, 2, 3]), text: Float32Array.from([5, 6]) },
      scalars: { lastEventAt: 42 },
    },
  ]);
  await store.publish(version);
}

/** Keys of one version (or of all versions) of a namespace, on every master. */
async function versionKeys(redis: RedisClient, keys: Keys, version?: string): Promise<string[]> {
  const out: string[] = [];
  for (const node of await mastersOf(redis))
    for (const pattern of version ? keys.versionPatterns(version) : keys.allVersionPatterns)
      out.push(...(await node.keys(pattern)));
  return out;
}

/** Keys of one namespace, with their raw values, for byte-level comparisons. */
async function dump(redis: RedisClient, keys: Keys): Promise<Record<string, string>> {
  const names = (await versionKeys(redis, keys)).sort();
  const out: Record<string, string> = {};
  for (const key of names) {
    const type = await redis.type(key);
    if (type === "hash") {
      const h = await redis.hgetallBuffer(key);
      out[key] = JSON.stringify(
        Object.entries(h)
          .map(([f, v]) => [f, v.toString("base64")])
          .sort(),
      );
    } else if (type === "string") out[key] = (await redis.getBuffer(key))!.toString("base64");
    else if (type === "set") out[key] = JSON.stringify((await redis.smembers(key)).sort());
  }
  return out;
}

describe("RedisFeatureStore", () => {
  it("reads a user's features, and a batch of item vectors, in one round trip each", async () => {
    const store = newStore();
    await seed(store, "v1");
    await store.getUserFeatures("u1"); // warms the script cache (EVALSHA) and the catalogue cache
    // One socket write = one request/response exchange (ioredis writes a MULTI/pipeline in one go).
    const stream = (store.redis as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
    const write = stream.write.bind(stream);
    let writes = 0;
    stream.write = (...args: unknown[]) => {
      writes++;
      return write(...args);
    };
    const features = await store.getUserFeatures("u1");
    expect(writes).toBe(1);
    expect(Object.keys(features!.vectors).sort()).toEqual(["mf", "text"]);
    expect(features!.candidates!.items).toEqual(["c", "a"]);
    // After a publish, the first read learns the new pointer with its guess, then reads the new
    // version (two exchanges: the pointer and the user's shard may be on different nodes); then one again.
    await seed(store, "v2");
    writes = 0;
    expect((await store.getUserFeatures("u1"))!.version).toBe("v2");
    expect(writes).toBe(2);
    writes = 0;
    expect((await store.getUserFeatures("u1"))!.version).toBe("v2");
    expect(writes).toBe(1);
    await store.close();
  });

  it("bulk-reads item vectors in one round trip, and follows a publish", async () => {
    const store = newStore();
    const spec = { itemIds: ["a", "b", "c"], columns: [], itemKinds: { text: 2 } };
    for (const [version, mark] of [
      ["v1", 1],
      ["v2", 2],
    ] as const) {
      await store.beginVersion(version, spec);
      await store.writeItemVectors(version, "text", ["a", "c"], Float32Array.of(mark, 0, mark, 1));
    }
    await store.publish("v1");
    expect((await store.getItemVectors("text", ["a"])).version).toBe("v1"); // warms the caches
    const stream = (store.redis as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
    const write = stream.write.bind(stream);
    let writes = 0;
    stream.write = (...args: unknown[]) => {
      writes++;
      return write(...args);
    };
    const got = await store.getItemVectors("text", ["c", "b", "a"]);
    expect(writes).toBe(1);
    expect(got.vectors.map((v) => (v ? Array.from(v) : null))).toEqual([[1, 1], null, [1, 0]]);
    // Another client publishes: the next read notices in the same exchange and re-reads from v2.
    const other = new RedisFeatureStore({ redis: server.url, namespace: store.keys.namespace });
    await other.publish("v2");
    writes = 0;
    const after = await store.getItemVectors("text", ["c"]);
    expect(after.version).toBe("v2");
    expect(Array.from(after.vectors[0]!)).toEqual([2, 1]);
    expect(writes).toBe(2);
    await other.close();
    await store.close();
  });

  it("never mixes versions in one read while publishes flip the pointer", async () => {
    const store = newStore();
    // A second client, as the ranking service would be, with its own caches.
    const reader = new RedisFeatureStore({ redis: server.url, namespace: store.keys.namespace });
    for (const [version, mark] of [
      ["a", 1],
      ["b", 2],
    ] as const) {
      await store.beginVersion(version, { itemIds: ["x", "y"], columns: ["m"], userKinds: { mf: 2 } });
      await store.writeUsers(version, [
        {
          userId: "u",
          candidates: { items: [mark === 1 ? "x" : "y"], features: Float32Array.of(mark) },
          vectors: { mf: Float32Array.of(mark, mark) },
          scalars: { mark },
        },
      ]);
    }
    await store.publish("a");
    let stop = false;
    const flipper = (async () => {
      for (let i = 0; !stop; i++) await store.publish(i % 2 === 0 ? "b" : "a");
    })();
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const f = (await reader.getUserFeatures("u"))!;
      const mark = f.version === "a" ? 1 : 2;
      seen.add(f.version);
      expect(f.scalars).toEqual({ mark });
      expect(Array.from(f.vectors["mf"]!)).toEqual([mark, mark]);
      expect(f.candidates!.items).toEqual([mark === 1 ? "x" : "y"]);
    }
    stop = true;
    await flipper;
    expect(seen).toEqual(new Set(["a", "b"]));
    await store.close();
    await reader.close();
  });

  it("writes identical bytes when the same version is written twice", async () => {
    const store = newStore();
    await seed(store, "v1");
    const before = await dump(store.redis, store.keys);
    await seed(store, "v1");
    const after = await dump(store.redis, store.keys);
    expect(Object.keys(before).length).toBeGreaterThan(3);
    // Only the publish bookkeeping may differ (publishedAt is not rewritten for a no-op publish).
    expect(after).toEqual(before);
    await store.close();
  });

  it("serves a version written before encodings existed (info without one) from a compact store", async () => {
    const namespace = `${server.namespace}-${n++}`;
    const old = new RedisFeatureStore({ redis: server.url, namespace });
    await seed(old, "v1");
    // What an older writer stored: the same f32 bytes, and an info without the encoding field.
    const meta = old.keys.meta("v1");
    const { encoding, ...info } = JSON.parse((await old.redis.hget(meta, "info"))!);
    expect(encoding).toBe("f32");
    await old.redis.hset(meta, "info", JSON.stringify(info));
    const reader = new RedisFeatureStore({ redis: server.url, namespace, encoding: "compact" });
    const u1 = await reader.getUserFeatures("u1");
    expect(u1!.candidates).toEqual({ items: ["c", "a"], features: Float32Array.from([1, 2, 3, 4]) });
    expect(u1!.vectors).toEqual({ mf: Float32Array.from([1, 2, 3]), text: Float32Array.from([5, 6]) });
    // Writing into it (an update after new events) keeps its f32 bytes: a version never mixes encodings.
    await reader.updateLiveUser({ userId: "u2", vectors: { mf: Float32Array.from([0.1, 0.2, 0.3]) } });
    const bytes = await reader.redis.hgetBuffer(reader.keys.userVectors("v1", "mf", 0), "u2");
    expect(bytes!.length).toBe(12);
    await old.close();
    await reader.close();
  });

  it("never exposes a version whose writer was killed midway, and GC removes the orphan", async () => {
    const store = newStore();
    await seed(store, "v1");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(import.meta.dirname, "fixtures", "partial-writer.ts"),
        server.url,
        store.keys.namespace,
        "v2",
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("wrote 3")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`writer exited with ${code} before writing`)));
    });
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(child.pid!, "SIGKILL");
    await exited;

    const keys = new Keys(store.keys.namespace);
    expect(await store.redis.hlen(keys.candidates("v2"))).toBeGreaterThanOrEqual(200);
    expect(await store.liveVersion()).toBe("v1");
    expect((await store.getUserFeatures("u1"))!.version).toBe("v1");
    expect(await store.getUserFeatures("u0")).toBeNull();
    await expect(store.publish("v2")).rejects.toThrow(/users/);
    expect((await store.listVersions()).map((v) => [v.version, v.status])).toEqual([
      ["v1", "live"],
      ["v2", "writing"],
    ]);
    // Within the grace period the orphan stays (its writer might still be running)...
    expect(await store.collectGarbage()).toEqual([]);
    expect((await versionKeys(store.redis, keys, "v2")).length).toBeGreaterThanOrEqual(4);
    // ...after it, every key of the orphan goes and the live version is untouched.
    expect(await store.collectGarbage({ now: Date.now() + 86_400_001 })).toEqual(["v2"]);
    expect(await versionKeys(store.redis, keys, "v2")).toEqual([]);
    expect((await store.getUserFeatures("u1"))!.candidates!.items).toEqual(["c", "a"]);
    await store.close();
  });

  it("also collects keys of a version that is no longer registered", async () => {
    const store = newStore();
    await seed(store, "v1");
    await store.redis.hset(store.keys.candidates("stray"), "u", "x");
    expect(await store.collectGarbage()).toEqual(["stray"]);
    expect(await store.redis.exists(store.keys.candidates("stray"))).toBe(0);
    await store.close();
  });
});

describe("RedisFeatureStore outage", () => {
  it("reports UnavailableError while Redis is down and recovers when it is back", async () => {
    const own = await TestRedis.start({ allowExternal: false });
    const store = new RedisFeatureStore({ redis: own.url, namespace: own.namespace });
    try {
      await seed(store, "v1");
      await own.kill();
      await expect(store.getUserFeatures("u1")).rejects.toMatchObject({ code: "UNAVAILABLE" });
      await expect(store.liveVersion()).rejects.toMatchObject({ name: "UnavailableError" });
      await own.restart(); // an empty server: nothing is published any more
      await expect
        .poll(() => store.liveVersion().catch((e: Error) => e.name), { timeout: 10_000 })
        .toBeNull();
      await seed(store, "v1");
      expect((await store.getUserFeatures("u1"))!.version).toBe("v1");
    } finally {
      await store.close();
      await own.stop();
    }
  });
});
