import { z } from "zod";

const scoredItem = z.object({
  itemId: z.string(),
  score: z.number(),
  sources: z.array(z.string()).describe("Which recall sources proposed the item."),
  explanation: z
    .record(z.string(), z.number())
    .optional()
    .describe("Each signal's contribution to the score (explain: true)."),
});
const items = z.array(scoredItem);

/** Response bodies by route: the server serialises with them, the client's types come from them. */
export const responses = {
  recommend: z.object({
    userId: z.string(),
    version: z.string(),
    mode: z
      .enum(["precomputed", "fresh", "cold-start", "fallback"])
      .describe(
        "fallback: a known user not precomputed (inactive); popularity now, personalised on a later request.",
      ),
    items,
  }),
  rank: z.object({ userId: z.string(), version: z.string(), items, unknownItems: z.array(z.string()) }),
  similar: z.object({ itemId: z.string(), version: z.string(), items }),
  ingest: z.object({ accepted: z.number(), duplicates: z.number(), unknownItems: z.array(z.string()) }),
  eraseUser: z.object({ erased: z.boolean() }),
  health: z.object({ status: z.literal("ok") }),
  ready: z.object({ status: z.literal("ready"), version: z.string() }),
};

export type Responses = { [K in keyof typeof responses]: z.output<(typeof responses)[K]> };
export type ScoredItem = z.output<typeof scoredItem>;

/**
 * The JSON Schema of a response, for fastify's compiled serializer (fast-json-stringify: faster than
 * JSON.stringify, and it writes only the declared fields).
 */
export function responseJsonSchema(route: keyof typeof responses): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(responses[route], { io: "output" });
  return schema;
}
