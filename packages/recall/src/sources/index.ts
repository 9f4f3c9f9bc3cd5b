export * from "./candidate.js";
export * from "./cooccurrence-source.js";
export * from "./merge.js";
export * from "./mf-source.js";
export * from "./next-item-source.js";
export * from "./popularity-source.js";
export * from "./recall-merged-recommender.js";
export * from "./recall-pipeline.js";
