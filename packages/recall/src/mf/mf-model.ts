import { type IdMap, InvalidArgumentError } from "@tandem/core";
import { FlatScan } from "../vector/flat-scan.js";
import { type Bm25Stats, type ConfidenceParams, rowConfidence } from "./confidence.js";
import { exactRowSolve, gramian } from "./linalg.js";

export type MfAlgorithm = "als" | "bpr";

/** Everything a trained factorization needs to score, fold in and be saved. */
export interface MfModelParts {
  algorithm: MfAlgorithm;
  dim: number;
  users: IdMap;
  items: IdMap;
  /** numUsers × dim, row-major. */
  userFactors: Float32Array;
  /** numItems × dim, row-major. */
  itemFactors: Float32Array;
  /** Per-item additive bias (BPR); zeros for ALS. */
  itemBias: Float32Array;
  /** ALS regularisation and confidence transform, reused by fold-in (BPR models use the ALS defaults). */
  foldIn: ConfidenceParams & { reg: number };
  bm25: Bm25Stats;
  hyperparameters: Record<string, number | string>;
  fingerprint: string;
  validation: Record<string, number>;
  epochs: number;
}

/**
 * A trained user/item factorization: score = u·v + b_v. Fold-in is the exact ALS closed-form step
 * for a new item list (its YᵀY comes from TF.js, see `gramian`).
 */
export class MfModel {
  private foldGram: Float64Array | null = null;
  private scanner: FlatScan | null = null;

  constructor(readonly parts: MfModelParts) {
    const { dim, users, items, userFactors, itemFactors } = parts;
    if (userFactors.length !== users.size * dim || itemFactors.length !== items.size * dim)
      throw new InvalidArgumentError(
        `factor tables (${userFactors.length}, ${itemFactors.length} floats) do not match ${users.size} users, ${items.size} items × ${dim}`,
      );
  }

  get dim(): number {
    return this.parts.dim;
  }
  get numUsers(): number {
    return this.parts.users.size;
  }
  get numItems(): number {
    return this.parts.items.size;
  }

  userVector(u: number): Float32Array {
    return this.parts.userFactors.subarray(u * this.dim, (u + 1) * this.dim);
  }

  /**
   * out[b * numItems + i] = q_b · v_i + bias_i for each row-major query vector q_b. The flat index's
   * SIMD scan over a copy of the item factors (made on first use: a model's factors are fixed once it
   * is built), not TF.js: on the wasm backend a (64 × 128)·(3650 × 128)ᵀ matMul measured 380-570 ms
   * against ~60-100 ms for the typed-array loop (bench/results/recall.md); the scan is 3.2× that loop at
   * 59,047 × 64 (bench/results/nightly-ml25m.md).
   */
  scoreVectors(queries: Float32Array, out: Float32Array): void {
    const k = this.dim;
    const m = this.numItems;
    const n = queries.length / k;
    const bias = this.parts.itemBias;
    const hasBias = this.parts.algorithm === "bpr";
    this.scanner ??= FlatScan.of(this.parts.itemFactors, m, k);
    for (let b = 0; b < n; b++) {
      const scores = this.scanner.run(queries, b * k);
      const oo = b * m;
      if (!hasBias) out.set(scores, oo);
      else for (let i = 0; i < m; i++) out[oo + i] = scores[i]! + bias[i]!;
    }
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    const q = new Float32Array(users.length * this.dim);
    users.forEach((u, b) => {
      q.set(this.userVector(u), b * this.dim);
    });
    this.scoreVectors(q, out);
  }

  /**
   * The factor ALS would give a user with this item history, holding the item factors fixed: no
   * retraining. Works for new users and for known users with new events.
   */
  foldIn(itemIndexes: ArrayLike<number>): Float32Array {
    for (let n = 0; n < itemIndexes.length; n++) {
      const i = itemIndexes[n]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.numItems)
        throw new InvalidArgumentError(`fold-in item index ${i} outside 0..${this.numItems - 1}`);
    }
    const unique = Int32Array.from(new Set(Array.from(itemIndexes)));
    const { foldIn, itemFactors } = this.parts;
    this.foldGram ??= gramian(itemFactors, this.numItems, this.dim, foldIn.reg);
    const conf = rowConfidence(unique, foldIn, this.parts.bm25);
    return Float32Array.from(exactRowSolve(this.foldGram, itemFactors, this.dim, unique, conf));
  }

  /** Drops cached state (the fold-in gramian, the scan's copy of the item factors). */
  dispose(): void {
    this.foldGram = null;
    this.scanner = null;
  }
}
