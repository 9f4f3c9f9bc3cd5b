import type { RedisFeatureStore } from "@tandem/store";

/** The bench's redis-server process id (to pin it to a core), from INFO server. */
export async function redisPid(store: RedisFeatureStore): Promise<number> {
  return Number(/process_id:(\d+)/.exec(await store.redis.info("server"))![1]);
}

/** INFO used_memory, in bytes: deltas around a write give the bytes it stored. */
export async function usedMemory(store: RedisFeatureStore): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await store.redis.info("memory"))![1]);
}
