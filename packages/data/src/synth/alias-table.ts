import type { Rng } from "@tandem/core";

/**
 * Walker's alias method: O(n) to build, O(1) per draw from a fixed discrete distribution. Used for every
 * popularity-weighted draw of the generator, so 25M draws stay cheap.
 */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  /** `weights[i]` ≥ 0, not all zero; `values[i]` is what a draw of slot i returns (default i). */
  constructor(
    weights: ArrayLike<number>,
    private readonly values?: Int32Array,
  ) {
    const n = weights.length;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i]!;
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / total;
      (scaled[i]! < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) this.prob[i] = 1;
  }

  get size(): number {
    return this.prob.length;
  }

  draw(rng: Rng): number {
    const slot = rng.int(this.prob.length);
    const i = rng.next() < this.prob[slot]! ? slot : this.alias[slot]!;
    return this.values ? this.values[i]! : i;
  }
}
