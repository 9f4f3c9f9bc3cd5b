export * from "./leave-one-out.js";
export * from "./ratio.js";
export * from "./split.js";
export * from "./temporal.js";
