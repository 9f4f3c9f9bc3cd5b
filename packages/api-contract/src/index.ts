export * from "./admin.js";
export * from "./errors.js";
export * from "./request-schemas.js";
export * from "./response-schemas.js";
export * from "./routes.js";
