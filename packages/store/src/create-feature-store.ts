import { join } from "node:path";
import type { TandemConfig } from "@tandem/core";
import { ErasureLog } from "./erasure-log.js";
import { MemoryFeatureStore } from "./memory-feature-store.js";
import { RedisFeatureStore } from "./redis-feature-store.js";
import type { FeatureStore } from "./types.js";

/** `store.redisUrl`, else the REDIS_URL environment variable, else null (embedded memory store). */
export function redisUrlFrom(config: TandemConfig, env: NodeJS.ProcessEnv = process.env): string | null {
  return config.store.redisUrl ?? env["REDIS_URL"] ?? null;
}

/** The configured feature store: Redis when a URL is configured, the in-memory store otherwise. */
export function createFeatureStore(config: TandemConfig, env: NodeJS.ProcessEnv = process.env): FeatureStore {
  const url = redisUrlFrom(config, env);
  const { namespace, eventsMaxLenPerUser, retiredGraceMs, orphanGraceMs } = config.store;
  if (url === null) return new MemoryFeatureStore({ eventsMaxLenPerUser, retiredGraceMs, orphanGraceMs });
  return new RedisFeatureStore({ redis: url, namespace, eventsMaxLenPerUser, retiredGraceMs, orphanGraceMs });
}

/** The configured durable erasure log (`store.erasureLog`, default `<nightly.runsDir>/erasures.jsonl`). */
export function erasureLogOf(config: TandemConfig): ErasureLog {
  return new ErasureLog(config.store.erasureLog || join(config.nightly.runsDir, "erasures.jsonl"));
}
