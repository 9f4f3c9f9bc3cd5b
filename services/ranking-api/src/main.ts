/**
 * The ranking API process. Serves the live version of the configured feature store: Redis when
 * REDIS_URL / TANDEM_STORE_REDIS_URL is set (production; events schedule BullMQ update-user jobs),
 * else an empty in-memory store (use `tandem serve` for the embedded all-in-one).
 */
import { ConfigError } from "@tandem/core";
import { PipelineQueues, UserUpdateScheduler } from "@tandem/pipeline";
import { StoreRankingEngine } from "@tandem/serving";
import { createFeatureStore, erasureLogOf, openRedis, redisTargetFrom } from "@tandem/store";
import { buildApp } from "./app.js";
import { GrpcRankingServer } from "./grpc/index.js";
import { createMetrics } from "./metrics.js";
import { rankingOperations } from "./operations.js";
import { QueueStats } from "./queue-stats.js";
import { startupConfig } from "./startup-config.js";

/** Stops the process with the error's code and message (no stack trace) before the port opens. */
function configOrExit() {
  try {
    return startupConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`ranking-api: ${error.code}: ${error.message}\n`);
    process.exit(2);
  }
}

const config = configOrExit();
const store = createFeatureStore(config);
const url = redisTargetFrom(config);
const closers: (() => Promise<unknown>)[] = [() => store.close()];
let scheduleUpdates = async (_users: string[]) => {};
let queueStats: QueueStats | undefined;
if (url !== null) {
  const queues = new PipelineQueues({
    connection: url,
    namespace: config.store.namespace,
    attempts: config.worker.attempts,
    backoffMs: config.worker.backoffMs,
  });
  const redis = openRedis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const scheduler = new UserUpdateScheduler(redis, queues.keys, queues, config.worker.updateDelayMs);
  scheduleUpdates = (users) => scheduler.schedule(users);
  queueStats = new QueueStats(queues, redis);
  closers.push(
    () => queues.close(),
    () => redis.quit(),
  );
}
const engine = new StoreRankingEngine({
  store,
  timeoutMs: config.api.storeTimeoutMs,
  itemCacheMb: config.api.itemCacheMb,
  scheduleUpdates,
  eventIdWindowMs: config.api.eventIdWindowMs,
  erasureLog: erasureLogOf(config),
});
// One registry for both transports; failed figure reads go to the app's log once it exists.
let warn = (_source: string, _error: unknown) => {};
const metrics = createMetrics({
  timeoutMs: config.api.metricsTimeoutMs,
  log: (source, error) => warn(source, error),
  store,
  ...(queueStats && { queues: queueStats }),
});
const app = buildApp({
  config,
  engine,
  logger: { level: config.api.logLevel },
  store,
  metrics,
  // The console's queue depths and failed jobs (it showed "no queues" on Redis without this).
  ...(queueStats && { queues: queueStats }),
});
warn = (source, error) => app.log.warn({ err: error, source }, "metrics: figures not read");
for (const [scope, keys, refused] of [
  ["write", config.api.writeKeys, "POST /v1/events"],
  ["admin", config.api.adminKeys, "DELETE /v1/users/:id and explain: true"],
  ["read", config.api.openReads ? ["open"] : config.api.readKeys, "the read routes (api.openReads is false)"],
] as const) {
  if (keys.length === 0) app.log.warn(`no ${scope} keys configured: ${refused} refuse every request`);
}
await app.listen({ host: config.api.host, port: config.api.port });
if (config.api.grpcPort !== null) {
  const grpc = new GrpcRankingServer({
    config,
    ops: rankingOperations(engine, config.api, metrics),
    metrics,
  });
  const port = await grpc.listen(config.api.host, config.api.grpcPort);
  app.log.info(`gRPC on ${config.api.host}:${port}`);
  closers.unshift(() => grpc.close());
}

const stop = async () => {
  await app.close();
  for (const close of closers) await close().catch(() => {});
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
