/**
 * Ranking API latency against its floor, on loopback with a real Redis holding ml-latest-small features
 * (Tandem trained on all interactions, 200 candidates per user). Cores pinned: the API and the floor
 * server on core 1 (`taskset -c 1`), this process (load generator) and redis-server on core 0.
 * The floor is a benchmark-only fastify route doing one Redis GET of a user-features-sized value and
 * sending it back: what any RPC in front of this Redis costs. Every table measures it in the same run.
 * BENCH_API_PROFILE=1 adds a `node --cpu-prof` run per route (summarised as "where the time goes");
 * BENCH_API_SAVE=<name> also stores the raw results as bench/results/api-<name>.json;
 * BENCH_API_RENDER=<name> only rewrites the section from such a file. A saved api-before.json (the
 * same harness on the code before issue 12) is shown below the current tables. The same API process
 * also serves gRPC for bench/results/grpc.md (gRPC next to HTTP, same load, from a generator process of
 * its own: bench/api/grpc-generator.ts); BENCH_API_GRPC_ONLY=1 runs only that one (about 3 minutes);
 * BENCH_API_GRPC_BLOCKS=<n> pairs of 1 s blocks per call (default 20), BENCH_API_GRPC_TRACE=1 prints each
 * block, BENCH_API_GRPC_CHANNELS=<n> spreads its gRPC calls over n connections (default 1),
 * BENCH_API_GRPC_CLIENT=grpc-js loads with grpc-js's client instead of bare node:http2 streams.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { loadConfig, Rng } from "@tandem/core";
import { loadDataset } from "@tandem/data";
import { writeTandemVersion } from "@tandem/nightly";
import { TandemRecommender } from "@tandem/rerank";
import { createCachedEncoder } from "@tandem/semantic";
import { RedisFeatureStore } from "@tandem/store";
import { freePort, TestRedis } from "@tandem/store/testing";
import autocannon from "autocannon";
import { type GeneratorSpec, grpcVsHttpInOwnProcess, runGenerator } from "./api/grpc-generator.js";
import { writeGrpcSection } from "./api/grpc-render.js";
import type { GrpcRow } from "./api/grpc-vs-http.js";
import { interleavedOpenLoop, openLoop, sequential, type Target } from "./api/load.js";
import { type ProfileSummary, summariseProfiles } from "./api/profile-summary.js";
import { type BenchData, type RunResult, render } from "./api/render.js";
import { PinnedServer, type Probe, pin } from "./api/servers.js";
import { machine, writeSection } from "./machine.js";
import { redisPid } from "./redis-info.js";

const root = join(import.meta.dirname, "..");
const results = join(import.meta.dirname, "results");
const config = loadConfig({}, {});
const title = "Ranking API latency against the floor (pinned cores, real Redis)";
const saved = (name: string) => {
  const file = join(results, `api-${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as BenchData) : null;
};
if (process.env["BENCH_API_RENDER"]) {
  writeSection("api", title, render(saved(process.env["BENCH_API_RENDER"])!, saved("before")));
  process.exit(0);
}
/** Ends a BENCH_API_GRPC_ONLY run early, through the same clean-up. */
class GrpcOnlyDone extends Error {}

const redis = await TestRedis.start({ allowExternal: false });
const store = new RedisFeatureStore({ redis: redis.url, namespace: "bench" });
const servers: PinnedServer[] = [];
let disposeEncoder: () => unknown = () => {};
const SEQ_S = 5;
const LOAD_S = Number(process.env["BENCH_API_SECONDS"] ?? 10);
const GRPC_ONLY = process.env["BENCH_API_GRPC_ONLY"] === "1";
const RATE = 500;
const GRPC_BLOCKS = Number(process.env["BENCH_API_GRPC_BLOCKS"] ?? 20);

try {
  process.stderr.write("training Tandem on ml-latest-small and publishing to Redis ...\n");
  const dataset = await loadDataset(join(root, config.data.dir), config.data);
  const encoder = await createCachedEncoder({
    ...config.semantic,
    cacheDir: join(root, config.semantic.cacheDir),
  });
  disposeEncoder = () => encoder.dispose?.();
  const model = new TandemRecommender({ config, encoder: async () => encoder });
  await model.fit({ history: dataset.interactions, dataset, seed: 42 });
  await writeTandemVersion(store, "bench", dataset, model.stages, model.fusion!, { keep: 200 });
  await store.publish("bench");

  // Load generator and redis-server on core 0; servers on core 1.
  pin(process.pid, 0);
  pin(await redisPid(store), 0);

  // The floor's value: the bytes /v1/recommend needs of a user (candidates, scalars, MF vector).
  const users = dataset.users.ids();
  const sample = (await store.getUserFeatures(users[0]!))!;
  const cols = sample.columns.length;
  const floorBytes =
    8 +
    sample.candidates!.items.length * 4 * (1 + cols) +
    JSON.stringify(sample.scalars).length +
    sample.vectors["mf"]!.length * 4;
  await store.redis.set("bench-floor", Buffer.alloc(floorBytes, 7));

  const hasBuild = existsSync(join(root, "scripts/build.mjs"));
  if (hasBuild) execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
  const runtimes: Record<string, string[]> = hasBuild
    ? {
        compiled: [join(root, "services/ranking-api/dist/main.js")],
        tsx: ["--import", "tsx", join(root, "services/ranking-api/src/main.ts")],
      }
    : { tsx: ["--import", "tsx", join(root, "services/ranking-api/src/main.ts")] };
  const main = Object.keys(runtimes)[0]!;
  const apiEnv = (port: number) => ({
    REDIS_URL: redis.url,
    TANDEM_STORE_NAMESPACE: "bench",
    TANDEM_API_PORT: String(port),
  });
  const startApi = async (runtime: string, extra: string[] = [], env: Record<string, string> = {}) => {
    const port = await freePort();
    const s = await PinnedServer.start(
      1,
      [...extra, ...runtimes[runtime]!],
      { ...apiEnv(port), ...env },
      port,
    );
    servers.push(s);
    return s;
  };
  const floorPort = await freePort();
  const floor = await PinnedServer.start(
    1,
    [join(import.meta.dirname, "api/floor-server.mjs")],
    { REDIS_URL: redis.url, FLOOR_KEY: "bench-floor", PORT: String(floorPort) },
    floorPort,
  );
  servers.push(floor);

  const items = dataset.items.ids();
  const rng = new Rng(1);
  const pick = <T>(xs: readonly T[]) => xs[rng.int(xs.length)]!;
  const routes = {
    floor: { path: "/floor", body: () => ({ userId: pick(users), k: 10 }) },
    recommend: { path: "/v1/recommend", body: () => ({ userId: pick(users), k: 10 }) },
    rank100: {
      path: "/v1/rank",
      body: () => ({ userId: pick(users), itemIds: Array.from({ length: 100 }, () => pick(items)), k: 10 }),
    },
    rank300: {
      path: "/v1/rank",
      body: () => ({ userId: pick(users), itemIds: Array.from({ length: 300 }, () => pick(items)), k: 10 }),
    },
  };
  type Route = keyof typeof routes;
  const target = (s: PinnedServer, r: Route): Target => ({ base: s.base, ...routes[r] });
  const warm = (t: Target) => openLoop(t, 1000, 2);
  const throughput = async (t: Target) => {
    const r = await autocannon({
      url: `${t.base}${t.path}`,
      method: "POST",
      duration: LOAD_S,
      connections: 16,
      headers: { "content-type": "application/json" },
      requests: [{ setupRequest: (q) => ({ ...q, body: JSON.stringify(t.body()) }) }],
    });
    return { rps: r.requests.average, errors: r.errors + r.timeouts + r.non2xx };
  };

  const probes = async <T>(work: () => Promise<T>, api: PinnedServer): Promise<[T, Probe, Probe]> => {
    api.resetProbe();
    floor.resetProbe();
    const out = await work();
    return [out, await api.readProbe(), await floor.readProbe()];
  };
  // Each route is measured interleaved with the floor (alternate requests when sequential, alternate
  // 1 s blocks under load), so both see the same moments of a shared machine.
  const measure = async (runtime: string): Promise<RunResult> => {
    const api = await startApi(runtime);
    const out: RunResult = { sequential: [], loaded: [], throughput: [] };
    const fl = target(floor, "floor");
    for (const r of ["recommend", "rank100", "rank300"] as Route[]) {
      process.stderr.write(`[${runtime}] sequential ${r}\n`);
      await warm(target(api, r));
      const [[stats, floorStats], probe] = await probes(() => sequential([target(api, r), fl], SEQ_S), api);
      out.sequential.push({ route: r, stats: stats!, floor: floorStats!, probe: probe });
    }
    for (const r of ["recommend", "rank100", "rank300"] as Route[]) {
      process.stderr.write(`[${runtime}] ${RATE} req/s ${r}\n`);
      const [[stats, floorStats], probe] = await probes(
        () => interleavedOpenLoop([target(api, r), fl], RATE, LOAD_S),
        api,
      );
      out.loaded.push({ route: r, stats: stats!, floor: floorStats!, probe });
    }
    for (const [r, s] of [
      ["floor", floor],
      ["recommend", api],
    ] as const) {
      process.stderr.write(`[${runtime}] max throughput ${r}\n`);
      s.resetProbe();
      const t = await throughput(target(s, r));
      const { cpuUs } = await s.readProbe();
      out.throughput.push({ route: r, ...t, cpuUsPerRequest: cpuUs / (t.rps * LOAD_S) });
    }
    await api.stop();
    return out;
  };
  const runs: Record<string, RunResult> = {};
  if (!GRPC_ONLY) for (const runtime of Object.keys(runtimes)) runs[runtime] = await measure(runtime);

  process.stderr.write(`[${main}] gRPC next to HTTP at ${RATE} req/s, ${GRPC_BLOCKS} block pairs per call\n`);
  const loadAverage = loadavg()[0]!;
  if (process.env["BENCH_API_GRPC_TRACE"] === "1")
    process.stderr.write(`main process heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB\n`);
  const distinct = (body: () => Record<string, unknown>) => Array.from({ length: 4 * RATE }, body);
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const spec: GeneratorSpec = {
    api: {
      nodeArgs: runtimes[main]!,
      env: { ...apiEnv(httpPort), TANDEM_API_GRPC_PORT: String(grpcPort) },
      port: httpPort,
      grpcPort,
    },
    calls: {
      "recommend k=10": {
        http: "/v1/recommend",
        grpc: "Recommend",
        bodies: distinct(routes.recommend.body),
      },
      "rank 100 items": { http: "/v1/rank", grpc: "Rank", bodies: distinct(routes.rank100.body) },
    },
    load: {
      rate: RATE,
      blocks: GRPC_BLOCKS,
      channels: Number(process.env["BENCH_API_GRPC_CHANNELS"] ?? 1),
      client: process.env["BENCH_API_GRPC_CLIENT"] === "grpc-js" ? "grpc-js" : "raw",
    },
    trace: process.env["BENCH_API_GRPC_TRACE"] === "1",
  };
  // BENCH_API_GRPC_IN_PROCESS=1: the generator in this process (with the model), as before, to compare.
  const grpc: GrpcRow[] =
    process.env["BENCH_API_GRPC_IN_PROCESS"] === "1"
      ? await runGenerator(spec)
      : grpcVsHttpInOwnProcess(spec, join(root, "scratch"));
  writeGrpcSection(grpc, RATE, GRPC_BLOCKS, loadAverage);
  if (GRPC_ONLY) throw new GrpcOnlyDone();

  const profiles: Record<string, ProfileSummary> = {};
  const save = () => {
    const data: BenchData = {
      date: new Date().toISOString(),
      machine: machine(),
      floorBytes,
      main,
      runs,
      profiles,
      grpc,
      settings: { seqSeconds: SEQ_S, loadSeconds: LOAD_S, rate: RATE },
    };
    if (process.env["BENCH_API_SAVE"])
      writeFileSync(
        join(results, `api-${process.env["BENCH_API_SAVE"]}.json`),
        JSON.stringify(data, null, 1),
      );
    return data;
  };
  save();
  if (process.env["BENCH_API_PROFILE"]) {
    for (const r of ["recommend", "rank100", "rank300"] as Route[]) {
      process.stderr.write(`[${main}] cpu profile ${r}\n`);
      const dir = join(results, "profiles", r);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const api = await startApi(main, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
      await warm(target(api, r));
      await throughput(target(api, r));
      await api.stop();
      profiles[r] = summariseProfiles(dir);
    }
  }
  const data = save();
  const before = saved("before");
  writeSection("api", title, render(data, before));
} catch (error) {
  if (!(error instanceof GrpcOnlyDone)) throw error;
} finally {
  for (const s of servers) await s.stop().catch(() => {});
  await store.close();
  await redis.stop();
  // The encoder's worker threads would keep the process alive.
  await disposeEncoder();
}
