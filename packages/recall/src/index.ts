export * from "./budget/index.js";
export * from "./mf/index.js";
export * from "./registry.js";
export * from "./seq/index.js";
export * from "./sources/index.js";
export * from "./vector/index.js";
