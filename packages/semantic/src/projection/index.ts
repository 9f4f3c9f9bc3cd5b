export * from "./projection-calibration.js";
export * from "./text-to-mf.js";
export * from "./text-to-mf-ridge.js";
