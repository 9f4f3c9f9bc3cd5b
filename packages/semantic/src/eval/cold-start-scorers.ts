import type { Rng } from "@tandem/core";
import type { Recommender } from "@tandem/eval";

/** Wraps a model so items outside `allowed` can never be recommended (scored -Infinity). */
export class Restricted implements Recommender {
  readonly name: string;
  constructor(
    private readonly inner: Recommender,
    private readonly allowed: Uint8Array,
  ) {
    this.name = inner.name;
  }
  fit = () => Promise.reject(new Error("Restricted wraps a fitted model"));
  scoreBatch(users: Int32Array, out: Float32Array): void {
    this.inner.scoreBatch(users, out);
    const n = this.allowed.length;
    for (let b = 0; b < users.length; b++)
      for (let i = 0; i < n; i++) if (!this.allowed[i]) out[b * n + i] = Number.NEGATIVE_INFINITY;
  }
}

/**
 * User row · item row over `dim`-vectors: cosine(profile, item text) for unit rows, MF user factor ·
 * (own or projected) item vector for MF rows.
 */
export class DotScorer implements Recommender {
  constructor(
    readonly name: string,
    private readonly users: Float32Array,
    private readonly items: Float32Array,
    private readonly dim: number,
  ) {}
  fit = () => Promise.reject(new Error("DotScorer is built fitted"));
  scoreBatch(users: Int32Array, out: Float32Array): void {
    const { dim, items } = this;
    const n = items.length / dim;
    users.forEach((u, b) => {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += this.users[u * dim + d]! * items[i * dim + d]!;
        out[b * n + i] = s;
      }
    });
  }
}

/** Uniformly random scores, the chance level. */
export class RandomScorer implements Recommender {
  readonly name = "random";
  constructor(private readonly rng: Rng) {}
  fit = () => Promise.reject(new Error("RandomScorer needs no fit"));
  scoreBatch(_users: Int32Array, out: Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.rng.next();
  }
}
