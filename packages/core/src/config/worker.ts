import { z } from "zod";

/** The precompute queues a worker can serve. */
export const WORKER_QUEUES = [
  "embed-items",
  "update-user",
  "precompute-candidates",
  "train-cf",
  "publish",
] as const;

/** The worker process: which queues it serves and how many jobs at once. Owned by services/worker. */
export const workerConfigSchema = z
  .object({
    concurrency: z.number().int().positive().default(2).describe("Jobs processed at once per queue."),
    // A comma-separated string, not an array: the environment loader parses arrays as numbers.
    queues: z
      .string()
      .default(WORKER_QUEUES.join(","))
      .refine(
        (s) => s.split(",").every((q) => (WORKER_QUEUES as readonly string[]).includes(q.trim())),
        `comma-separated subset of ${WORKER_QUEUES.join(", ")}`,
      )
      .describe("Queues this worker process serves, comma-separated (default: all of them)."),
    attempts: z
      .number()
      .int()
      .positive()
      .default(5)
      .describe("Tries per job before it fails for good (exponential backoff between tries)."),
    backoffMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe("First retry delay; doubles on every further try."),
    lockDurationMs: z
      .number()
      .int()
      .positive()
      .default(30_000)
      .describe("Job lock; a worker that dies loses it and the job is retried after the stalled check."),
    stalledIntervalMs: z
      .number()
      .int()
      .positive()
      .default(30_000)
      .describe("How often workers look for jobs whose worker died (stalled jobs)."),
    chunkSize: z
      .number()
      .int()
      .positive()
      .default(500)
      .describe("Users per precompute-candidates job in the nightly run."),
    embedBatchSize: z
      .number()
      .int()
      .positive()
      .default(256)
      .describe("Items per embed-items job in the nightly run."),
    compute: z
      .enum(["tandem", "baseline"])
      .default("tandem")
      .describe(
        "What the queues run: the Tandem model (ALS + sources + USE-lite + fusion), or `baseline` (ItemKNN + popularity candidates, random-projection vectors, hashing text vectors): cheap, for queue-mechanics tests.",
      ),
    healthPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(8081)
      .describe(
        "Port of the worker's /healthz (liveness) and /readyz (Redis) endpoints; 0 picks a free port. If the port is taken (a second worker on the host), a free one is used and logged.",
      ),
    healthHost: z
      .string()
      .default("127.0.0.1")
      .describe("Interface the health endpoints bind; `0.0.0.0` for a probe from outside the host (k8s)."),
    updateDelayMs: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe("update-user jobs wait this long so a burst of events for a user becomes one job."),
  })
  .prefault({});

export type WorkerConfig = z.infer<typeof workerConfigSchema>;
