import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@tandem/core";
import { loadDataset } from "@tandem/data";
import type { JobEvent } from "@tandem/pipeline";
import { FEATURES } from "@tandem/rerank";
import { StoreRankingEngine } from "@tandem/serving";
import { RedisFeatureStore, shardsFor } from "@tandem/store";
import { TestRedis, TestRedisCluster } from "@tandem/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerApp } from "../src/worker-app.js";
import { copyLiveVersion } from "./copy-live-version.js";
import { RecommendPoller } from "./recommend-poller.js";

// The queued nightly on a real 3-master Redis Cluster: BullMQ under the {ns:bull} tag, the store sharded.
const ROOT = join(import.meta.dirname, "..", "..", "..");
let cluster: TestRedisCluster;
beforeAll(async () => {
  cluster = await TestRedisCluster.start();
}, 60_000);
afterAll(async () => {
  await cluster.stop();
});

describe("main.ts nightly on a Redis Cluster", () => {
  it("two workers publish once, two API replicas never mix versions across two publishes, keys spread, answers as on one Redis", async () => {
    const namespace = `${cluster.namespace}-nightly`;
    const tmp = mkdtempSync(join(tmpdir(), "tandem-cluster-"));
    const env: Record<string, string> = {
      REDIS_CLUSTER_NODES: cluster.nodes,
      TANDEM_STORE_NAMESPACE: namespace,
      TANDEM_DATA_DIR: join(ROOT, "data", "ml-latest-small"),
      TANDEM_DATA_MIN_USER_INTERACTIONS: "50",
      TANDEM_DATA_MIN_ITEM_INTERACTIONS: "50",
      TANDEM_NIGHTLY_RUNS_DIR: join(tmp, "runs"),
      TANDEM_SEMANTIC_CACHE_DIR: join(tmp, "cache"),
      TANDEM_WORKER_CHUNK_SIZE: "100",
      TANDEM_WORKER_HEALTH_PORT: "0",
    };
    const config = loadConfig({}, env);
    const users = (await loadDataset(config.data.dir, config.data)).users;
    const userIds = Array.from({ length: users.size }, (_, u) => users.id(u));
    const before = await cluster.keysPerNode();
    // Two workers on the same queues: each logs the jobs it ran.
    const jobs: JobEvent[][] = [[], []];
    const apps: WorkerApp[] = [];
    for (const log of jobs)
      apps.push(await WorkerApp.start(config, { env, log: (e) => log.push(e as JobEvent) }));
    const seeds = cluster.nodes.split(",");
    const open = () => new RedisFeatureStore({ redis: seeds, namespace, shards: shardsFor(config, seeds) });
    const store = open();
    // Two API replicas, each with its own store client, asking for a sample of users the whole time.
    const replicas = [open(), open()];
    const engines = replicas.map(
      // A generous deadline: this is about versions, and the nightly loads the two cores meanwhile.
      (s) => new StoreRankingEngine({ store: s, timeoutMs: 30_000, scheduleUpdates: async () => {} }),
    );
    const sample = userIds.filter((_, u) => u % 23 === 0);
    const polling = new RecommendPoller(engines, sample);
    let single: TestRedis | undefined;
    let singleStore: RedisFeatureStore | undefined;
    try {
      const { REDIS_URL: _, ...parentEnv } = process.env;
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(ROOT, "services", "worker", "src", "main.ts"), "nightly", "c1"],
        { cwd: ROOT, env: { ...parentEnv, ...env }, stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
      });
      expect(await new Promise((r) => child.once("exit", r))).toBe(0);
      expect(JSON.parse(out.trim().split("\n").at(-1)!)).toMatchObject({
        event: "nightly-finished",
        published: true,
      });
      await expect.poll(() => store.liveVersion(), { timeout: 240_000, interval: 250 }).toBe("c1");
      // Published exactly once, by exactly one publish job of one of the two workers.
      const done = jobs.map((log) => log.filter((e) => e.event === "completed"));
      const publishes = done.flat().filter((e) => e.queue === "publish");
      expect(publishes).toHaveLength(1);
      expect(jobs.flat().filter((e) => e.queue === "publish" && e.event === "failed")).toEqual([]);
      expect((await store.listVersions()).map((v) => [v.version, v.status])).toEqual([["c1", "live"]]);
      const byQueue = done.map((log) => {
        const counts: Record<string, number> = {};
        for (const e of log) counts[e.queue] = (counts[e.queue] ?? 0) + 1;
        return counts;
      });
      console.log(`two workers, completed jobs by queue: ${JSON.stringify(byQueue)}`);

      // Let both replicas answer from the published version for a few rounds.
      await expect
        .poll(() => polling.roundsSince("c1"), { timeout: 60_000, interval: 100 })
        .toBeGreaterThan(3);

      expect(await store.countUsers("c1")).toBe(207); // the 50-core slice
      const f = await store.getUserFeatures("1");
      expect(f!.columns).toEqual([...FEATURES]);
      expect(f!.candidates!.items.length).toBeGreaterThan(20);
      const engine = engines[0]!;
      const answer = await engine.recommend({ userId: "1", k: 5 });
      expect(answer.mode).toBe("precomputed");
      expect(answer.items).toHaveLength(5);

      const itemIds = await store.getItemIds();
      // The same version on one redis-server, written through the store API: the API answers the same.
      single = await TestRedis.start({ allowExternal: false });
      singleStore = new RedisFeatureStore({ redis: single.url, namespace: single.namespace });
      expect(await copyLiveVersion(store, singleStore, userIds)).toBe("c1");
      expect(await singleStore.countUsers("c1")).toBe(207);
      const onOne = new StoreRankingEngine({
        store: singleStore,
        timeoutMs: 2_000,
        scheduleUpdates: async () => {},
      });
      const requests = [
        ...userIds.map((userId) => ({ userId, k: 10 })),
        ...sample.map((userId) => ({ userId, k: 10, diversity: 0.3, popularityPenalty: 0.2, explain: true })),
        { userId: "never-seen", k: 10 },
      ];
      for (const request of requests)
        expect(await onOne.recommend(request)).toEqual(await engine.recommend(request));
      // The stored similar lists (the worker nightly writes them in train-cf), and the scan beyond their depth.
      const depth = ((await store.versionInfo("c1"))!.itemKinds["similar"] ?? 0) / 2;
      for (const itemId of itemIds.filter((_, i) => i % 37 === 0))
        for (const k of depth > 0 ? [depth, depth + 10] : [10, 30]) {
          const got = await onOne.similar(itemId, k);
          expect(got.items).toHaveLength(k);
          expect(got).toEqual(await engine.similar(itemId, k));
        }

      // Bytes per user of the published version (docs/scaling.md's capacity table is computed from it).
      const k = store.keys;
      const kinds = Object.keys((await store.versionInfo("c1"))!.userKinds);
      let userBytes = 0;
      for (const shard of k.allShards())
        for (const key of k.userHashes("c1", shard, kinds))
          userBytes += Number((await store.redis.call("MEMORY", "USAGE", key, "SAMPLES", "0")) ?? 0);
      const itemBytes = Number(
        await store.redis.call("MEMORY", "USAGE", k.itemVectors("c1", "text"), "SAMPLES", "0"),
      );
      console.log(
        `cluster memory: ${Math.round(userBytes / 207)} bytes/user in version c1 (${kinds.join("+")} vectors), ` +
          `text item vectors ${Math.round(itemBytes / (await store.getItemIds()).length)} bytes/item`,
      );
      const added = (await cluster.keysPerNode()).map((count, i) => count - before[i]!);
      const total = added.reduce((a, b) => a + b, 0);
      for (const count of added) expect(count / total).toBeLessThanOrEqual(0.5);
      // A second publish while the replicas keep asking: c2, c1 with every candidate list reversed, so
      // a read that mixed the two versions' pointers and data would return the wrong list for its label.
      const reversed = (list: { items: string[]; features: Float32Array }) => {
        const dim = list.features.length / list.items.length;
        const features = new Float32Array(list.features.length);
        for (let r = 0; r < list.items.length; r++)
          features.set(list.features.subarray(r * dim, (r + 1) * dim), (list.items.length - 1 - r) * dim);
        return { items: [...list.items].reverse(), features };
      };
      expect(await copyLiveVersion(store, store, userIds, { as: "c2", candidates: reversed })).toBe("c2");
      await expect
        .poll(() => polling.roundsSince("c2"), { timeout: 60_000, interval: 100 })
        .toBeGreaterThan(3);
      const answers = await polling.stop();
      expect((await store.listVersions()).map((v) => [v.version, v.status]).sort()).toEqual([
        ["c1", "retired"],
        ["c2", "live"],
      ]);

      // No answer mixes versions: each replica served nothing, then c1, then c2 (never back), and every
      // answer is its own version's candidates in stored order, read back for that explicit version.
      const expected = new Map<string, string[]>();
      for (const version of ["c1", "c2"])
        for (const userId of sample) {
          const row = await store.readUser(userId, { version });
          const top = [...row!.candidates!.indexes.subarray(0, 5)].map((i) => itemIds[i]!);
          expected.set(`${version}/${userId}`, top);
        }
      expect(expected.get(`c1/${sample[0]}`)).not.toEqual(expected.get(`c2/${sample[0]}`));
      const order = [null, "c1", "c2"];
      for (const [replica, list] of answers.entries()) {
        const steps = list.map((a) => order.indexOf(a.version));
        expect(
          steps.every((step, i) => step >= (steps[i - 1] ?? 0)),
          `replica ${replica} in order`,
        ).toBe(true);
        expect(new Set(steps), `replica ${replica} served each`).toEqual(new Set([0, 1, 2]));
        for (const a of list.filter((a) => a.version !== null)) {
          expect(a.response!.mode).toBe("precomputed");
          expect(a.response!.items.map((i) => i.itemId)).toEqual(expected.get(`${a.version}/${a.userId}`));
        }
      }
      const counts = answers.map((l) =>
        order.map((v) => `${l.filter((a) => a.version === v).length} ${v ?? "unavailable"}`).join(" + "),
      );
      console.log(`two API replicas during the nightly and a second publish: ${counts.join("; ")} answers`);
    } finally {
      await polling.stop();
      for (const app of apps) await app.stop();
      for (const s of [store, ...replicas]) await s.close();
      await singleStore?.close();
      await single?.stop();
    }
  }, 420_000);
});
