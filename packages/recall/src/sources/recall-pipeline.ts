import type { RecallConfig } from "@tandem/core";
import type { UserItems, ValueWeighting } from "@tandem/data";
import type { NeighborLists } from "@tandem/eval";
import type { MfModel } from "../mf/mf-model.js";
import { backendFor } from "../vector/backends.js";
import type { VectorIndex } from "../vector/vector-index.js";
import type { Candidate, CandidateSource, SourceName } from "./candidate.js";
import { CooccurrenceSource } from "./cooccurrence-source.js";
import { mergeCandidates } from "./merge.js";
import { MfSource } from "./mf-source.js";
import { NextItemSource } from "./next-item-source.js";
import { PopularitySource } from "./popularity-source.js";

/**
 * What the built-in sources build from the history and model (item-item lists, the MF index): handed to
 * a pipeline on another thread so it skips the build and answers exactly as this one does (an HNSW graph
 * rebuilt on several threads would differ).
 */
export interface RecallParts {
  next: NeighborLists;
  cooc: NeighborLists;
  mfIndex: VectorIndex;
}

const NONE = { items: new Int32Array(0), scores: new Float32Array(0) };

/** The recall stage for one trained model and one history: every source, their quotas, the merge. */
export class RecallPipeline {
  readonly sources: CandidateSource[];
  private readonly quotas: Record<SourceName, number>;
  private readonly next: NextItemSource;
  private readonly mf: MfSource;
  private readonly cooc: CooccurrenceSource;

  /**
   * `extra` sources (e.g. the semantic stage's text recall, which this package cannot depend on) join
   * the merge after the built-in ones, with their quota from the config.
   */
  constructor(
    private readonly history: UserItems,
    model: MfModel,
    readonly config: RecallConfig["sources"],
    extra: readonly CandidateSource[] = [],
    readonly weighting: ValueWeighting = "none",
    prebuilt?: RecallParts,
  ) {
    this.next = new NextItemSource(
      history,
      config.nextWindow,
      config.neighbors,
      config.recentItems,
      prebuilt?.next,
    );
    const backend = backendFor(config.ann, history.numItems, config.exactMaxItems);
    this.mf = new MfSource(model, backend, prebuilt?.mfIndex);
    this.cooc = new CooccurrenceSource(
      history,
      config.neighbors,
      config.pairHistoryCap,
      weighting,
      prebuilt?.cooc,
    );
    // Merge priority: next-item first (strongest on sequential data), then MF, co-occurrence, popularity.
    this.sources = [this.next, this.mf, this.cooc, new PopularitySource(history, weighting), ...extra];
    this.quotas = {
      next: config.quotaNext,
      mf: config.quotaMf,
      cooc: config.quotaCooc,
      pop: config.quotaPop,
      text: config.quotaText,
      seq: config.quotaSeq,
    };
  }

  /**
   * Builds the item-item statistics a pipeline with these settings reads, on `threads` worker threads
   * (0 = one per core), before it is constructed (the constructor then finds them; same lists either way).
   */
  static async prebuildStatistics(
    history: UserItems,
    config: RecallConfig["sources"],
    weighting: ValueWeighting = "none",
    threads = 0,
  ): Promise<void> {
    await CooccurrenceSource.prebuild(history, config.neighbors, config.pairHistoryCap, weighting, threads);
  }

  /** The built parts, to rebuild this pipeline elsewhere without recomputing them. */
  parts(): RecallParts {
    return { next: this.next.lists, cooc: this.cooc.lists, mfIndex: this.mf.index };
  }

  /** Candidates for a training user, excluding what they have already seen. */
  forUser(user: number): Candidate[] {
    const h = this.history;
    return this.forHistory(user, h.items.subarray(h.indptr[user]!, h.indptr[user + 1]!));
  }

  /** Candidates for any time-ordered item history (`user` = -1 for a user unknown to the model). */
  forHistory(user: number, items: Int32Array): Candidate[] {
    return this.forHistories([user], [items])[0]!;
  }

  /**
   * `forHistory` for a block of users (the same candidates, in order): sources with `proposeMany`
   * answer the whole block at once.
   */
  forHistories(users: ArrayLike<number>, histories: readonly Int32Array[]): Candidate[][] {
    const excludes = histories.map((h) => new Set(h));
    const bySource = this.sources.map((source) => {
      const quota = this.quotas[source.name];
      // A quota of 0 switches a source off (vector indexes refuse k = 0).
      if (quota <= 0) return histories.map(() => NONE);
      if (source.proposeMany) return source.proposeMany(users, histories, quota, excludes);
      return histories.map((h, b) => source.propose(users[b]!, h, quota, excludes[b]!));
    });
    return histories.map((_, b) =>
      mergeCandidates(
        this.sources.map((source, s) => ({
          name: source.name,
          quota: this.quotas[source.name],
          proposals: bySource[s]![b]!,
        })),
      ),
    );
  }
}
