import { join } from "node:path";
import type { TandemConfig } from "@tandem/core";
import { ErasureLog } from "./erasure-log.js";
import { MemoryFeatureStore } from "./memory-feature-store.js";
import type { RedisTarget } from "./redis-client.js";
import { RedisFeatureStore } from "./redis-feature-store.js";
import type { FeatureStore } from "./types.js";

/** `store.redisUrl`, else the REDIS_URL environment variable, else null (embedded memory store). */
export function redisUrlFrom(config: TandemConfig, env: NodeJS.ProcessEnv = process.env): string | null {
  return config.store.redisUrl ?? env["REDIS_URL"] ?? null;
}

/**
 * Where Redis is: the cluster seed nodes (`store.clusterNodes`, else REDIS_CLUSTER_NODES, comma-separated)
 * when any, else the single URL of redisUrlFrom, else null (embedded memory store).
 */
export function redisTargetFrom(
  config: TandemConfig,
  env: NodeJS.ProcessEnv = process.env,
): RedisTarget | null {
  const fromEnv = (env["REDIS_CLUSTER_NODES"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const nodes = config.store.clusterNodes.length > 0 ? config.store.clusterNodes : fromEnv;
  return nodes.length > 0 ? nodes : redisUrlFrom(config, env);
}

/** Default shard counts: one Redis needs no spreading; on a cluster 128 tags keep every master near 1/M. */
export function shardsFor(config: TandemConfig, target: RedisTarget): number {
  return config.store.shards > 0 ? config.store.shards : typeof target === "string" ? 1 : 128;
}

/** The configured feature store: Redis (one or a cluster) when configured, the in-memory store otherwise. */
export function createFeatureStore(config: TandemConfig, env: NodeJS.ProcessEnv = process.env): FeatureStore {
  const target = redisTargetFrom(config, env);
  const { eventsMaxLenPerUser, retiredGraceMs, orphanGraceMs, encoding } = config.store;
  if (target === null)
    return new MemoryFeatureStore({ eventsMaxLenPerUser, retiredGraceMs, orphanGraceMs, encoding });
  return redisFeatureStoreFor(config, target);
}

/**
 * The Redis store as the config describes it (namespace, shards, stream caps, GC graces, encoding): the
 * one place every process (API, CLI, workers, sandboxed steps) opens it, so none writes another layout.
 */
export function redisFeatureStoreFor(config: TandemConfig, target: RedisTarget): RedisFeatureStore {
  const { namespace, eventsMaxLenPerUser, retiredGraceMs, orphanGraceMs, encoding } = config.store;
  return new RedisFeatureStore({
    redis: target,
    namespace,
    shards: shardsFor(config, target),
    eventsMaxLenPerUser,
    retiredGraceMs,
    orphanGraceMs,
    encoding,
  });
}

/** The configured durable erasure log (`store.erasureLog`, default `<nightly.runsDir>/erasures.jsonl`). */
export function erasureLogOf(config: TandemConfig): ErasureLog {
  return new ErasureLog(config.store.erasureLog || join(config.nightly.runsDir, "erasures.jsonl"));
}
