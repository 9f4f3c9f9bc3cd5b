export * from "./alias-table.js";
export * from "./catalogue.js";
export * from "./shapes.js";
export * from "./user-activity.js";
export * from "./user-sequence.js";
export * from "./vocabulary.js";
export * from "./write-synthetic.js";
