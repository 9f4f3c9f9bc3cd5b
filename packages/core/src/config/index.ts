export * from "./load.js";
export * from "./recall.js";
export * from "./semantic.js";
