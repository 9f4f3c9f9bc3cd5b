import { z } from "zod";

/** Feature store and queue connection settings. Owned by @tandem/store and @tandem/pipeline. */
export const storeConfigSchema = z
  .object({
    redisUrl: z
      .string()
      .nullable()
      .default(null)
      .describe("Redis URL (REDIS_URL also works). null = the embedded in-memory store, no queues."),
    namespace: z.string().min(1).default("tandem").describe("Key prefix, so several catalogues can share one Redis."),
  })
  .prefault({});
