import { z } from "zod";
import type { RequestSchemas } from "./schemas.js";

const json = (schema: z.ZodType) => ({
  "application/json": { schema: z.toJSONSchema(schema, { io: "input" }) },
});
const errors = {
  "400": { description: "Invalid request; `issues` lists every offending field." },
  "401": { description: "Missing or wrong `x-api-key`." },
  "413": { description: "Body larger than the configured limit." },
  "503": { description: "The feature store is unavailable; retry later." },
};

/** The OpenAPI 3.1 description, generated from the same zod schemas that validate requests. */
export function openApiDocument(schemas: RequestSchemas) {
  const secured = [{ apiKey: [] }];
  return {
    openapi: "3.1.0",
    info: { title: "Tandem ranking API", version: "1" },
    components: { securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "x-api-key" } } },
    paths: {
      "/v1/recommend": {
        post: {
          summary:
            "Top-k items for a user (with per-signal explanations when `explain: true`). Unknown users get a cold-start answer.",
          requestBody: { required: true, content: json(schemas.recommend) },
          responses: { "200": { description: "Ranked items." }, ...errors },
        },
      },
      "/v1/rank": {
        post: {
          summary: "Reranks the caller's own candidate items for a user; unknown item ids are reported.",
          requestBody: { required: true, content: json(schemas.rank) },
          responses: { "200": { description: "Ranked items and unknownItems." }, ...errors },
        },
      },
      "/v1/items/{id}/similar": {
        get: {
          summary: "Items most similar in meaning to an item.",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" } },
            { name: "k", in: "query", schema: { type: "integer", minimum: 1 } },
          ],
          responses: {
            "200": { description: "Similar items." },
            "404": { description: "Unknown item." },
            ...errors,
          },
        },
      },
      "/v1/events": {
        post: {
          summary: "Appends interaction events durably and schedules each user's profile update.",
          security: secured,
          requestBody: { required: true, content: json(schemas.events) },
          responses: { "202": { description: "Accepted." }, ...errors },
        },
      },
      "/v1/users/{id}": {
        delete: {
          summary:
            "Privacy erasure: removes the user's events, profile and candidates, and excludes them from later runs.",
          security: secured,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "Erased." }, ...errors },
        },
      },
      "/healthz": { get: { summary: "Liveness.", responses: { "200": { description: "Process is up." } } } },
      "/readyz": {
        get: {
          summary: "Readiness: the store answers and a version is live.",
          responses: { "200": { description: "Ready." }, ...errors },
        },
      },
      "/metrics": {
        get: { summary: "Prometheus metrics.", responses: { "200": { description: "Text exposition." } } },
      },
    },
  };
}
