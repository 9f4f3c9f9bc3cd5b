export * from "./ingest.js";
export * from "./model-artifacts.js";
export * from "./quality-gate.js";
export * from "./queued-nightly.js";
export * from "./run-nightly.js";
export * from "./run-state.js";
export * from "./tandem-compute.js";
export * from "./version-writer.js";
