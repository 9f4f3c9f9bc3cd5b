export * from "./api.js";
export * from "./load.js";
export * from "./nightly.js";
export * from "./recall.js";
export * from "./reference.js";
export * from "./semantic.js";
export * from "./store.js";
export * from "./worker.js";
