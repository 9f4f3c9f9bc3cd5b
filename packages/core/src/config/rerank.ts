import { z } from "zod";

/** The fusion (rerank) stage. Owned by @tandem/rerank. */
export const rerankConfigSchema = z
  .object({
    fusionUsers: z
      .number()
      .int()
      .positive()
      .default(20_000)
      .describe(
        "Users (a seeded sample) whose held-out item trains the fusion; a 13-weight model needs thousands, not millions, and each example costs one candidate build.",
      ),
  })
  .prefault({});
