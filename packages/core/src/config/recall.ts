import { z } from "zod";

/**
 * Alternating least squares (Hu, Koren & Volinsky 2008) on implicit feedback. Defaults tuned on the
 * ml-latest-small VALIDATION split (leave-one-out, NDCG@10): 64 factors, alpha 0.5, reg 4, no BM25 gave
 * 0.0445 at 7 sweeps (alpha 1: 0.043, alpha 4: 0.035); BM25 needed 128 factors for 0.042 at 4× the cost.
 */
const alsSchema = z
  .object({
    factors: z.number().int().positive().default(64).describe("Latent dimension of ALS."),
    reg: z
      .number()
      .min(0)
      .default(4)
      .describe("L2 regularisation λ added to the diagonal of every per-user/per-item solve."),
    alpha: z
      .number()
      .positive()
      .default(0.5)
      .describe("Confidence scale: c = 1 + alpha · w, with w the (BM25-weighted) interaction."),
    weighting: z
      .enum(["none", "bm25"])
      .default("none")
      .describe("Weighting of the binary matrix before the confidence transform."),
    bm25K1: z.number().positive().default(100).describe("BM25 saturation K1."),
    bm25B: z.number().min(0).max(1).default(0.8).describe("BM25 length normalisation B."),
    cgSteps: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe("Conjugate-gradient steps per solve (warm-started); 0 solves exactly by Cholesky."),
    maxEpochs: z.number().int().positive().default(15).describe("Upper bound on ALS sweeps."),
    threads: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Worker threads for the row solves (0 = one per core; 1 = on the calling thread). Same factors at any count.",
      ),
    kernel: z
      .enum(["wasm", "js"])
      .default("wasm")
      .describe(
        "Row-solve code: WebAssembly SIMD in float32 (~8× faster per row on this machine) or the JavaScript float64 reference. Factors not divisible by 4 and cgSteps 0 use js.",
      ),
  })
  .prefault({});

/** Bayesian personalised ranking (Rendle et al. 2009) with uniformly sampled negatives. */
const bprSchema = z
  .object({
    factors: z.number().int().positive().default(64).describe("Latent dimension of BPR."),
    lr: z.number().positive().default(0.05).describe("Learning rate (Adagrad on the touched rows)."),
    reg: z.number().min(0).default(0.0001).describe("L2 regularisation on the factors in each triple."),
    negatives: z
      .number()
      .int()
      .positive()
      .default(1)
      .describe("Sampled negative items per positive per epoch."),
    engine: z
      .enum(["typed", "tfjs"])
      .default("typed")
      .describe(
        "Gradient engine: TF.js customGrad, or the same gradient in typed-array loops (faster here).",
      ),
    batchSize: z.number().int().positive().default(4096).describe("Triples per TF.js gradient step."),
    maxEpochs: z.number().int().positive().default(60).describe("Upper bound on BPR epochs."),
  })
  .prefault({});

/**
 * SASRec-style sequential recommender (Kang & McAuley 2018): causal self-attention over a user's last
 * `maxLen` items, tied item embeddings, full softmax cross-entropy over the catalogue (Petrov &
 * Macdonald 2023 show full CE is what makes SASRec strong), early stopping on validation NDCG@10.
 */
const seqSchema = z
  .object({
    maxLen: z.number().int().positive().default(50).describe("Items of history the model attends over."),
    dim: z.number().int().positive().default(64).describe("Embedding and hidden width."),
    blocks: z.number().int().positive().default(2).describe("Self-attention blocks."),
    heads: z.number().int().positive().default(1).describe("Attention heads (must divide dim)."),
    dropout: z.number().min(0).max(0.9).default(0.2).describe("Dropout on embeddings and block outputs."),
    lr: z.number().positive().default(0.005).describe("Adam learning rate."),
    batchSize: z
      .number()
      .int()
      .positive()
      .default(32)
      .describe("Sequences per step; the logits are batchSize × maxLen × items floats."),
    windows: z
      .enum(["all", "one"])
      .default("all")
      .describe(
        "Training windows per epoch: 'all' covers every transition of every user once (consecutive maxLen windows, seeded phase); 'one' is one seeded crop per user (SASRec's original).",
      ),
    text: z
      .enum(["none", "add"])
      .default("add")
      .describe(
        "Item text in the model: 'add' makes every item's input and output vector its ID embedding plus a learned linear projection of its frozen text embedding (so a cold item gets a sequence-space vector from its text alone); 'none' uses ID embeddings only. 'add' by validation NDCG@10 (0.0849 vs 0.0771 on ml-latest-small loo); on test it is no worse (paired, p = 0.22 NDCG@10).",
      ),
    maxEpochs: z.number().int().positive().default(10).describe("Upper bound on epochs."),
    patience: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe("Early stopping: epochs without validation NDCG@10 gain."),
  })
  .prefault({});

/** Candidate sources and their merge. */
const sourcesSchema = z
  .object({
    quotaMf: z.number().int().min(0).default(100).describe("Candidates taken from the MF source."),
    quotaNext: z
      .number()
      .int()
      .min(0)
      .default(100)
      .describe("Candidates from the 'what comes next' source (items following the user's last items)."),
    quotaCooc: z.number().int().min(0).default(100).describe("Candidates from item co-occurrence."),
    quotaPop: z.number().int().min(0).default(50).describe("Candidates from global popularity."),
    quotaText: z
      .number()
      .int()
      .min(0)
      .default(50)
      .describe("Candidates from text similarity (the semantic stage's source; the cold-item path)."),
    quotaSeq: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Candidates from the sequential model (its user state against item embeddings), when the caller adds it as an extra source; 0 until a paired test shows it helps.",
      ),
    nextWindow: z
      .number()
      .int()
      .positive()
      .default(3)
      .describe("i → j counts when j comes within this many positions after i in a user's history."),
    recentItems: z
      .number()
      .int()
      .positive()
      .default(5)
      .describe("How many of the user's most recent items seed the next-item source (decaying weights)."),
    neighbors: z
      .number()
      .int()
      .positive()
      .default(100)
      .describe(
        "Neighbours kept per item for co-occurrence and next-item (sparse lists, built once per run).",
      ),
    pairHistoryCap: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Co-occurrence pairs come from each user's latest N items only (0 = all). Its cost is Σ min(|history|, N)²: a cap bounds the few very long histories that dominate it at size.",
      ),
    mfModel: z.enum(["als", "bpr"]).default("als").describe("MF model behind the MF source."),
    ann: z
      .enum(["auto", "flat", "usearch"])
      .default("usearch")
      .describe(
        "Vector index backend for MF retrieval; auto = exact flat up to exactMaxItems, else usearch HNSW.",
      ),
    textAnn: z
      .enum(["auto", "flat", "usearch"])
      .default("auto")
      .describe("Vector index backend for text recall (512-d: a flat scan per user does not scale)."),
    textQuantization: z
      .enum(["f32", "f16"])
      .default("f16")
      .describe(
        "How the usearch text index stores vectors. At 59,047 × 512 f16 answers a profile query in 0.39 ms against 0.66 with the same recall@50 (0.9405 vs 0.9399 of exact) and builds in 14 s against 23; feature scores stay float32.",
      ),
    exactMaxItems: z
      .number()
      .int()
      .positive()
      .default(20_000)
      .describe("Catalogues up to this size use the exact flat index where a backend is auto."),
  })
  .prefault({});

/** Recall stage settings (matrix factorization, candidate sources). Owned by @tandem/recall. */
export const recallConfigSchema = z
  .object({
    factors: z
      .number()
      .int()
      .positive()
      .default(64)
      .describe("Default latent dimension (vector indexes, tests)."),
    maxEpochs: z.number().int().positive().default(10).describe("Upper bound on training epochs."),
    validationUsers: z
      .number()
      .int()
      .positive()
      .default(3_000)
      .describe(
        "Per-epoch early stopping scores a fixed, seeded sample of at most this many validation users (full ranking costs users × items per epoch); the final numbers use every user.",
      ),
    patience: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe("Early stopping: epochs without validation NDCG@10 gain."),
    minGain: z
      .number()
      .min(0)
      .default(0.005)
      .describe(
        "MF early stopping: an epoch is a gain only when validation NDCG@10 beats the best so far by this share (0.005 = 0.5%). On a plateau the sampled NDCG moves by noise-sized steps that kept 25M-interaction fits running to the epoch cap; every fit after tuning trains the chosen count again.",
      ),
    valueWeighting: z
      .enum(["none", "linear", "log"])
      .default("none")
      .describe(
        "How an interaction's value (rating, play count) weights ALS confidence, ItemKNN/co-occurrence cosine, EASE and popularity: none (binary, the reference protocol), linear, or log(1 + value).",
      ),
    als: alsSchema,
    bpr: bprSchema,
    seq: seqSchema,
    sources: sourcesSchema,
  })
  .prefault({});

export type RecallConfig = z.infer<typeof recallConfigSchema>;
