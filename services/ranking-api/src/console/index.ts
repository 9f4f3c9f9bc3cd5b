export * from "./console-routes.js";
export * from "./runs-reader.js";
