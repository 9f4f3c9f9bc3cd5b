export * from "./backends.js";
export * from "./faiss-index.js";
export * from "./flat-index.js";
export * from "./flat-scan.js";
export * from "./gather-dots.js";
export * from "./usearch-index.js";
export * from "./vector-index.js";
