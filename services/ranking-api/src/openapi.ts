import { type RequestSchemas, responses } from "@tandem/api-contract";
import { z } from "zod";

const json = (schema: z.ZodType, io: "input" | "output" = "input") => ({
  "application/json": { schema: z.toJSONSchema(schema, { io }) },
});
/** A success answer with its body's schema (the one the server serialises with). */
const answer = (description: string, route: keyof typeof responses) => ({
  description,
  content: json(responses[route], "output"),
});
const errors = {
  "400": { description: "Invalid request; `issues` lists every offending field." },
  "401": { description: "UNAUTHORIZED: missing or unknown `x-api-key`." },
  "403": {
    description:
      "FORBIDDEN: the key's scope does not allow this (e.g. `explain: true` without an admin key).",
  },
  "413": { description: "Body larger than the configured limit." },
  "429": {
    description: "RATE_LIMITED: too many failed authentications from this client; see `retry-after`.",
  },
  "503": { description: "The feature store is unavailable; retry later (details are in the server log)." },
};

/** The OpenAPI 3.1 description, generated from the same zod schemas that validate requests. */
export function openApiDocument(schemas: RequestSchemas, openReads: boolean) {
  const secured = [{ apiKey: [] }];
  // Open reads: a key is optional (and needed, with the admin scope, for `explain: true`).
  const reads = openReads ? [{}, { apiKey: [] }] : secured;
  return {
    openapi: "3.1.0",
    info: { title: "Tandem ranking API", version: "1" },
    components: { securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "x-api-key" } } },
    paths: {
      "/v1/recommend": {
        post: {
          summary:
            "Top-k items for a user; per-signal explanations with `explain: true` (admin key). Unknown users get a cold-start answer.",
          security: reads,
          requestBody: { required: true, content: json(schemas.recommend) },
          responses: { "200": answer("Ranked items.", "recommend"), ...errors },
        },
      },
      "/v1/rank": {
        post: {
          summary: "Reranks the caller's own candidate items for a user; unknown item ids are reported.",
          security: reads,
          requestBody: { required: true, content: json(schemas.rank) },
          responses: { "200": answer("Ranked items and unknownItems.", "rank"), ...errors },
        },
      },
      "/v1/items/{id}/similar": {
        get: {
          summary: "Items most similar in meaning to an item.",
          security: reads,
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string", maxLength: 256 } },
            { name: "k", in: "query", schema: { type: "integer", minimum: 1 } },
          ],
          responses: {
            "200": answer("Similar items.", "similar"),
            "404": { description: "Unknown item." },
            ...errors,
          },
        },
      },
      "/v1/events": {
        post: {
          summary:
            "Appends interaction events durably (write key) and schedules each user's profile update. A retry with the same `eventId`s stores nothing twice.",
          security: secured,
          requestBody: { required: true, content: json(schemas.events) },
          responses: {
            "202": answer("`accepted` (stored now), `duplicates` (stored before), `unknownItems`.", "ingest"),
            "409": { description: "USER_ERASED: an event names an erased user; nothing was stored." },
            ...errors,
          },
        },
      },
      "/v1/users/{id}": {
        delete: {
          summary:
            "Privacy erasure (admin key): removes the user's events, profile and candidates, and excludes them from later runs.",
          security: secured,
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string", maxLength: 256 } },
          ],
          responses: { "200": answer("Erased.", "eraseUser"), ...errors },
        },
      },
      "/healthz": {
        get: { summary: "Liveness.", responses: { "200": answer("Process is up.", "health") } },
      },
      "/readyz": {
        get: {
          summary: "Readiness: the store answers and a version is live.",
          responses: { "200": answer("Ready.", "ready"), ...errors },
        },
      },
      "/metrics": {
        get: { summary: "Prometheus metrics.", responses: { "200": { description: "Text exposition." } } },
      },
      "/v1/admin/overview": {
        get: {
          summary:
            "The console's overview (admin key): live version and evaluation, versions, nightly runs (steps, running step with counts and ETA, gate decision, test metrics with 95% CIs), queue depths and failed jobs, Redis memory.",
          security: secured,
          responses: { "200": { description: "Overview." }, ...errors },
        },
      },
      "/v1/admin/users/{id}": {
        get: {
          summary:
            "A user's recent history (with titles) and precomputed candidates with their sources (admin key).",
          security: secured,
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string", maxLength: 256 } },
          ],
          responses: {
            "200": { description: "History and candidates." },
            "404": { description: "Unknown user." },
            ...errors,
          },
        },
      },
      "/v1/admin/titles": {
        get: {
          summary: "Titles of the live version's items (admin key), null for unknown ids.",
          security: secured,
          parameters: [
            {
              name: "ids",
              in: "query",
              schema: { type: "string" },
              description: "Comma-separated, at most 500.",
            },
          ],
          responses: { "200": { description: "Item id to title." }, ...errors },
        },
      },
      "/console": {
        get: {
          summary: "The operator's console (a static page; its reads need an admin key).",
          responses: { "200": { description: "HTML." } },
        },
      },
      "/openapi.json": {
        get: { summary: "This document.", responses: { "200": { description: "OpenAPI 3.1." } } },
      },
    },
  };
}
