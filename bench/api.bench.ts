/**
 * Ranking API latency and throughput on loopback, against a real Redis holding ml-latest-small features
 * (Tandem trained on all interactions, 200 candidates per user). The API runs in its own process, as in
 * production; autocannon runs here. Starts its own redis-server.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { loadConfig, markdownTable, Rng } from "@tandem/core";
import { loadDataset } from "@tandem/data";
import { writeTandemVersion } from "@tandem/nightly";
import { TandemRecommender } from "@tandem/rerank";
import { createCachedEncoder } from "@tandem/semantic";
import { RedisFeatureStore } from "@tandem/store";
import { freePort, TestRedis } from "@tandem/store/testing";
import autocannon from "autocannon";
import { machine, writeSection } from "./machine.js";

const root = join(import.meta.dirname, "..");
const config = loadConfig({}, {});
const redis = await TestRedis.start({ allowExternal: false });
const store = new RedisFeatureStore({ redis: redis.url, namespace: "bench" });
let api: ChildProcess | null = null;

try {
  process.stderr.write("training Tandem on ml-latest-small and publishing to Redis ...\n");
  const dataset = await loadDataset(join(root, config.data.dir), config.data);
  const encoder = await createCachedEncoder({
    ...config.semantic,
    cacheDir: join(root, config.semantic.cacheDir),
  });
  const model = new TandemRecommender({ config, encoder: async () => encoder });
  await model.fit({ history: dataset.interactions, dataset, seed: 42 });
  await writeTandemVersion(store, "bench", dataset, model.stages, model.fusion!, { keep: 200 });
  await store.publish("bench");

  const port = await freePort();
  api = spawn(process.execPath, ["--import", "tsx", join(root, "services/ranking-api/src/main.ts")], {
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      TANDEM_STORE_NAMESPACE: "bench",
      TANDEM_API_PORT: String(port),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 200) throw new Error("ranking API did not become ready");
    await new Promise((r) => setTimeout(r, 100));
  }

  const users = dataset.users.ids();
  const items = dataset.items.ids();
  const rng = new Rng(1);
  const pick = <T>(xs: readonly T[]) => xs[rng.int(xs.length)]!;
  const bodies = {
    recommend: () => ({ userId: pick(users), k: 10 }),
    rank100: () => ({ userId: pick(users), itemIds: Array.from({ length: 100 }, () => pick(items)), k: 10 }),
    rank300: () => ({ userId: pick(users), itemIds: Array.from({ length: 300 }, () => pick(items)), k: 10 }),
  };
  const run = async (path: string, body: () => object, rate: number | undefined, seconds: number) => {
    // Warm-up: JIT, the version context, the item-vector paths.
    await autocannon({
      url: `${base}${path}`,
      method: "POST",
      duration: 2,
      connections: 4,
      headers: { "content-type": "application/json" },
      requests: [{ setupRequest: (r) => ({ ...r, body: JSON.stringify(body()) }) }],
    });
    const result = await autocannon({
      url: `${base}${path}`,
      method: "POST",
      duration: seconds,
      connections: rate ? 8 : 16,
      ...(rate ? { overallRate: rate } : {}),
      headers: { "content-type": "application/json" },
      requests: [{ setupRequest: (r) => ({ ...r, body: JSON.stringify(body()) }) }],
    });
    const errors = result.errors + result.timeouts + result.non2xx;
    return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, errors };
  };

  const rows: (string | number)[][] = [];
  for (const [name, path, body, rate] of [
    ["/v1/recommend (k=10, 200 candidates reranked)", "/v1/recommend", bodies.recommend, 500],
    ["/v1/rank, 100 candidates", "/v1/rank", bodies.rank100, 500],
    ["/v1/rank, 300 candidates", "/v1/rank", bodies.rank300, 500],
    ["/v1/recommend, max throughput (16 connections)", "/v1/recommend", bodies.recommend, undefined],
  ] as const) {
    process.stderr.write(`load: ${name}\n`);
    const r = await run(path, body, rate, 10);
    rows.push([name, rate ? `${rate} req/s` : "unbounded", r.p50, r.p99, Math.round(r.rps), r.errors]);
  }

  writeSection(
    "api",
    "Ranking API latency (loopback, real Redis)",
    `Setup: ml-latest-small features (610 users × 200 precomputed candidates, 3,650 items with 65-d MF and
512-d USE-lite vectors) in a redis-server started by the benchmark; the API (\`services/ranking-api\`) in its
own Node process; autocannon in the benchmark process, 10 s per row after a 2 s warm-up. All three share the
${machine().split(",")[0]}: the load generator competes with the server for the same two cores.
Users and item ids are drawn at random per request; /v1/rank items are mostly outside the user's candidates,
so their vectors are read from Redis (one HMGET per kind, sent together).

${markdownTable(["Route", "Offered load", "p50 ms", "p99 ms", "Achieved req/s", "Errors"], rows)}

Targets (issue 6): p99 ≤ 5 ms for 100 candidates and ≤ 10 ms for 300 at 500 req/s; /v1/recommend ≥ 2,000 req/s.`,
  );
} finally {
  api?.kill("SIGTERM");
  await store.close();
  await redis.stop();
}
