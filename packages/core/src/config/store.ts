import { z } from "zod";

/** Feature store and queue connection settings. Owned by @tandem/store and @tandem/pipeline. */
export const storeConfigSchema = z
  .object({
    redisUrl: z
      .string()
      .nullable()
      .default(null)
      .describe("Redis URL (REDIS_URL also works). null = the embedded in-memory store, no queues."),
    clusterNodes: z
      .array(z.string())
      .default([])
      .describe(
        "Redis Cluster seed nodes (`redis://host:port`, any subset of the masters; REDIS_CLUSTER_NODES, comma-separated, also works). Non-empty = the store, API and BullMQ use a cluster client; takes precedence over redisUrl.",
      ),
    shards: z
      .number()
      .int()
      .min(0)
      .max(4096)
      .default(0)
      .describe(
        "User shards (hash tags) of a namespace, spread over the cluster's slots. 0 = 1 on one Redis, 128 on a cluster. Fixed for a namespace's life (versions record it; a mismatch is refused).",
      ),
    namespace: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' and '-' only")
      .default("tandem")
      .describe("Key prefix, so several catalogues can share one Redis."),
    eventsMaxLenPerUser: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe(
        "Events kept per user stream (XADD MAXLEN ~): profiles only need recent history; each nightly carries the events it trained on forward in its data snapshot.",
      ),
    encoding: z
      .enum(["f32", "compact"])
      .default("compact")
      .describe(
        "How a new version stores each user: `compact` quantises candidate features per list and column (uint8, 0/1 flags as bits, u16 item indexes up to 65,536 items) and user vectors to int8, ~4x smaller; `f32` keeps raw float32. Readers decode both; a version keeps the encoding it was begun with.",
      ),
    erasureLog: z
      .string()
      .default("")
      .describe(
        "Durable erasure log outside Redis (append-only JSONL, fsynced); the nightly merges Redis's erasure set into it and applies the union. Empty: `<nightly.runsDir>/erasures.jsonl`.",
      ),
    retiredGraceMs: z
      .number()
      .int()
      .min(0)
      .default(3_600_000)
      .describe("A version replaced by a newer one is deleted this long after it stopped being live."),
    orphanGraceMs: z
      .number()
      .int()
      .min(0)
      .default(86_400_000)
      .describe("A version never published (crashed run) is deleted this long after it was started."),
  })
  .prefault({});

export type StoreConfig = z.infer<typeof storeConfigSchema>;
