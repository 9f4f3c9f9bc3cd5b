import type { UserItems, ValueWeighting } from "@tandem/data";
import {
  type CosineOptions,
  type NeighborLists,
  SparseScores,
  sharedCosineNeighbors,
  sharedCosineNeighborsThreaded,
  spreadNeighbors,
} from "@tandem/eval";
import type { CandidateSource, Proposals } from "./candidate.js";

/**
 * Item-to-item co-consumption: the shared sparse cosine lists (the same ItemKNN uses), each item keeping
 * its strongest neighbours; a user's score for j sums the similarities from their history. Per user the
 * work is O(history × neighbours), never O(catalogue).
 */
export class CooccurrenceSource implements CandidateSource {
  readonly name = "cooc";
  readonly lists: NeighborLists;
  private readonly scores: SparseScores;

  /** `lists`: the same lists built elsewhere (another thread's pipeline), so they are not rebuilt. */
  constructor(
    history: UserItems,
    neighbors: number,
    historyCap = 0,
    weighting: ValueWeighting = "none",
    lists?: NeighborLists,
  ) {
    this.lists = lists ?? sharedCosineNeighbors(history, listOptions(neighbors, historyCap, weighting));
    this.scores = new SparseScores(history.numItems);
  }

  /** Builds the lists a source with these settings reads on worker threads, so its constructor finds them built. */
  static async prebuild(
    history: UserItems,
    neighbors: number,
    historyCap: number,
    weighting: ValueWeighting,
    threads: number,
  ): Promise<void> {
    await sharedCosineNeighborsThreaded(history, listOptions(neighbors, historyCap, weighting), threads);
  }

  propose(_user: number, history: Int32Array, k: number, exclude: ReadonlySet<number>): Proposals {
    for (const i of history) spreadNeighbors(this.lists, i, 1, this.scores);
    this.scores.drop(exclude);
    const { keys, scores } = this.scores.takeTop(k);
    return { items: keys, scores };
  }
}

const listOptions = (neighbors: number, historyCap: number, weighting: ValueWeighting): CosineOptions => ({
  neighbors,
  historyCap,
  weighting,
});
