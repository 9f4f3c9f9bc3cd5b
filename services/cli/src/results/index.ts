export * from "./readme-tables.js";
export * from "./result-files.js";
