/** Names of the candidate sources; every candidate says which of them proposed it. */
export type SourceName = "mf" | "pop" | "cooc" | "next" | "text" | "seq";

/** One recalled item with the score each proposing source gave it (the reranker's features). */
export interface Candidate {
  item: number;
  sources: Partial<Record<SourceName, number>>;
}

/** A source's proposals for one user, best first. */
export interface Proposals {
  items: Int32Array;
  scores: Float32Array;
}

export interface CandidateSource {
  readonly name: SourceName;
  /**
   * Up to `k` items for a user with this time-ordered `history` (item indexes), never an item in
   * `exclude`. `user` is the training index, or -1 for a user the source has not seen.
   */
  propose(user: number, history: Int32Array, k: number, exclude: ReadonlySet<number>): Proposals;
  /**
   * `propose` for several users at once (the same lists, in order): a source whose index scans every
   * item per query can read the items once for a block of users.
   */
  proposeMany?(
    users: ArrayLike<number>,
    histories: readonly Int32Array[],
    k: number,
    excludes: readonly ReadonlySet<number>[],
  ): Proposals[];
}
