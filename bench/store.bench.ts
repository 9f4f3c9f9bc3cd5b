/**
 * Feature store and precompute benchmark: pipelined write throughput of candidate lists + profiles
 * for 100,000 synthetic users, Redis memory per user, getUserFeatures / getItemVectors latency from
 * one client, BullMQ jobs/s with a trivial processor, and users/s through the real
 * precompute-candidates queue. Starts its own redis-server (never a shared one).
 */
import { loadavg } from "node:os";
import { Rng } from "../packages/core/src/index.js";
import {
  type CandidateSource,
  PipelineQueues,
  PipelineWorkers,
  PrecomputeProcessors,
  Queue,
  Worker,
} from "../packages/pipeline/src/index.js";
import { RedisFeatureStore, type UserRecord, VersionCodec } from "../packages/store/src/index.js";
import { TestRedis } from "../packages/store/src/testing/redis-server.js";
import { peakRssMiB, writeSection } from "./machine.js";
import { usedMemory } from "./redis-info.js";

const USERS = 100_000;
const ITEMS = 20_000;
const CANDIDATES = 200;
const COLUMNS = ["mf", "pop", "cooc", "next", "textProfile", "textLast", "recency", "bias"];
const MF_DIMS = 64;
const TEXT_DIMS = 384;
const BATCH = 1000; // records per writeUsers call (pipelines of 500)
const LATENCY_REQUESTS = 20_000;

const rng = new Rng(7);
const itemIds = Array.from({ length: ITEMS }, (_, i) => `item${i}`);
const vec = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

/** A pool of distinct synthetic records, re-labelled per user (generation is not what we measure). */
const pool: Omit<UserRecord, "userId">[] = Array.from({ length: 256 }, () => {
  const items = new Set<string>();
  while (items.size < CANDIDATES) items.add(itemIds[rng.int(ITEMS)]!);
  return {
    candidates: { items: [...items], features: vec(CANDIDATES * COLUMNS.length) },
    vectors: { mf: vec(MF_DIMS), text: vec(TEXT_DIMS) },
    scalars: { lastEventAt: 1_700_000_000 + rng.int(1e7), events: rng.int(500) },
  };
});
const recordFor = (u: number): UserRecord => ({ userId: `user${u}`, ...pool[u % pool.length]! });

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const fmt = (x: number, d = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

const server = await TestRedis.start({ allowExternal: false });
const store = new RedisFeatureStore({ redis: server.url, namespace: "bench" });
const spec = {
  itemIds,
  columns: COLUMNS,
  itemKinds: { mf: MF_DIMS, text: TEXT_DIMS },
  userKinds: { mf: MF_DIMS, text: TEXT_DIMS },
};
const rows: string[] = [];
try {
  const load = loadavg()[0]!;
  // Reference ceiling: raw pipelined SETs of one user's payload size, no encoding, same conditions.
  const payload = Buffer.alloc(9000, 1);
  const r0 = performance.now();
  for (let start = 0; start < 20_000; start += 500) {
    const p = store.redis.pipeline();
    for (let j = 0; j < 500; j++) p.set(`{bench}:raw:${start + j}`, payload);
    await p.exec();
  }
  const rawSets = 20_000 / ((performance.now() - r0) / 1000);
  await store.redis.del(...Array.from({ length: 20_000 }, (_, i) => `{bench}:raw:${i}`));

  // 1. Item vectors (bulk HSET), then users, one writer, pipelined.
  const info = await store.beginVersion("v1", spec);
  // Node's share: validating and encoding the records alone.
  const codec = new VersionCodec(info, itemIds);
  const t0 = performance.now();
  for (let u = 0; u < USERS; u++) codec.encodeRecord(recordFor(u));
  const encodeOnly = USERS / ((performance.now() - t0) / 1000);
  let t = performance.now();
  await store.writeItemVectors("v1", "mf", itemIds, vec(ITEMS * MF_DIMS));
  await store.writeItemVectors("v1", "text", itemIds, vec(ITEMS * TEXT_DIMS));
  const itemSeconds = (performance.now() - t) / 1000;

  const before = await usedMemory(store);
  t = performance.now();
  for (let start = 0; start < USERS; start += BATCH) {
    await store.writeUsers(
      "v1",
      Array.from({ length: Math.min(BATCH, USERS - start) }, (_, j) => recordFor(start + j)),
    );
  }
  const oneWriter = USERS / ((performance.now() - t) / 1000);
  const bytesPerUser = ((await usedMemory(store)) - before) / USERS;
  await store.publish("v1");

  // 2. Two writers in one process (two batches in flight), into a second version.
  await store.beginVersion("v2", spec);
  t = performance.now();
  await Promise.all(
    [0, 1].map(async (w) => {
      for (let start = w * BATCH; start < USERS; start += 2 * BATCH) {
        await store.writeUsers(
          "v2",
          Array.from({ length: Math.min(BATCH, USERS - start) }, (_, j) => recordFor(start + j)),
        );
      }
    }),
  );
  const twoWriters = USERS / ((performance.now() - t) / 1000);

  // 3. Read latency from one client, sequential requests.
  for (let i = 0; i < 1000; i++) await store.getUserFeatures(`user${rng.int(USERS)}`); // warm-up
  const userLatency: number[] = [];
  let bytes = 0;
  for (let i = 0; i < LATENCY_REQUESTS; i++) {
    const s = performance.now();
    const f = await store.getUserFeatures(`user${rng.int(USERS)}`);
    userLatency.push(performance.now() - s);
    bytes += f!.candidates!.features.byteLength;
  }
  userLatency.sort((a, b) => a - b);
  const itemLatency: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const ids = Array.from({ length: CANDIDATES }, () => itemIds[rng.int(ITEMS)]!);
    const s = performance.now();
    await store.getItemVectors("text", ids);
    itemLatency.push(performance.now() - s);
  }
  itemLatency.sort((a, b) => a - b);
  // Dropping v2 (never published) only now: Redis frees it in a background thread, which would
  // compete with the latency measurements above for the 2 cores.
  await store.collectGarbage({ orphanGraceMs: 0 });

  // 4. BullMQ throughput with a trivial processor.
  const queues = new PipelineQueues({ connection: server.url, namespace: "bench" });
  const JOBS = 20_000;
  let done = 0;
  let allDone: () => void = () => {};
  const finished = new Promise<void>((r) => {
    allDone = r;
  });
  const worker = new Worker("trivial", async () => null, {
    connection: queues.connection,
    prefix: queues.prefix,
    concurrency: 50,
  });
  worker.on("completed", () => {
    if (++done === JOBS) allDone();
  });
  const trivial = new Queue("trivial", {
    connection: queues.connection,
    prefix: queues.prefix,
  });
  t = performance.now();
  for (let start = 0; start < JOBS; start += 1000) {
    await trivial.addBulk(
      Array.from({ length: 1000 }, (_, i) => ({
        name: "t",
        data: { i: start + i },
        opts: { removeOnComplete: true },
      })),
    );
  }
  await finished;
  const jobsPerSecond = JOBS / ((performance.now() - t) / 1000);
  await worker.close();
  await trivial.close();

  // 5. The real precompute-candidates processor through the queue (synthetic candidate source).
  const source: CandidateSource = {
    columns: COLUMNS,
    candidates: async (userIds) =>
      userIds.map((id) => ({ userId: id, ...pool[Number(id.slice(4)) % pool.length]! })),
  };
  const CHUNK = 1000;
  const parts = Array.from({ length: USERS / CHUNK }, (_, i) => `chunk:${i}`);
  await store.beginVersion("v3", { ...spec, parts });
  const workers = new PipelineWorkers({
    connection: server.url,
    prefix: queues.prefix,
    queues: ["precompute-candidates"],
    processors: new PrecomputeProcessors({ store, candidates: source, queues }),
    concurrency: 2,
    log: () => {},
  });
  t = performance.now();
  await queues.queue("precompute-candidates").addBulk(
    parts.map((part, i) => ({
      name: "chunk",
      data: {
        version: "v3",
        part,
        userIds: Array.from({ length: CHUNK }, (_, j) => `user${i * CHUNK + j}`),
      },
      opts: queues.jobOptions({ jobId: `v3.chunk.${i}` }),
    })),
  );
  while ((await store.missingParts("v3")).length > 0) await new Promise((r) => setTimeout(r, 20));
  const viaQueue = USERS / ((performance.now() - t) / 1000);
  await store.publish("v3");
  await workers.close();
  await queues.close();

  const perUserPayload = 8 + 4 * CANDIDATES + 4 * CANDIDATES * COLUMNS.length + 4 * (MF_DIMS + TEXT_DIMS);
  rows.push(
    `Synthetic: ${fmt(USERS)} users, ${fmt(ITEMS)} items; per user ${CANDIDATES} candidates × ${COLUMNS.length} float32 feature columns`,
    `+ profiles mf ${MF_DIMS} + text ${TEXT_DIMS} dims + 2 scalars = ${fmt(perUserPayload)} payload bytes. One redis-server 7`,
    `(no persistence) on the same machine; one Node client. Targets: precompute ≥ 5,000 users/s.`,
    `1-minute load average when the run started: ${fmt(load, 1)} (the machine is shared; throughput drops under load).`,
    "",
    "| measurement | result |",
    "|---|---:|",
    `| write users, 1 writer, ${BATCH} records per call (pipelined HSETs of 500) | **${fmt(oneWriter)} users/s** |`,
    `| write users, 2 batches in flight | ${fmt(twoWriters)} users/s |`,
    `| of which Node: validate + encode only (no Redis) | ${fmt(encodeOnly)} users/s |`,
    `| reference: raw pipelined SET of 9,000-byte values (Redis ceiling here, now) | ${fmt(rawSets)} keys/s |`,
    `| precompute-candidates through BullMQ (chunks of ${CHUNK}, concurrency 2, real processor) | ${fmt(viaQueue)} users/s |`,
    `| Redis memory per user (INFO used_memory delta / users) | ${fmt(bytesPerUser)} bytes (${fmt((bytesPerUser * USERS) / 2 ** 20)} MiB per 100k users) |`,
    `| item vectors write (${fmt(ITEMS)} × (${MF_DIMS} + ${TEXT_DIMS}) dims) | ${fmt(itemSeconds, 2)} s |`,
    `| getUserFeatures, 1 client, sequential (1 EVALSHA) p50 / p99 | ${fmt(pct(userLatency, 0.5), 3)} / ${fmt(pct(userLatency, 0.99), 3)} ms |`,
    `| getItemVectors of ${CANDIDATES} items (text, MULTI GET live + HMGET) p50 / p99 | ${fmt(pct(itemLatency, 0.5), 3)} / ${fmt(pct(itemLatency, 0.99), 3)} ms |`,
    `| BullMQ, trivial processor, concurrency 50, ${fmt(JOBS)} jobs added in bulks of 1000 | ${fmt(jobsPerSecond)} jobs/s |`,
    `| peak RSS of the bench process | ${fmt(peakRssMiB())} MiB |`,
    "",
    `Reads returned ${fmt(bytes / LATENCY_REQUESTS)} bytes of candidate features per request on average. Memory per user`,
    "exceeds the payload by the hash-entry overhead (4 fields per user: candidates, 2 profiles, scalars) and jemalloc",
    "rounding: a 7,208-byte candidate blob lands in the 8 KiB size class. A second batch in flight barely helps: the",
    "2 cores are shared by Node (encoding) and redis-server (single-threaded), which is the bottleneck; compare the",
    "write rate with the raw-SET ceiling measured in the same run (4 hash fields per user cost more than 1 SET).",
  );
  writeSection("store", "Feature store and precompute", rows.join("\n"));
  process.stdout.write(`${rows.join("\n")}\n`);
} finally {
  await store.close();
  await server.stop();
}
