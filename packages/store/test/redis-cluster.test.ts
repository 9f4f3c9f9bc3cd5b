import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisFeatureStore } from "../src/index.js";
import { TestRedisCluster } from "../src/testing/index.js";

// The store on a real 3-master Redis Cluster: spread, crash-safe publish, reshards under load.
// (The conformance suite in feature-store.test.ts also runs against a cluster.)

const ROOT = join(import.meta.dirname, "..", "..", "..");
/** Kill-during-publish trials; the benchmark-sized run sets TANDEM_KILL_TRIALS=100. */
const TRIALS = Number(process.env["TANDEM_KILL_TRIALS"] ?? 6);
const SHARDS = 128; // the cluster default of store.shards
const USERS = 400;

let cluster: TestRedisCluster;
let n = 0;
beforeAll(async () => {
  cluster = await TestRedisCluster.start();
}, 60_000);
afterAll(async () => {
  await cluster.stop();
});
const newStore = (namespace = `${cluster.namespace}-${n++}`) =>
  new RedisFeatureStore({ redis: cluster.nodes.split(","), namespace, shards: SHARDS });

describe("RedisFeatureStore on a 3-master cluster", () => {
  it("spreads one catalogue's keys so that no master holds more than half of them", async () => {
    const store = newStore();
    const before = await cluster.keysPerNode();
    const users = Array.from({ length: 1000 }, (_, i) => `user-${i}`);
    await store.appendEvents(
      users.map((user, i) => ({ user, item: "a", value: 1, timestamp: 1_700_000_000 + i, kind: "view" })),
    );
    await store.beginVersion("v1", { itemIds: ["a", "b"], columns: ["m"], userKinds: { mf: 2 } });
    await store.writeUsers(
      "v1",
      users.map((userId) => ({
        userId,
        candidates: { items: ["b"], features: Float32Array.of(1) },
        vectors: { mf: Float32Array.of(1, 2) },
      })),
    );
    await store.publish("v1");
    const added = (await cluster.keysPerNode()).map((count, i) => count - before[i]!);
    const total = added.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(1000); // one stream per user, plus the version's hashes
    for (const count of added) expect(count / total).toBeLessThanOrEqual(0.5);
    expect(Math.min(...added)).toBeGreaterThan(0);
    expect(await store.countUsers("v1")).toBe(1000);
    expect((await store.eventUsers()).length).toBe(1000);
    await store.close();
  });

  it(
    `never exposes a half-published version nor mixes versions, across ${TRIALS} writers killed at random`,
    async () => {
      const store = newStore();
      const reader = newStore(store.keys.namespace); // another client, as an API replica would be
      // v0, published by this process: readers always have a version to read.
      await store.beginVersion("v0", { itemIds: ["a", "b", "c"], columns: ["m"], userKinds: { mf: 2 } });
      await store.writeUsers(
        "v0",
        Array.from({ length: USERS }, (_, i) => ({
          userId: `u${i}`,
          candidates: { items: ["a"], features: Float32Array.of(0) },
          vectors: { mf: Float32Array.of(0, 0) },
          scalars: { mark: 0 },
        })),
      );
      await store.publish("v0");
      let published = 0;
      let midSeal = 0;
      let mixed = 0;
      let reads = 0;
      let stop = false;
      // Reads users across all shards while publishers come and die; every read must be one version.
      const reading = (async () => {
        for (let i = 0; !stop; i++) {
          const row = await reader.getUserFeatures(`u${i % USERS}`);
          if (!row) continue;
          reads++;
          const mark = Number(row.version.slice(1));
          const ok =
            row.scalars["mark"] === mark &&
            Array.from(row.vectors["mf"]!).every((x) => x === mark) &&
            row.candidates!.items[0] === ["a", "b", "c"][mark % 3];
          if (!ok) mixed++;
        }
      })();
      for (let t = 1; t <= TRIALS; t++) {
        const version = `v${t}`;
        const previous = await store.liveVersion();
        const child = spawn(
          process.execPath,
          [
            "--import",
            "tsx",
            join(import.meta.dirname, "fixtures", "publisher.ts"),
            cluster.nodes,
            store.keys.namespace,
            version,
            String(t),
            String(USERS),
            String(SHARDS),
          ],
          { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
        );
        const exited = new Promise<number | null>((r) => child.once("exit", r));
        // Odd trials die while writing or at the start of publish; even ones 0–150 ms into it (some finish).
        await new Promise<void>((resolve) => {
          child.stdout!.on("data", (chunk: Buffer) => {
            if (chunk.toString().includes("publishing"))
              setTimeout(resolve, t % 2 === 1 ? 0 : Math.random() * 150);
          });
          void exited.then(() => resolve());
        });
        child.kill("SIGKILL");
        await exited;
        const live = await store.liveVersion();
        const sealed = await store.redis.scard(store.keys.sealed(version));
        if (sealed > 0 && sealed < SHARDS) midSeal++;
        if (live === version) {
          published++;
          // Published means complete: every user of every shard reads as this version.
          expect(await store.countUsers(version)).toBe(USERS);
          for (let u = 0; u < USERS; u += 37)
            expect((await store.getUserFeatures(`u${u}`))!.scalars["mark"]).toBe(t);
        } else {
          expect(live).toBe(previous);
          expect((await store.listVersions()).find((v) => v.version === version)?.status).toBe("writing");
        }
      }
      stop = true;
      await reading;
      expect(mixed).toBe(0);
      expect(reads).toBeGreaterThan(0);
      // A killed writer's version is finished by publishing again (every step is idempotent).
      const last = `v${TRIALS}`;
      if ((await store.liveVersion()) !== last && (await store.missingParts(last)).length === 0) {
        await store.publish(last);
        expect((await store.getUserFeatures("u1"))!.version).toBe(last);
      }
      console.log(
        `kill-during-publish: ${TRIALS} trials, ${published} published, ${midSeal} killed mid-seal, ${reads} reads, ${mixed} mixed`,
      );
      await reader.close();
      await store.close();
    },
    Math.max(240_000, TRIALS * 10_000),
  );

  it("keeps serving while the slots of the pointer, a version and a user shard move to another master", async () => {
    const store = newStore();
    await store.beginVersion("v1", { itemIds: ["a", "b"], columns: ["m"], userKinds: { mf: 2 } });
    const users = Array.from({ length: 200 }, (_, i) => `m${i}`);
    await store.writeUsers(
      "v1",
      users.map((userId) => ({
        userId,
        candidates: { items: ["b"], features: Float32Array.of(1) },
        vectors: { mf: Float32Array.of(1, 2) },
      })),
    );
    await store.publish("v1");
    const reader = newStore(store.keys.namespace);
    let reads = 0;
    const failures: string[] = [];
    let stop = false;
    const reading = (async () => {
      for (let i = 0; !stop; i++) {
        const user = users[i % users.length]!;
        try {
          const row = await reader.readUser(user, { vectors: ["mf"] });
          if (row?.version !== "v1" || !row.known) failures.push(`${user}: ${JSON.stringify(row?.version)}`);
          reads++;
        } catch (error) {
          failures.push(`${user}: ${(error as Error).message}`);
        }
      }
    })();
    const k = store.keys;
    const slots = await Promise.all(
      [k.live, k.meta("v1"), k.candidates("v1", k.shardOf(users[0]!))].map((key) => cluster.keySlot(key)),
    );
    for (const slot of slots) {
      const owner = await cluster.ownerOf(slot);
      await cluster.migrateSlot(slot, cluster.ports.find((p) => p !== owner)!);
      expect(await cluster.ownerOf(slot)).not.toBe(owner);
    }
    const after = reads;
    await expect.poll(() => reads, { timeout: 10_000 }).toBeGreaterThan(after + 100);
    stop = true;
    await reading;
    expect(failures).toEqual([]);
    // Writes follow too: an update lands in the live version on the slot's new master.
    await store.updateLiveUser({ userId: users[0]!, vectors: { mf: Float32Array.of(7, 7) } });
    expect(Array.from((await reader.readUser(users[0]!, { vectors: ["mf"] }))!.vectors["mf"]!)).toEqual([
      7, 7,
    ]);
    await reader.close();
    await store.close();
  }, 60_000);
});
