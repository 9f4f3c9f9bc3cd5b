export * from "./deadline.js";
export * from "./engine.js";
export * from "./item-vector-cache.js";
export * from "./post-process.js";
export * from "./refresh-requests.js";
export * from "./store-engine.js";
export * from "./version-context.js";
export * from "./version-switch.js";
