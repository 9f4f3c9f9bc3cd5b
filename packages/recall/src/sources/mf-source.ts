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

  constructor(
    private readonly model: MfModel,
    backend: VectorBackend,
  ) {
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
