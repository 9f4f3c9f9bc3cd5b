export * from "./mf/index.js";
export * from "./registry.js";
export * from "./sources/index.js";
export * from "./vector/index.js";
