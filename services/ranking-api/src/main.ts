/**
 * The ranking API process. Serves the live version of the configured feature store: Redis when
 * REDIS_URL / TANDEM_STORE_REDIS_URL is set (production; events schedule BullMQ update-user jobs),
 * else an empty in-memory store (use `tandem serve` for the embedded all-in-one).
 */
import { loadConfig } from "@tandem/core";
import { PipelineQueues, UserUpdateScheduler } from "@tandem/pipeline";
import { StoreRankingEngine } from "@tandem/serving";
import { createFeatureStore, redisUrlFrom } from "@tandem/store";
import { Redis } from "ioredis";
import { buildApp } from "./app.js";

const config = loadConfig();
const store = createFeatureStore(config);
const url = redisUrlFrom(config);
const closers: (() => Promise<unknown>)[] = [() => store.close()];
let scheduleUpdates = async (_users: string[]) => {};
if (url !== null) {
  const queues = new PipelineQueues({
    connection: url,
    namespace: config.store.namespace,
    attempts: config.worker.attempts,
    backoffMs: config.worker.backoffMs,
  });
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const scheduler = new UserUpdateScheduler(redis, queues.keys, queues, config.worker.updateDelayMs);
  scheduleUpdates = (users) => scheduler.schedule(users);
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
});
const app = buildApp({ config, engine, logger: { level: config.api.logLevel } });
await app.listen({ host: config.api.host, port: config.api.port });

const stop = async () => {
  await app.close();
  for (const close of closers) await close().catch(() => {});
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
