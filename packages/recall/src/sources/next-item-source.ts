import type { UserItems } from "@tandem/data";
import { type NeighborLists, SparseScores, sharedTransitionNeighbors, spreadNeighbors } from "@tandem/eval";
import type { CandidateSource, Proposals } from "./candidate.js";

/**
 * "What tends to come next": the shared sparse transition lists (j within `window` positions after i,
 * weighted 1/distance, normalised by sqrt(out-weight of i)). A user's candidates spread from their
 * `recent` last items, the latest weighing most: O(recent × neighbours) per user.
 */
export class NextItemSource implements CandidateSource {
  readonly name = "next";
  readonly lists: NeighborLists;
  private readonly scores: SparseScores;

  constructor(
    history: UserItems,
    window: number,
    neighbors: number,
    private readonly recent: number,
    /** The same lists built elsewhere (another thread's pipeline), so they are not rebuilt. */
    lists?: NeighborLists,
  ) {
    this.lists = lists ?? sharedTransitionNeighbors(history, { window, neighbors });
    this.scores = new SparseScores(history.numItems);
  }

  propose(_user: number, history: Int32Array, k: number, exclude: ReadonlySet<number>): Proposals {
    const start = Math.max(0, history.length - this.recent);
    for (let p = history.length - 1; p >= start; p--) {
      const age = history.length - 1 - p;
      spreadNeighbors(this.lists, history[p]!, 1 / (1 + age), this.scores);
    }
    this.scores.drop(exclude);
    const { keys, scores } = this.scores.takeTop(k);
    return { items: keys, scores };
  }
}
