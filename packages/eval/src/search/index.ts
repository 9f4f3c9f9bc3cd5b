export * from "./searched-factory.js";
export * from "./space.js";
