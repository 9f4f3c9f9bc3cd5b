// The Redis feature store's parts; RedisFeatureStore (../redis-feature-store.ts) puts them together.
export * from "./event-log.js";
export * from "./garbage-collector.js";
export * from "./item-reads.js";
export * from "./item-writes.js";
export * from "./lua-commands.js";
export * from "./map-limit.js";
export * from "./redis-errors.js";
export * from "./store-context.js";
export * from "./user-reads.js";
export * from "./user-writes.js";
export * from "./version-lifecycle.js";
export * from "./version-resolver.js";
