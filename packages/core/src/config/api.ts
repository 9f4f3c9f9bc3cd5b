import { z } from "zod";

/** Words that mark a key as a placeholder copied from an example, never a real secret. */
const PLACEHOLDER = /change.?me|placeholder|example|replace.?me|your.?(api.?)?key|dummy|secret.?key|xxxx/i;

/** An API key: long, not a copied placeholder, not one character repeated. */
const apiKey = z
  .string()
  .min(16, "API keys must be at least 16 characters (use e.g. `openssl rand -hex 24`)")
  .refine((k) => !PLACEHOLDER.test(k), "looks like a placeholder key; set a random one")
  .refine((k) => new Set(k).size >= 6, "too weak: fewer than 6 distinct characters");

// Empty entries are dropped, so an unset `${VAR:-}` in compose means "no keys", not one empty key.
const keyList = z.preprocess(
  (v) => (Array.isArray(v) ? v.filter((k) => k !== "") : v),
  z.array(apiKey).default([]),
);

/** The ranking API process. Owned by services/ranking-api. */
export const apiConfigSchema = z
  .object({
    host: z.string().default("127.0.0.1").describe("Interface to listen on (0.0.0.0 in containers)."),
    port: z.number().int().min(0).max(65535).default(8080).describe("HTTP port; 0 picks a free one."),
    grpcPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .nullable()
      .default(null)
      .describe("gRPC port (proto/ranking.proto: Recommend, Rank, Similar, Ingest); null: no gRPC server."),
    readKeys: keyList.describe(
      "Keys (in `x-api-key`) of the read scope: /v1/recommend, /v1/rank, /v1/items/:id/similar.",
    ),
    writeKeys: keyList.describe("Keys of the write scope: POST /v1/events."),
    adminKeys: keyList.describe(
      "Keys of the admin scope: everything, including DELETE /v1/users/:id and `explain: true` (explanations reveal a user's recent items).",
    ),
    openReads: z
      .boolean()
      .default(true)
      .describe(
        "Serve the read routes without a key (explanations still need an admin key). The infra files set false.",
      ),
    authFailuresPerMinute: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe(
        "Failed-auth limit per client IP and minute; past it every keyed request from that IP gets 429 until the minute ends.",
      ),
    trustProxy: z
      .boolean()
      .default(false)
      .describe(
        "Behind a reverse proxy or ingress: take the client IP (for the failed-auth limit and logs) from X-Forwarded-For.",
      ),
    eventIdWindowMs: z
      .number()
      .int()
      .positive()
      .default(3_600_000)
      .describe(
        "How long a client `eventId` is remembered per user: a retry within this window is stored once. Costs ~140 bytes of Redis per remembered event.",
      ),
    eventMinTimestamp: z
      .number()
      .default(788_918_400)
      .describe("Oldest event timestamp accepted, Unix seconds (default 1995-01-01)."),
    eventMaxFutureSeconds: z
      .number()
      .min(0)
      .default(86_400)
      .describe("Event timestamps may be at most this far in the future (clock skew)."),
    eventMaxAbsValue: z
      .number()
      .positive()
      .default(1_000_000)
      .describe("Largest |value| an event may carry."),
    metricsTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe("Queue and version figures in /metrics are read on scrape and given up after this long."),
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
  .superRefine((api, ctx) => {
    // A key in two scopes would make its scope ambiguous.
    const seen = new Map<string, string>();
    for (const scope of ["readKeys", "writeKeys", "adminKeys"] as const) {
      api[scope].forEach((key, i) => {
        const other = seen.get(key);
        if (other && other !== scope)
          ctx.addIssue({ code: "custom", path: [scope, i], message: `the same key is also in ${other}` });
        seen.set(key, scope);
      });
    }
  })
  .prefault({});
