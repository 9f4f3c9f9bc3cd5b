import { z } from "zod";

/** Recall stage settings (matrix factorization, candidate sources). Owned by @tandem/recall. */
export const recallConfigSchema = z
  .object({
    factors: z.number().int().positive().default(64).describe("Latent dimension of the MF models."),
    maxEpochs: z.number().int().positive().default(30).describe("Upper bound on training epochs."),
    patience: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe("Early stopping: epochs without validation NDCG@10 gain."),
  })
  .prefault({});
