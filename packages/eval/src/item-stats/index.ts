export * from "./cosine-neighbors.js";
export * from "./cosine-rows.js";
export * from "./cosine-threads.js";
export * from "./item-occurrences.js";
export * from "./neighbor-lists.js";
export * from "./shared-item-stats.js";
export * from "./sparse-scores.js";
export * from "./transition-neighbors.js";
