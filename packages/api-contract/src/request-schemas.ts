import type { TandemConfig } from "@tandem/core";
import { z } from "zod";

const id = z.string().min(1).max(256);
const explain = z
  .boolean()
  .default(false)
  .describe("Per-signal explanations; they reveal the user's recent items, so they need an admin key.");

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/**
 * Request schemas; limits come from the config so operators can tune them. The server validates with
 * them, the OpenAPI document and the gRPC service are built from them, @tandem/client takes its types from them.
 */
export function requestSchemas(api: TandemConfig["api"]) {
  const k = z.number().int().min(1).max(api.maxK);
  return {
    recommend: z.strictObject({
      userId: id,
      k: k.default(10),
      exclude: z.array(id).max(api.maxRankItems).optional(),
      filter: z
        .strictObject({
          anyTags: z.array(z.string()).max(50).optional(),
          noTags: z.array(z.string()).max(50).optional(),
        })
        .optional(),
      diversity: z.number().min(0).max(1).optional(),
      popularityPenalty: z.number().min(0).max(1).optional(),
      explain,
    }),
    rank: z.strictObject({
      userId: id,
      itemIds: z.array(id).min(1).max(api.maxRankItems),
      k: k.optional(),
      explain,
    }),
    /** Path parameters naming a user or an item: the same limit as in bodies. */
    idParams: z.strictObject({ id }),
    similarQuery: z.strictObject({ k: z.coerce.number().int().min(1).max(api.maxK).default(10) }),
    events: z.strictObject({
      events: z
        .array(
          z.strictObject({
            userId: id,
            itemId: id,
            value: z.number().finite().min(-api.eventMaxAbsValue).max(api.eventMaxAbsValue).optional(),
            timestamp: z
              .number()
              .min(api.eventMinTimestamp, `Unix seconds, not before ${iso(api.eventMinTimestamp)}`)
              .refine(
                (t) => t <= Date.now() / 1000 + api.eventMaxFutureSeconds,
                `Unix seconds, at most ${api.eventMaxFutureSeconds} s in the future`,
              )
              .optional(),
            kind: z.string().min(1).max(64).optional(),
            eventId: z
              .string()
              .min(1)
              .max(128)
              .optional()
              .describe("Client id of the event: a retry with the same userId and eventId is stored once."),
          }),
        )
        .min(1)
        .max(api.maxEventsPerRequest),
    }),
  };
}

export type RequestSchemas = ReturnType<typeof requestSchemas>;

/** What a caller sends (defaults not yet applied), by route. */
export type RecommendInput = z.input<RequestSchemas["recommend"]>;
export type RankInput = z.input<RequestSchemas["rank"]>;
export type EventsInput = z.input<RequestSchemas["events"]>;
export type EventInput = EventsInput["events"][number];
