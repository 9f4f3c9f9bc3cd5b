export * from "./config/index.js";
export * from "./errors.js";
export * from "./id-map.js";
export * from "./progress.js";
export * from "./rng.js";
export * from "./spawn-worker.js";
export * from "./table.js";
export * from "./types.js";
