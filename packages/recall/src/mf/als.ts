import { availableParallelism } from "node:os";
import type { RecallConfig } from "@tandem/core";
import { Rng } from "@tandem/core";
import type { UserItems } from "@tandem/data";
import { AlsSolver } from "./als-solver.js";
import { type Bm25Stats, type ConfidenceParams, matrixConfidence } from "./confidence.js";
import { MfRecommender, type MfTrainer } from "./mf-recommender.js";

export const alsConfidence = (
  c: RecallConfig["als"],
  value: RecallConfig["valueWeighting"] = "none",
): ConfidenceParams & { reg: number } => ({
  alpha: c.alpha,
  weighting: c.weighting,
  value,
  k1: c.bm25K1,
  b: c.bm25B,
  reg: c.reg,
});

/** ALS state: small random factors (seeded), then one AlsSolver sweep per epoch. */
class AlsTrainer implements MfTrainer {
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
  readonly itemBias: Float32Array;
  private readonly solver: AlsSolver;

  constructor(history: UserItems, seed: number, bm25: Bm25Stats, config: RecallConfig) {
    const c = config.als;
    const k = c.factors;
    const rng = new Rng(seed);
    const confidence = matrixConfidence(history, alsConfidence(c, config.valueWeighting), bm25);
    this.solver = new AlsSolver(
      {
        rows: history.numUsers,
        cols: history.numItems,
        indptr: history.indptr,
        indices: history.items,
        values: confidence,
      },
      k,
      c.reg,
      c.cgSteps,
      c.threads === 0 ? availableParallelism() : c.threads,
      c.kernel,
    );
    // Same draws in the same order as ever, whether the tables are shared with worker threads or not.
    this.userFactors = this.solver.allocate("users");
    for (let i = 0; i < this.userFactors.length; i++) this.userFactors[i] = rng.normal() * 0.01;
    this.itemFactors = this.solver.allocate("items");
    for (let i = 0; i < this.itemFactors.length; i++) this.itemFactors[i] = rng.normal() * 0.01;
    this.itemBias = new Float32Array(history.numItems);
  }

  epoch(): Promise<void> {
    return this.solver.sweep(this.userFactors, this.itemFactors);
  }

  close(): Promise<void> {
    return this.solver.close();
  }
}

/**
 * What `tandem eval` searches for ALS on validation (around the defaults 64 / 4 / 0.5; factors stay
 * multiples of 4 for the WebAssembly kernel). Epochs are early-stopped inside each trial.
 */
export const ALS_SPACE = {
  factors: [32, 64, 128],
  reg: [0.5, 1, 2, 4, 8, 16],
  alpha: [0.125, 0.25, 0.5, 1, 2],
} as const;

/** `config` with the ALS hyperparameters in `tuned` (any of ALS_SPACE's names) in place of its own. */
export function withAlsTuned(config: RecallConfig, tuned?: Record<string, number | string>): RecallConfig {
  const own = Object.fromEntries(
    Object.keys(ALS_SPACE).flatMap((k) => (typeof tuned?.[k] === "number" ? [[k, tuned[k]]] : [])),
  );
  return Object.keys(own).length === 0 ? config : { ...config, als: { ...config.als, ...own } };
}

/**
 * `mf-als`: weighted matrix factorization for implicit feedback (Hu, Koren & Volinsky 2008). `tuned`
 * may carry `epochs` and any ALS_SPACE hyperparameter (what a search chose); the rest come from config.
 */
export function alsRecommender(given: RecallConfig, tuned?: Record<string, number | string>): MfRecommender {
  const config = withAlsTuned(given, tuned);
  const c = config.als;
  const epochs = tuned?.["epochs"];
  return new MfRecommender({
    name: "mf-als",
    algorithm: "als",
    dim: c.factors,
    maxEpochs: c.maxEpochs,
    patience: config.patience,
    minGain: config.minGain,
    validationUsers: config.validationUsers,
    ...(typeof epochs === "number" ? { epochs } : {}),
    hyperparameters: {
      ...c,
      ...(config.valueWeighting !== "none" && { valueWeighting: config.valueWeighting }),
    },
    foldIn: alsConfidence(c, config.valueWeighting),
    makeTrainer: (history, seed, bm25) => new AlsTrainer(history, seed, bm25, config),
  });
}
