export * from "./graph-model.js";
export * from "./matmul.js";
export * from "./runtime.js";
