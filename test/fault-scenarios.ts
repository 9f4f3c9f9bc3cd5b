/**
 * The fault scenarios, shared by the CI fault suite (faults.test.ts) and the fault benchmark
 * (bench/faults.bench.ts). Each runs real processes exactly as the README starts them (the `tandem`
 * CLI, the worker's main.ts) against a real redis-server, and returns what was lost: a scenario that
 * loses nothing returns an empty list.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PipelineQueues, QUEUE_NAMES, UserUpdateScheduler } from "@tandem/pipeline";
import { RedisFeatureStore } from "@tandem/store";
import type { TestRedis } from "@tandem/store/testing";

export const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "services", "cli", "bin", "tandem.mjs");
const WORKER = join(ROOT, "services", "worker", "src", "main.ts");

/** One scenario's world: its namespace, runs folder and environment (the encoder cache is shared). */
export interface FaultWorld {
  redis: TestRedis;
  namespace: string;
  runsDir: string;
  env: Record<string, string>;
}

export function faultWorld(redis: TestRedis, name: string, cacheDir: string): FaultWorld {
  const namespace = `${redis.namespace}-${name}`;
  const runsDir = join(mkdtempSync(join(tmpdir(), `tandem-fault-${name}-`)), "runs");
  return {
    redis,
    namespace,
    runsDir,
    env: {
      REDIS_URL: redis.url,
      TANDEM_STORE_NAMESPACE: namespace,
      // A dense 50-core slice of the bundled data (207 users), so a nightly takes seconds.
      TANDEM_DATA_DIR: join(ROOT, "data", "ml-latest-small"),
      TANDEM_DATA_MIN_USER_INTERACTIONS: "50",
      TANDEM_DATA_MIN_ITEM_INTERACTIONS: "50",
      TANDEM_NIGHTLY_RUNS_DIR: runsDir,
      TANDEM_SEMANTIC_CACHE_DIR: cacheDir,
      TANDEM_WORKER_HEALTH_PORT: "0",
      TANDEM_WORKER_UPDATE_DELAY_MS: "10",
      // The gate's metric is not under test here: small data changes must not flip it.
      TANDEM_NIGHTLY_REGRESSION_TOLERANCE: "1",
    },
  };
}

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
  /** Milliseconds from the command's last output to its exit. */
  exitLagMs: number;
}

/** `tandem <args>` as a child process; resolves when it exits (or `onSpawn` decides to kill it). */
export function tandem(world: FaultWorld, args: string[], onSpawn?: (child: ChildProcess) => void) {
  return new Promise<CliRun>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...world.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let last = performance.now();
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      last = performance.now();
    });
    child.stderr!.on("data", (c: Buffer) => {
      err += c.toString();
      last = performance.now();
    });
    child.once("exit", (code) => resolve({ code, out, err, exitLagMs: performance.now() - last }));
    onSpawn?.(child);
  });
}

/** The worker process as the README starts it (default config: the encoder's thread pool). */
export function startWorker(world: FaultWorld): { child: ChildProcess; logs: Record<string, unknown>[] } {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER], {
    cwd: ROOT,
    env: { ...process.env, ...world.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const logs: Record<string, unknown>[] = [];
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const l of lines) if (l.trim()) logs.push(JSON.parse(l) as Record<string, unknown>);
  });
  return { child, logs };
}

export async function stopWorker(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once("exit", r));
  child.kill("SIGTERM");
  return exited;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return false;
}

/** Sends a user new events as the API does (append, then schedule an update-user job). */
export async function sendEvents(world: FaultWorld, store: RedisFeatureStore, user: string, items: string[]) {
  const queues = new PipelineQueues({ connection: world.redis.url, namespace: world.namespace });
  try {
    const now = Math.floor(Date.now() / 1000);
    await store.appendEvents(
      items.map((item, i) => ({ user, item, value: 5, timestamp: now + i, kind: "rating" })),
    );
    await new UserUpdateScheduler(store.redis, store.keys, queues, 10).schedule([user]);
  } finally {
    await queues.close();
  }
}

/** Whether the worker refreshed `user` in the live version after `since` (ms). */
async function refreshedAfter(store: RedisFeatureStore, user: string, since: number, timeoutMs = 90_000) {
  return until(
    async () => ((await store.getUserFeatures(user))?.scalars["refreshedAt"] ?? 0) > since,
    timeoutMs,
  );
}

/** Every CLI run must exit within seconds of its last output (item: processes that exit). */
function exitCheck(run: CliRun, what: string, lost: string[]) {
  if (run.code !== 0) lost.push(`${what}: exit code ${run.code}: ${run.err.slice(-400)}`);
  if (run.exitLagMs > 5_000)
    lost.push(`${what}: exited ${Math.round(run.exitLagMs)} ms after its last output`);
}

/**
 * A worker started cold (it trains nothing) refreshes users; then an erasure, new users arriving
 * only as events, and a nightly on that data: the same worker, not restarted, refreshes users of the
 * new version, and the event-created user is served from the version, not cold-start.
 */
export async function coldWorkerAcrossNightlies(world: FaultWorld): Promise<string[]> {
  const lost: string[] = [];
  const store = new RedisFeatureStore({ redis: world.redis.url, namespace: world.namespace });
  const worker = startWorker(world);
  try {
    exitCheck(await tandem(world, ["nightly", "--run-id", "n1", "--quiet"]), "nightly n1", lost);
    if ((await store.liveVersion()) !== "n1") lost.push("nightly n1 did not publish");
    const items = (await store.getItemIds()).slice(0, 12);

    let t0 = Date.now();
    await sendEvents(world, store, "1", [items[11]!]);
    if (!(await refreshedAfter(store, "1", t0))) lost.push("cold worker: user 1 never refreshed");

    await store.deleteUser("2");
    await sendEvents(world, store, "fault-new", items.slice(0, 6));
    exitCheck(await tandem(world, ["nightly", "--run-id", "n2", "--quiet"]), "nightly n2", lost);
    if ((await store.liveVersion()) !== "n2") lost.push("nightly n2 did not publish");
    if (!(await store.getUserFeatures("fault-new"))?.candidates)
      lost.push("an event-created user fell back to cold-start after the nightly");
    if ((await store.getUserFeatures("2")) !== null) lost.push("the erased user is served after the nightly");

    t0 = Date.now();
    await sendEvents(world, store, "3", [items[10]!]);
    if (!(await refreshedAfter(store, "3", t0))) lost.push("worker without restart: user 3 never refreshed");
    const failed = worker.logs.filter((l) => l["event"] === "failed");
    if (failed.length > 0) lost.push(`${failed.length} failed jobs: ${JSON.stringify(failed[0])}`);
  } finally {
    if ((await stopWorker(worker.child)) !== 0) lost.push("the worker did not stop cleanly");
    await store.close();
  }
  return lost;
}

/**
 * A nightly killed during precompute, resumed with the same run id from a checkpoint that claims
 * precompute finished (the state the bug report found): the resumed run publishes a complete
 * version or refuses, never a half one.
 */
export async function killDuringPrecompute(world: FaultWorld): Promise<string[]> {
  const lost: string[] = [];
  const store = new RedisFeatureStore({ redis: world.redis.url, namespace: world.namespace });
  try {
    // Small store writes, so the kill lands between them.
    const env = { ...world, env: { ...world.env, TANDEM_NIGHTLY_PRECOMPUTE_BATCH: "20" } };
    const killed = await tandem(env, ["nightly", "--run-id", "k1", "--quiet"], (child) => {
      void until(async () => (await usersIn(store, "k1")) > 0, 300_000, 20).then(() => child.kill("SIGKILL"));
    });
    if (killed.code === 0) lost.push("the run finished before it could be killed");
    const stateFile = join(world.runsDir, "k1", "state.json");
    const state = JSON.parse(readFileSync(stateFile, "utf8"));
    state.steps.precompute ??= { seconds: 0, finishedAt: new Date().toISOString(), output: {} };
    writeFileSync(stateFile, JSON.stringify(state));
    const resumed = await tandem(env, ["nightly", "--run-id", "k1", "--quiet"]);
    exitCheck(resumed, "resumed nightly", lost);
    const live = await store.liveVersion();
    const users = await usersIn(store, "k1");
    if (live === "k1" && users !== 207) lost.push(`published a half version: ${users} of 207 users`);
    if (live !== "k1" && !/incomplete/.test(resumed.out)) lost.push("neither published nor refused");
  } finally {
    await store.close();
  }
  return lost;
}

/** Users with candidates in a version, read straight from Redis (independent of the store's API). */
const usersIn = (store: RedisFeatureStore, version: string) =>
  store.redis.hlen(store.keys.candidates(version)).catch(() => 0);

/** Everything under `dir` whose text names `user` as a JSON user id. */
function artifactsNaming(dir: string, user: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === "users.json") {
        if ((JSON.parse(readFileSync(path, "utf8")) as string[]).includes(user)) hits.push(path);
      } else if (entry.name.endsWith(".jsonl") && entry.name !== "erasures.jsonl") {
        const lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
        if (lines.some((l) => (JSON.parse(l) as { user?: string }).user === user)) hits.push(path);
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return hits;
}

/**
 * Erasure that lasts: a user with events and processed jobs is erased; a nightly runs; Redis
 * restarts EMPTY (no persistence); the next nightly must not bring them back, and no Redis key,
 * job record or run artifact may name them.
 */
export async function erasureSurvivesEmptyRedis(world: FaultWorld): Promise<string[]> {
  const lost: string[] = [];
  const victim = "4";
  let store = new RedisFeatureStore({ redis: world.redis.url, namespace: world.namespace });
  const worker = startWorker(world);
  try {
    exitCheck(await tandem(world, ["nightly", "--run-id", "e1", "--quiet"]), "nightly e1", lost);
    const items = (await store.getItemIds()).slice(0, 3);
    const t0 = Date.now();
    await sendEvents(world, store, victim, items);
    if (!(await refreshedAfter(store, victim, t0))) lost.push("setup: the victim was never refreshed");
    await store.deleteUser(victim);
    exitCheck(await tandem(world, ["nightly", "--run-id", "e2", "--quiet"]), "nightly e2", lost);
    const queues = new PipelineQueues({ connection: world.redis.url, namespace: world.namespace });
    try {
      for (const name of QUEUE_NAMES) {
        const jobs = await queues.queue(name).getJobs(["completed", "failed", "waiting", "delayed"]);
        const naming = jobs.filter((j) => JSON.stringify(j?.data ?? {}).includes(`"${victim}"`));
        if (naming.length > 0) lost.push(`${naming.length} ${name} job records still name the erased user`);
      }
    } finally {
      await queues.close();
    }
    if ((await stopWorker(worker.child)) !== 0) lost.push("the worker did not stop cleanly");

    await world.redis.restart(); // a new, empty server: no persistence
    await store.close();
    store = new RedisFeatureStore({ redis: world.redis.url, namespace: world.namespace });
    exitCheck(await tandem(world, ["nightly", "--run-id", "e3", "--quiet"]), "nightly e3", lost);
    if ((await store.liveVersion()) !== "e3") lost.push("nightly e3 did not publish");
    if ((await store.getUserFeatures(victim)) !== null) lost.push("the erased user was republished");
    if (!(await store.erasedUsers()).includes(victim)) lost.push("Redis forgot the erasure");
    // Every key of the namespace: control `{ns}:…`, shards `{ns:<s>}:…`, version slots `{ns:v:<V>}:…`.
    const keys = await store.redis.keys(`{${world.namespace}[}:]*`);
    const inKeys = keys.filter((k) => k.endsWith(`:${victim}`));
    if (inKeys.length > 0) lost.push(`Redis keys name the erased user: ${inKeys.join(", ")}`);
    for (const k of keys.filter((k) => k.endsWith(":cand") || k.includes(":uvec:") || k.endsWith(":scalars")))
      if (await store.redis.hexists(k, victim)) lost.push(`${k} holds the erased user`);
    const files = artifactsNaming(world.runsDir, victim);
    if (files.length > 0) lost.push(`run artifacts name the erased user: ${files.join(", ")}`);
  } finally {
    if (worker.child.exitCode === null) await stopWorker(worker.child);
    await store.close();
  }
  return lost;
}
