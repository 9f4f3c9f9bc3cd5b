export * from "./candidate-builder.js";
export * from "./fusion-examples.js";
export * from "./item-stats.js";
export * from "./similar-items.js";
export * from "./stage-cache.js";
export * from "./stage-models.js";
export * from "./stage-parts.js";
export * from "./tandem-recommender.js";
