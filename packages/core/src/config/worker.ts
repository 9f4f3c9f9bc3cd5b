import { z } from "zod";

/** The worker process: which queues it serves and how many jobs at once. Owned by services/worker. */
export const workerConfigSchema = z
  .object({
    concurrency: z.number().int().positive().default(2).describe("Jobs processed at once per queue."),
  })
  .prefault({});
