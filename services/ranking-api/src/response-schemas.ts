/**
 * JSON Schemas of the ranking responses: fastify compiles them into serializers (fast-json-stringify),
 * which is faster than JSON.stringify and writes only the declared fields.
 */
const scoredItem = {
  type: "object",
  required: ["itemId", "score", "sources"],
  properties: {
    itemId: { type: "string" },
    score: { type: "number" },
    sources: { type: "array", items: { type: "string" } },
    explanation: { type: "object", additionalProperties: { type: "number" } },
  },
} as const;

const items = { type: "array", items: scoredItem } as const;

export const responseSchemas = {
  recommend: {
    type: "object",
    required: ["userId", "version", "mode", "items"],
    properties: {
      userId: { type: "string" },
      version: { type: "string" },
      mode: { type: "string", enum: ["precomputed", "fresh", "cold-start"] },
      items,
    },
  },
  rank: {
    type: "object",
    required: ["userId", "version", "items", "unknownItems"],
    properties: {
      userId: { type: "string" },
      version: { type: "string" },
      items,
      unknownItems: { type: "array", items: { type: "string" } },
    },
  },
  similar: {
    type: "object",
    required: ["itemId", "version", "items"],
    properties: { itemId: { type: "string" }, version: { type: "string" }, items },
  },
} as const;
