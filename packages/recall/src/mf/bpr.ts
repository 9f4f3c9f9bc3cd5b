import type { RecallConfig } from "@tandem/core";
import { Rng } from "@tandem/core";
import type { UserItems } from "@tandem/data";
import { tf } from "@tandem/tf";
import { alsConfidence } from "./als.js";
import { bprGradientsTyped, bprLossGradients, type BprTensor as T } from "./bpr-gradients.js";
import { MfRecommender, type MfTrainer } from "./mf-recommender.js";

/**
 * BPR state. Each step samples (user, positive, negative) triples in typed arrays, copies the touched
 * rows into dense batch tensors, and lets TF.js compute the loss softplus(−x̂_uij) + λ‖·‖² and its
 * gradients over those batch tensors (see `bprLossGradients`). The gradient is taken w.r.t. the
 * gathered rows, not the tables, because `tf.gather` has no gradient on the wasm backend; the row
 * gradients are then scattered back with per-row Adagrad in typed arrays.
 */
class BprTrainer implements MfTrainer {
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
  readonly itemBias: Float32Array;
  private readonly userAcc: Float32Array;
  private readonly itemAcc: Float32Array;
  private readonly biasAcc: Float32Array;
  private readonly sortedRows: Int32Array;
  private readonly rng: Rng;
  private readonly owner: Int32Array;
  private readonly grads: (xs: T[]) => T[];

  constructor(
    private readonly history: UserItems,
    seed: number,
    private readonly c: RecallConfig["bpr"],
  ) {
    const k = c.factors;
    this.rng = new Rng(seed);
    const rng = this.rng;
    this.userFactors = Float32Array.from({ length: history.numUsers * k }, () => rng.normal() * 0.1);
    this.itemFactors = Float32Array.from({ length: history.numItems * k }, () => rng.normal() * 0.1);
    this.itemBias = new Float32Array(history.numItems);
    this.userAcc = new Float32Array(this.userFactors.length);
    this.itemAcc = new Float32Array(this.itemFactors.length);
    this.biasAcc = new Float32Array(history.numItems);
    // Each user's items sorted by index, for O(log n) "is this a positive?" checks while sampling.
    this.sortedRows = history.items.slice();
    this.owner = new Int32Array(history.items.length);
    for (let u = 0; u < history.numUsers; u++) {
      this.sortedRows.subarray(history.indptr[u]!, history.indptr[u + 1]!).sort();
      this.owner.fill(u, history.indptr[u]!, history.indptr[u + 1]!);
    }
    this.grads = bprLossGradients(c.reg);
  }

  private isPositive(u: number, item: number): boolean {
    let lo = this.history.indptr[u]!;
    let hi = this.history.indptr[u + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.sortedRows[mid]!;
      if (v === item) return true;
      if (v < item) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  epoch(): void {
    const h = this.history;
    const nnz = h.items.length;
    const total = nnz * this.c.negatives;
    const order = Int32Array.from({ length: total }, (_, i) => i % nnz);
    for (let i = total - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    const bs = this.c.batchSize;
    for (let start = 0; start < total; start += bs) {
      const n = Math.min(bs, total - start);
      const us = new Int32Array(n);
      const is = new Int32Array(n);
      const js = new Int32Array(n);
      for (let b = 0; b < n; b++) {
        const p = order[start + b]!;
        const u = this.owner[p]!;
        us[b] = u;
        is[b] = h.items[p]!;
        let j = this.rng.int(h.numItems);
        // Rejection sampling: a user's positives are a small share of the catalogue.
        for (let tries = 0; tries < 20 && this.isPositive(u, j); tries++) j = this.rng.int(h.numItems);
        js[b] = j;
      }
      this.step(us, is, js);
    }
  }

  private step(us: Int32Array, is: Int32Array, js: Int32Array): void {
    const k = this.c.factors;
    const n = us.length;
    const rows = (table: Float32Array, idx: Int32Array) => {
      const out = new Float32Array(n * k);
      for (let b = 0; b < n; b++) out.set(table.subarray(idx[b]! * k, (idx[b]! + 1) * k), b * k);
      return out;
    };
    const pu = rows(this.userFactors, us);
    const qi = rows(this.itemFactors, is);
    const qj = rows(this.itemFactors, js);
    const bi = Float32Array.from(is, (i) => this.itemBias[i]!);
    const bj = Float32Array.from(js, (j) => this.itemBias[j]!);
    const [gu, gi, gj, gbi, gbj] = (
      this.c.engine === "tfjs"
        ? tf.tidy(() => {
            const inputs = [
              tf.tensor2d(pu, [n, k]),
              tf.tensor2d(qi, [n, k]),
              tf.tensor2d(qj, [n, k]),
              tf.tensor1d(bi),
              tf.tensor1d(bj),
            ] as unknown as T[];
            return this.grads(inputs).map((g) => g.dataSync() as Float32Array);
          })
        : bprGradientsTyped(pu, qi, qj, bi, bj, k, this.c.reg)
    ) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    const lr = this.c.lr;
    const apply = (
      table: Float32Array,
      acc: Float32Array,
      idx: Int32Array,
      g: Float32Array,
      width: number,
    ) => {
      for (let b = 0; b < n; b++) {
        const o = idx[b]! * width;
        for (let d = 0; d < width; d++) {
          const gd = g[b * width + d]!;
          acc[o + d]! += gd * gd;
          table[o + d]! -= (lr * gd) / Math.sqrt(acc[o + d]! + 1e-8);
        }
      }
    };
    apply(this.userFactors, this.userAcc, us, gu, k);
    apply(this.itemFactors, this.itemAcc, is, gi, k);
    apply(this.itemFactors, this.itemAcc, js, gj, k);
    apply(this.itemBias, this.biasAcc, is, gbi, 1);
    apply(this.itemBias, this.biasAcc, js, gbj, 1);
  }
}

/** What `tandem eval` searches for BPR on validation (around the defaults 64 / 0.05 / 1e-4). */
export const BPR_SPACE = {
  factors: [32, 64, 128],
  lr: [0.02, 0.05, 0.1, 0.2],
  reg: [0, 0.00001, 0.0001, 0.001, 0.01],
} as const;

/**
 * `mf-bpr`: Bayesian personalised ranking with uniformly sampled negatives, gradients from TF.js.
 * `tuned` may carry `epochs` and any BPR_SPACE hyperparameter; the rest come from config.
 */
export function bprRecommender(config: RecallConfig, tuned?: Record<string, number | string>): MfRecommender {
  const own = Object.keys(BPR_SPACE).flatMap((k) => (typeof tuned?.[k] === "number" ? [[k, tuned[k]]] : []));
  const c: RecallConfig["bpr"] = { ...config.bpr, ...Object.fromEntries(own) };
  const epochs = tuned?.["epochs"];
  return new MfRecommender({
    name: "mf-bpr",
    algorithm: "bpr",
    dim: c.factors,
    maxEpochs: c.maxEpochs,
    patience: config.patience,
    minGain: config.minGain,
    validationUsers: config.validationUsers,
    ...(typeof epochs === "number" ? { epochs } : {}),
    hyperparameters: { ...c },
    // Fold-in for BPR models solves the ALS closed form against the BPR item factors.
    foldIn: alsConfidence(config.als),
    makeTrainer: (history, seed) => new BprTrainer(history, seed, c),
  });
}
