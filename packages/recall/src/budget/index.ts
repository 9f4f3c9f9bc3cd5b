export * from "./candidate-recall.js";
export * from "./quota-search.js";
export * from "./source-lists.js";
