export * from "./codec.js";
export * from "./create-feature-store.js";
export * from "./keys.js";
export * from "./memory-feature-store.js";
export * from "./redis-feature-store.js";
export * from "./types.js";
export * from "./version-codec.js";
