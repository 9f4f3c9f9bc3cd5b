import { InvalidArgumentError } from "@tandem/core";
import { biasedItemVectors } from "../mf/biased-item-vectors.js";
import type { MfModel } from "../mf/mf-model.js";
import type { VectorBackend } from "../vector/backends.js";
import type { VectorIndex } from "../vector/vector-index.js";
import type { CandidateSource, Proposals } from "./candidate.js";

/**
 * Top items by factor dot product through a VectorIndex (usearch HNSW by default). An item bias (BPR)
 * becomes one extra dimension: item [v, b] · query [u, 1] = u·v + b, so the index stays pure inner
 * product. New users are folded in from their history.
 */
export class MfSource implements CandidateSource {
  readonly name = "mf";
  readonly index: VectorIndex;

  /** `index`: one already holding this model's biased item vectors (loaded from another thread's save). */
  constructor(
    private readonly model: MfModel,
    backend: VectorBackend,
    index?: VectorIndex,
  ) {
    if (index) {
      if (index.dim !== model.dim + 1 || index.size !== model.numItems)
        throw new InvalidArgumentError(
          `MF index holds ${index.size} × ${index.dim}, the model needs ${model.numItems} × ${model.dim + 1}`,
        );
      this.index = index;
      return;
    }
    const n = model.numItems;
    this.index = backend.create(model.dim + 1);
    this.index.add(
      Int32Array.from({ length: n }, (_, i) => i),
      biasedItemVectors(model),
    );
  }

  propose(user: number, history: Int32Array, k: number, exclude: ReadonlySet<number>): Proposals {
    return this.proposeMany([user], [history], k, [exclude])[0]!;
  }

  /**
   * One search for the block on a flat index (its scan reads the items once per four queries); one
   * search per user elsewhere (a usearch batch over-fetches by the largest exclusion set in it, which
   * can change an approximate answer).
   */
  proposeMany(
    users: ArrayLike<number>,
    histories: readonly Int32Array[],
    k: number,
    excludes: readonly ReadonlySet<number>[],
  ): Proposals[] {
    const dim = this.model.dim;
    const n = users.length;
    const queries = new Float32Array(n * (dim + 1));
    for (let b = 0; b < n; b++) {
      const user = users[b]!;
      const known = user >= 0 && user < this.model.numUsers;
      queries.set(known ? this.model.userVector(user) : this.model.foldIn(histories[b]!), b * (dim + 1));
      queries[b * (dim + 1) + dim] = 1;
    }
    const hits =
      this.index.backend === "flat"
        ? this.index.search(queries, k, { exclude: excludes })
        : Array.from(
            { length: n },
            (_, b) =>
              this.index.search(queries.subarray(b * (dim + 1), (b + 1) * (dim + 1)), k, {
                exclude: excludes[b]!,
              })[0]!,
          );
    return hits.map((h) => ({ items: h.keys, scores: h.scores }));
  }
}
