export * from "./candidate-features.js";
export * from "./features.js";
export * from "./fusion-scorer.js";
export * from "./listwise-trainer.js";
export * from "./pipeline/index.js";
export * from "./standardizer.js";
export * from "./version-layout.js";
