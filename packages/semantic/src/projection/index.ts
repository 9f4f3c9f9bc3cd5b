export * from "./text-to-mf.js";
