export * from "./baselines/item-knn.js";
export * from "./baselines/popularity.js";
export * from "./evaluate.js";
export * from "./metrics.js";
export * from "./protocol.js";
export * from "./recommender.js";
export * from "./top-k.js";
