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
    const dim = this.model.dim;
    const query = new Float32Array(dim + 1);
    query.set(
      user >= 0 && user < this.model.numUsers ? this.model.userVector(user) : this.model.foldIn(history),
    );
    query[dim] = 1;
    const [hits] = this.index.search(query, k, { exclude: exclude as Set<number> });
    return { items: hits!.keys, scores: hits!.scores };
  }
}
