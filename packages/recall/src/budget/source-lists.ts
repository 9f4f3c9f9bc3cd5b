import type { UserItems } from "@tandem/data";
import type { CandidateSource, Proposals, SourceName } from "../sources/candidate.js";

/**
 * Every source's proposals, `depth` deep, for each scored user, computed once: a source's top q is the
 * prefix of its top `depth` (every built-in source ranks one fixed list per user; an approximate ANN
 * index may differ slightly at other k), so any quota split up to `depth` is measured without asking
 * the sources again.
 */
export interface SourceLists {
  names: SourceName[];
  users: Int32Array;
  /** lists[u][s]: source s's proposals for users[u]. */
  lists: Proposals[][];
  /** The held-out items of users[u]. */
  targets: Int32Array[];
}

export function sourceLists(
  sources: readonly CandidateSource[],
  history: UserItems,
  heldOut: UserItems,
  depth: number,
): SourceLists {
  const users: number[] = [];
  const lists: Proposals[][] = [];
  const targets: Int32Array[] = [];
  for (let u = 0; u < heldOut.numUsers; u++) {
    const target = heldOut.items.subarray(heldOut.indptr[u]!, heldOut.indptr[u + 1]!);
    if (target.length === 0) continue;
    const seen = history.items.subarray(history.indptr[u]!, history.indptr[u + 1]!);
    const exclude = new Set(seen);
    users.push(u);
    targets.push(target);
    lists.push(sources.map((s) => s.propose(u, seen, depth, exclude)));
  }
  return { names: sources.map((s) => s.name), users: Int32Array.from(users), lists, targets };
}
