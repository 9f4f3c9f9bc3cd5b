import { z } from "zod";

/**
 * Gradient-boosted trees for the fusion (rerank.fusion = "gbdt"): a listwise softmax objective, Newton
 * leaf values, histogram splits. The tree count is early-stopped and `depths` × `learningRates` searched
 * on a seeded share of the fusion's own training users (never an evaluation item).
 */
const gbdtSchema = z
  .object({
    maxTrees: z.number().int().positive().default(300).describe("Upper bound on boosting rounds."),
    depths: z
      .array(z.number().int().min(1).max(8))
      .min(1)
      .default([2, 4])
      .describe("Tree depths searched on the inner validation users."),
    learningRates: z
      .array(z.number().positive().max(1))
      .min(1)
      .default([0.1])
      .describe("Shrinkage values searched on the inner validation users."),
    minLeaf: z
      .number()
      .positive()
      .default(20)
      .describe(
        "Least hessian mass in a leaf (softmax: ≈ positives' probability mass); smaller leaves are not split off.",
      ),
    l2: z.number().min(0).default(1).describe("L2 penalty λ on leaf values: value = -G / (H + λ)."),
    bins: z
      .number()
      .int()
      .min(2)
      .max(255)
      .default(32)
      .describe("Quantile bins per feature for the split search."),
    subsample: z
      .number()
      .positive()
      .max(1)
      .default(0.8)
      .describe("Share of training lists each tree sees (seeded)."),
    validationShare: z
      .number()
      .min(0.05)
      .max(0.5)
      .default(0.2)
      .describe("Share of fusion users held out to early-stop the trees and pick depth and learning rate."),
    base: z
      .enum(["none", "linear"])
      .default("linear")
      .describe(
        "What boosting starts from: 0, or the linear listwise fusion's score (the trees then fit what it misses; both are stored and explained). Linear: NDCG@10 +0.015 over trees alone (paired p 0.005, fusionCuts 5).",
      ),
    patience: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe("Rounds without a better validation loss before boosting stops."),
  })
  .prefault({});

/** The fusion (rerank) stage. Owned by @tandem/rerank. */
export const rerankConfigSchema = z
  .object({
    fusionUsers: z
      .number()
      .int()
      .positive()
      .default(20_000)
      .describe(
        "Users (a seeded sample) whose held-out items train the fusion; a 13-weight model needs thousands, not millions, and each example costs one candidate build.",
      ),
    stageThreads: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Worker threads for a stage fit's item-item lists and user profiles (0 = one per core; 1 = on the calling thread; small inputs always use one). Same results at any count.",
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
    fusionCuts: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(1)
      .describe(
        "Training examples per user: the last M positions of each history. The stages are fitted once without each user's last M items; a cut's user features come from the history before it (MF fold-in, profile, co-occurrence and next-item from that prefix), so no stage saw its target. 1 = the latest item only.",
      ),
    fusion: z
      .enum(["linear", "gbdt"])
      .default("linear")
      .describe(
        "Fusion model: a linear listwise softmax, or gradient-boosted trees with a listwise softmax objective.",
      ),
    gbdt: gbdtSchema,
  })
  .prefault({});

export type GbdtConfig = z.infer<typeof gbdtSchema>;
