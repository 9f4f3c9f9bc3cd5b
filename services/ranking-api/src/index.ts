export { type AppOptions, buildApp } from "./app.js";
export { openApiDocument } from "./openapi.js";
