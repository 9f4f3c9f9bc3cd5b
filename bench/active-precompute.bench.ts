/**
 * Precompute all users or only the active ones (nightly.precomputeActiveDays): the fraction of users
 * active in the last D days of the data (ml-latest-small as configured, and the synthetic ML-1M shape),
 * and Redis bytes per user of one version for a precomputed user (200 candidates × FEATURES, mf +
 * textProfile + textLast at the production dims) and for a deferred one (empty list + scalars), by
 * MEMORY USAGE on its own redis-server, and the precompute step's time with D = 0 and D = 30 (the same
 * fitted model). docs/scaling.md's comparison is computed from these figures.
 */
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, Rng } from "../packages/core/src/index.js";
import { loadDataset, parseShape, type UserItems, writeSynthetic } from "../packages/data/src/index.js";
import { activeUserFilter, lastEventAt } from "../packages/nightly/src/active-users.js";
import { writeTandemVersion } from "../packages/nightly/src/version-writer.js";
import {
  deferredUserRecord,
  FEATURES,
  TandemRecommender,
  versionKinds,
} from "../packages/rerank/src/index.js";
import { createCachedEncoder } from "../packages/semantic/src/index.js";
import { RedisFeatureStore, type UserRecord } from "../packages/store/src/index.js";
import { TestRedis } from "../packages/store/src/testing/redis-server.js";
import { writeSection } from "./machine.js";

const DAYS = [7, 30, 90, 365];
const USERS = 8_000; // per version: 500 users per shard hash, past the listpack limit (real shards are larger)
const SHARDS = 16;
const CANDIDATES = 200;
const MF = 64;
const TEXT = 512; // USE-lite, what the production compute stores
const fmt = (x: number, d = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

function activeShare(history: UserItems) {
  return DAYS.map((days) => {
    const active = activeUserFilter(history, days)!;
    let n = 0;
    for (let u = 0; u < history.numUsers; u++) if (active(u)) n++;
    return n;
  });
}

const config = loadConfig();
const small = await loadDataset(config.data.dir, config.data);
const synthDir = join(tmpdir(), `tandem-bench-ml1m-${process.pid}`);
await writeSynthetic({ shape: parseShape("ml-1m"), out: synthDir, seed: 1 });
const ml1m = await loadDataset(synthDir, { ...config.data, format: "auto" });
const shares = [
  { name: `ml-latest-small (${config.data.minUserInteractions}-core)`, data: small },
  { name: "synthetic ML-1M shape (seed 1)", data: ml1m },
].map(({ name, data }) => ({
  name,
  users: data.interactions.numUsers,
  active: activeShare(data.interactions),
}));

// --- bytes per user of one version ------------------------------------------------------------------
const server = await TestRedis.start({ allowExternal: false });
const store = new RedisFeatureStore({ redis: server.url, namespace: "bench", shards: SHARDS });
const rng = new Rng(11);
const itemIds = ml1m.items.ids();
const spec = { itemIds, columns: FEATURES, ...versionKinds(MF, TEXT, 50) };
const vec = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
const history = ml1m.interactions;
function fullRecord(u: number): UserRecord {
  const items = new Set<string>();
  while (items.size < CANDIDATES) items.add(itemIds[rng.int(itemIds.length)]!);
  return {
    userId: `user${u}`,
    candidates: { items: [...items], features: vec(CANDIDATES * FEATURES.length) },
    vectors: { mf: vec(MF + 1), textProfile: vec(TEXT), textLast: vec(TEXT) },
    scalars: { lastEventAt: lastEventAt(history, u % history.numUsers) },
  };
}
const deferred = (u: number) => deferredUserRecord(`user${u}`, lastEventAt(history, u % history.numUsers));

async function bytesPerUser(version: string, encoding: "f32" | "compact", make: (u: number) => UserRecord) {
  await store.beginVersion(version, { ...spec, encoding });
  const started = performance.now();
  for (let start = 0; start < USERS; start += 500)
    await store.writeUsers(
      version,
      Array.from({ length: 500 }, (_, i) => make(start + i)),
    );
  const seconds = (performance.now() - started) / 1000;
  let bytes = 0;
  for (const shard of store.keys.allShards())
    for (const key of store.keys.userHashes(version, shard, Object.keys(spec.userKinds)))
      bytes += Number((await store.redis.call("MEMORY", "USAGE", key, "SAMPLES", "0")) ?? 0);
  return { bytes: bytes / USERS, writesPerSecond: USERS / seconds };
}
const bytes = {
  f32: {
    full: await bytesPerUser("full-f32", "f32", fullRecord),
    lean: await bytesPerUser("deferred-f32", "f32", deferred),
  },
  compact: {
    full: await bytesPerUser("full-compact", "compact", fullRecord),
    lean: await bytesPerUser("deferred-compact", "compact", deferred),
  },
};

// --- the precompute step itself, all users vs active only (same fitted model, same Redis) -------------
const encoder = await createCachedEncoder(config.semantic);
const model = new TandemRecommender({ config, encoder: async () => encoder, progress: false });
await model.fit({ history: small.interactions, dataset: small, seed: config.eval.seed });
const timed: { days: number; users: number; precomputed: number; seconds: number }[] = [];
for (const days of [0, 30, 0, 30]) {
  const precompute = activeUserFilter(model.stages.history, days);
  const started = performance.now();
  const written = await writeTandemVersion(store, `pre-${timed.length}`, small, model.stages, model.fusion!, {
    keep: config.nightly.keepCandidates,
    batch: config.nightly.precomputeBatch,
    precompute,
  });
  const seconds = (performance.now() - started) / 1000;
  const precomputed = precompute ? small.users.ids().filter((_, u) => precompute(u)).length : written.users;
  timed.push({ days, users: written.users, precomputed, seconds });
}
await encoder.dispose?.();
await store.close();
await server.stop();

const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(" ");
const rows = shares.map(
  (s) =>
    `| ${s.name} | ${fmt(s.users)} | ${s.active.map((n) => `${fmt(n)} (${fmt((100 * n) / s.users, 1)}%)`).join(" | ")} |`,
);
writeSection(
  "active-precompute",
  "Precompute all users or only the active ones",
  `
Load average at the end: ${load} (shared machine). Active = last event within D days of the data's newest
event (\`nightly.precomputeActiveDays\`, packages/nightly/src/active-users.ts).

| data | users | D=${DAYS.join(" | D=")} |
|---|---:|${DAYS.map(() => "---:|").join("")}
${rows.join("\n")}

Bytes per user in one version, MEMORY USAGE of every per-user hash ÷ ${fmt(USERS)} users (${SHARDS} shards,
one redis-server): a precomputed user (${CANDIDATES} candidates × ${FEATURES.length} columns, mf ${MF + 1}-d,
textProfile and textLast ${TEXT}-d, lastEventAt; random values, the production shape) and a deferred one
(empty list + lastEventAt + marker), in each store encoding (\`store.encoding\`, default compact).

| encoding | precomputed bytes/user | deferred bytes/user | ratio | precomputed users/s written | deferred users/s written |
|---|---:|---:|---:|---:|---:|
${(["f32", "compact"] as const).map((e) => `| ${e} | ${fmt(bytes[e].full.bytes)} | ${fmt(bytes[e].lean.bytes)} | ${fmt(bytes[e].full.bytes / bytes[e].lean.bytes)} × | ${fmt(bytes[e].full.writesPerSecond)} | ${fmt(bytes[e].lean.writesPerSecond)} |`).join("\n")}

The precompute step (writeTandemVersion into the same redis-server, no similar lists, same fitted Tandem
model on ml-latest-small; runs alternate so load changes hit both):

| D | users | precomputed | seconds | users/s (all users) | precomputed users/s |
|---:|---:|---:|---:|---:|---:|
${timed.map((t) => `| ${t.days === 0 ? "0 (all)" : t.days} | ${fmt(t.users)} | ${fmt(t.precomputed)} | ${fmt(t.seconds, 2)} | ${fmt(t.users / t.seconds)} | ${fmt(t.precomputed / t.seconds)} |`).join("\n")}
`,
);
process.stdout.write(`${JSON.stringify({ shares, bytes, timed, load })}\n`);
