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
    seq: z
      .boolean()
      .default(false)
      .describe(
        "Fit the sequential model (recall.seq) in the stages: its epochs early-stopped on the inner held-out items like MF, a recall source (recall.sources.quotaSeq) and the feature `seq` (user sequence state · item embedding, stored per version so /v1/rank derives it without a neural model).",
      ),
    textMf: z
      .boolean()
      .default(true)
      .describe(
        "Fit a text → MF-factor projection on each stage's history and add the feature `textMf` (user MF factor · projected item text): an MF-space score for items MF saw little or nothing of.",
      ),
  })
  .prefault({});
