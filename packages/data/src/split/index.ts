export * from "./held-out.js";
export * from "./leave-one-out.js";
export * from "./ratio.js";
export * from "./split.js";
export * from "./temporal.js";
export * from "./tie-order.js";
