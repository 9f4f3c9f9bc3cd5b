export * from "./graph-model.js";
export * from "./runtime.js";
