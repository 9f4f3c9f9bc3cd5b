/**
 * Redis bytes per precomputed user and decode cost per user row, f32 vs compact encoding, for the same
 * fitted models on real data (the dense 50-core slice of ml-latest-small that docs/scaling.md's figure
 * comes from; real encoder), plus how much the served answers move. Starts its own redis-server and pins
 * it to core 1 (this process runs where it is started: `taskset -c 0 pnpm bench store-compact`).
 */
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { loadConfig, Rng } from "../packages/core/src/index.js";
import { loadDataset } from "../packages/data/src/index.js";
import { writeTandemVersion } from "../packages/nightly/src/index.js";
import { TandemRecommender } from "../packages/rerank/src/index.js";
import { createCachedEncoder } from "../packages/semantic/src/index.js";
import { StoreRankingEngine } from "../packages/serving/src/index.js";
import { RedisFeatureStore, type StoreEncoding, VersionCodec } from "../packages/store/src/index.js";
import { TestRedis } from "../packages/store/src/testing/redis-server.js";
import { writeSection } from "./machine.js";

const ROOT = join(import.meta.dirname, "..");
const ENCODINGS = ["f32", "compact"] as const;
const config = loadConfig(
  {
    data: { dir: join(ROOT, "data", "ml-latest-small"), minUserInteractions: 50, minItemInteractions: 50 },
    semantic: { cacheDir: join(ROOT, ".tandem", "cache", "embeddings") },
  },
  {},
);
const fmt = (x: number, d = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" / ");

const loadAtStart = load();
const dataset = await loadDataset(config.data.dir, config.data);
const encoder = await createCachedEncoder(config.semantic);
const model = new TandemRecommender({ config, encoder: async () => encoder });
await model.fit({ history: dataset.interactions, dataset, seed: 7 });
const userIds = dataset.users.ids();

const server = await TestRedis.start({ allowExternal: false });
const pid = /process_id:(\d+)/.exec(
  execFileSync("redis-cli", ["-p", String(server.port), "info", "server"]).toString(),
)?.[1];
if (pid) execFileSync("taskset", ["-p", "-c", "1", pid], { stdio: "ignore" });
const stores = {} as Record<StoreEncoding, RedisFeatureStore>;
const rows: string[] = [];
try {
  const memory = {} as Record<StoreEncoding, { total: number; byHash: Record<string, number> }>;
  const decoders = {} as Record<StoreEncoding, (withVectors: boolean) => void>;
  const payloads = {} as Record<StoreEncoding, number>;
  for (const encoding of ENCODINGS) {
    const store = new RedisFeatureStore({ redis: server.url, namespace: `bench-${encoding}`, encoding });
    stores[encoding] = store;
    await writeTandemVersion(store, "v1", dataset, model.stages, model.fusion!, { keep: 200 });
    await store.publish("v1");
    const info = (await store.versionInfo("v1"))!;
    const kinds = Object.keys(info.userKinds);
    const byHash: Record<string, number> = {};
    const k = store.keys;
    const named: [string, string][] = [
      ["candidates", k.candidates("v1", 0)],
      ["scalars", k.scalars("v1", 0)],
      ...kinds.map((kind): [string, string] => [kind, k.userVectors("v1", kind, 0)]),
    ];
    // Every per-user hash of the version (k.userHashes), as docs/scaling.md counts them.
    assertSameKeys(new Set(named.map(([, key]) => key)), new Set(k.userHashes("v1", 0, kinds)));
    for (const [name, key] of named)
      byHash[name] = Number(await store.redis.call("MEMORY", "USAGE", key, "SAMPLES", "0")) / userIds.length;
    memory[encoding] = { total: Object.values(byHash).reduce((a, b) => a + b, 0), byHash };

    // Decode cost: the stored bytes of every user, decoded as readUser does (no Redis in the loop).
    const codec = new VersionCodec(info, await store.getItemIds());
    const raw = await Promise.all(
      userIds.map(async (u) => ({
        candidates: await store.redis.hgetBuffer(k.candidates("v1", 0), u),
        scalars: await store.redis.hgetBuffer(k.scalars("v1", 0), u),
        vectors: await Promise.all(
          kinds.map(
            async (kind): Promise<[string, Buffer | null]> => [
              kind,
              await store.redis.hgetBuffer(k.userVectors("v1", kind, 0), u),
            ],
          ),
        ),
      })),
    );
    const payload =
      raw.reduce((s, r) => s + r.candidates!.length + r.vectors.reduce((t, [, b]) => t + b!.length, 0), 0) /
      raw.length;
    decoders[encoding] = (withVectors) => {
      for (const r of raw) codec.decodeRow("v1", withVectors ? r : { ...r, vectors: [] });
    };
    payloads[encoding] = payload;
  }
  // Decode timing, the two encodings interleaved (the machine is shared): median of 15 rounds of 20 passes.
  const decode = {} as Record<StoreEncoding, { recommend: number; rank: number; payload: number }>;
  const rounds: Record<string, number[]> = {};
  for (let round = 0; round < 16; round++)
    for (const encoding of ENCODINGS)
      for (const withVectors of [false, true]) {
        const t = performance.now();
        for (let pass = 0; pass < 20; pass++) decoders[encoding](withVectors);
        const us = ((performance.now() - t) * 1000) / (20 * userIds.length);
        if (round > 0) (rounds[`${encoding}/${withVectors}`] ??= []).push(us); // round 0 warms up
      }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  for (const encoding of ENCODINGS)
    decode[encoding] = {
      recommend: median(rounds[`${encoding}/false`]!),
      rank: median(rounds[`${encoding}/true`]!),
      payload: payloads[encoding],
    };

  // What the answers lose: the same requests against both versions.
  const engines = ENCODINGS.map(
    (e) => new StoreRankingEngine({ store: stores[e], timeoutMs: 5_000, scheduleUpdates: async () => {} }),
  );
  const overlap = (a: { itemId: string }[], b: { itemId: string }[]) =>
    a.filter((x) => b.some((y) => y.itemId === x.itemId)).length / a.length;
  const rng = new Rng(5);
  const itemIds = await stores.f32.getItemIds();
  const same = { stored: 0, reordered: 0, rank: 0 };
  let worstScore = 0;
  for (const userId of userIds) {
    const [a, b] = await Promise.all(engines.map((e) => e.recommend({ userId, k: 10 })));
    if (a!.items.every((x, i) => x.itemId === b!.items[i]!.itemId)) same.stored++;
    a!.items.forEach((x, i) => {
      worstScore = Math.max(worstScore, Math.abs(x.score - b!.items[i]!.score));
    });
    const request = { userId, k: 10, popularityPenalty: 0.2, diversity: 0.3 };
    const [ra, rb] = await Promise.all(engines.map((e) => e.recommend(request)));
    same.reordered += overlap(ra!.items, rb!.items);
    const any = Array.from({ length: 50 }, () => itemIds[rng.int(itemIds.length)]!);
    const [xa, xb] = await Promise.all(engines.map((e) => e.rank({ userId, itemIds: any, k: 10 })));
    same.rank += overlap(xa!.items, xb!.items);
  }

  const f = memory.f32;
  const c = memory.compact;
  const hashRow = (name: string) => `| ${name} | ${fmt(f.byHash[name] ?? 0)} | ${fmt(c.byHash[name] ?? 0)} |`;
  rows.push(
    `Real data: the 50-core slice of ml-latest-small (${fmt(userIds.length)} users, ${fmt(itemIds.length)} items),`,
    `Tandem fitted once (seed 7, real encoder), written twice by writeTandemVersion (200 candidates × ${model.fusion!.names.length} feature`,
    "columns per user, user vectors mf 65 + textProfile 512 + textLast 512, scalars) into one redis-server 7.0 (no",
    "persistence, pinned to core 1; the bench on core 0). Bytes: `MEMORY USAGE <hash> SAMPLES 0` of every per-user hash",
    "÷ users, the method of docs/scaling.md's figure. Decode: VersionCodec.decodeRow of every user's stored bytes, no Redis",
    `in the loop, the two encodings interleaved, median of 15 rounds of 20 passes. Load average (1/5/15 min) at start ${loadAtStart}, at the end ${load()}.`,
    "",
    "| Redis bytes per user, by hash | f32 | compact |",
    "|---|---:|---:|",
    hashRow("candidates"),
    hashRow("mf"),
    hashRow("textProfile"),
    hashRow("textLast"),
    hashRow("scalars"),
    `| **total** | **${fmt(f.total)}** | **${fmt(c.total)}** (${fmt(f.total / c.total, 1)}× less) |`,
    `| stored payload (candidates + vectors) | ${fmt(decode.f32.payload)} | ${fmt(decode.compact.payload)} |`,
    "",
    "| Decode per user row (µs) | f32 | compact |",
    "|---|---:|---:|",
    `| candidates only (/v1/recommend) | ${fmt(decode.f32.recommend, 2)} | ${fmt(decode.compact.recommend, 2)} |`,
    `| candidates + 3 user vectors (/v1/rank) | ${fmt(decode.f32.rank, 2)} | ${fmt(decode.compact.rank, 2)} |`,
    "",
    `Answers, compact vs f32, over all ${fmt(userIds.length)} users: /v1/recommend k=10 identical lists for ${same.stored}`,
    `(candidates keep their stored order; worst score change ${worstScore.toFixed(4)}); with popularityPenalty 0.2 +`,
    `diversity 0.3 (every candidate re-scored) mean top-10 overlap ${(same.reordered / userIds.length).toFixed(4)};`,
    `/v1/rank of 50 random catalogue items (features of non-candidates from the int8 user vectors) mean top-10 overlap`,
    `${(same.rank / userIds.length).toFixed(4)}. Per-user bytes do not grow with the catalogue up to 65,536 items (u16`,
    "indexes; beyond, +400 bytes for u32).",
  );
  writeSection(
    "store-compact",
    "Feature store: compact encoding (bytes per user, decode cost)",
    rows.join("\n"),
  );
  process.stdout.write(`${rows.join("\n")}\n`);
} finally {
  for (const store of Object.values(stores)) await store.close();
  await server.stop();
}

function assertSameKeys<T>(got: Set<T>, want: Set<T>) {
  if (got.size !== want.size || [...got].some((x) => !want.has(x)))
    throw new Error(`per-user hashes changed: ${[...got]} vs ${[...want]}`);
}
