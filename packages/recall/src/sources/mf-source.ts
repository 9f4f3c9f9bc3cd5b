import { InvalidArgumentError } from "@tandem/core";
import { biasedItemVectors } from "../mf/biased-item-vectors.js";
import type { MfModel } from "../mf/mf-model.js";
import type { VectorBackend } from "../vector/backends.js";
import { searchEach, type VectorIndex } from "../vector/vector-index.js";
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

  /** `propose` for a block of users: one searchEach over their query vectors. */
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
    const hits = searchEach(this.index, queries, k, excludes);
    return hits.map((h) => ({ items: h.keys, scores: h.scores }));
  }
}
