import type { TandemConfig } from "@tandem/core";
import { z } from "zod";
import { RequestValidationError } from "./http-errors.js";

const id = z.string().min(1).max(256);

/** Request schemas; limits come from the config so operators can tune them. Also the OpenAPI source. */
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
      explain: z.boolean().optional(),
    }),
    rank: z.strictObject({
      userId: id,
      itemIds: z.array(id).min(1).max(api.maxRankItems),
      k: k.optional(),
      explain: z.boolean().optional(),
    }),
    similarQuery: z.strictObject({ k: z.coerce.number().int().min(1).max(api.maxK).default(10) }),
    events: z.strictObject({
      events: z
        .array(
          z.strictObject({
            userId: id,
            itemId: id,
            value: z.number().finite().optional(),
            timestamp: z.number().finite().positive().optional(),
            kind: z.string().min(1).max(64).optional(),
          }),
        )
        .min(1)
        .max(api.maxEventsPerRequest),
    }),
  };
}

export type RequestSchemas = ReturnType<typeof requestSchemas>;

/** Parses or throws a RequestValidationError listing every field problem. */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new RequestValidationError(
    result.error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message })),
  );
}
