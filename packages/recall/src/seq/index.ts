export * from "./seq-artifacts.js";
export * from "./seq-loss.js";
export * from "./seq-model.js";
export * from "./seq-recommender.js";
export * from "./seq-source.js";
export * from "./seq-trainer.js";
export * from "./seq-weights.js";
export * from "./seq-windows.js";
