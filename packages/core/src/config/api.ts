import { z } from "zod";

/** The ranking API process. Owned by services/ranking-api. */
export const apiConfigSchema = z
  .object({
    host: z.string().default("127.0.0.1").describe("Interface to listen on (0.0.0.0 in containers)."),
    port: z.number().int().min(0).max(65535).default(8080).describe("HTTP port; 0 picks a free one."),
    apiKeys: z
      .array(z.string().min(16))
      .default([])
      .describe(
        "Keys accepted in `x-api-key` for event and admin routes. Empty = those routes refuse everything.",
      ),
    bodyLimitBytes: z.number().int().positive().default(65_536).describe("Largest request body accepted."),
    maxK: z.number().int().positive().default(100).describe("Largest `k` a request may ask for."),
    maxRankItems: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe("Most item ids one /v1/rank call may send."),
    maxEventsPerRequest: z
      .number()
      .int()
      .positive()
      .default(500)
      .describe("Most events one /v1/events call may send."),
    logLevel: z
      .enum(["fatal", "error", "warn", "info", "debug"])
      .default("warn")
      .describe("Fastify log level; `info` logs every request (costly at thousands of requests/s)."),
    itemCacheMb: z
      .number()
      .min(0)
      .default(256)
      .describe(
        "MiB of item vectors kept in process per version, least recently used out (~2.3 KB per item at 512-d); a new version is prefetched whole when it fits.",
      ),
    storeTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(200)
      .describe("A request fails fast with 503 when the store does not answer within this time."),
  })
  .prefault({});
