import type { UserItems } from "@tandem/data";
import { cosineNeighbors } from "./cosine-neighbors.js";
import type { CosineOptions } from "./cosine-rows.js";
import { cosineNeighborsThreaded } from "./cosine-threads.js";
import { type NeighborLists, truncateNeighbors } from "./neighbor-lists.js";
import { type TransitionOptions, transitionNeighbors } from "./transition-neighbors.js";

type Entry = { kind: string; neighbors: number; lists: NeighborLists };
const cache = new WeakMap<UserItems, Entry[]>();

/** The cached lists of `kind` for this history with at least `neighbors` per item, cut to size, or null. */
function cached(ui: UserItems, kind: string, neighbors: number): NeighborLists | null {
  const hit = cache.get(ui)?.find((e) => e.kind === kind && e.neighbors >= neighbors);
  if (!hit) return null;
  return hit.neighbors === neighbors ? hit.lists : truncateNeighbors(hit.lists, neighbors);
}

function remember(ui: UserItems, entry: Entry): NeighborLists {
  cache.set(ui, [...(cache.get(ui) ?? []), entry]);
  return entry.lists;
}

/**
 * Item-item statistics built once per history and shared by every consumer (ItemKNN, co-occurrence and
 * transition recall): a later request for fewer neighbours is a prefix of an earlier one. Held weakly, so
 * they go when the history does.
 */
export function sharedCosineNeighbors(ui: UserItems, options: CosineOptions): NeighborLists {
  const kind = cosineKind(options);
  return (
    cached(ui, kind, options.neighbors) ??
    remember(ui, { kind, neighbors: options.neighbors, lists: cosineNeighbors(ui, options) })
  );
}

/**
 * `sharedCosineNeighbors` built on worker threads (0 = one per core) when not cached yet: an async caller
 * (a stage fit) builds them here first, and the synchronous consumers then find them in the cache.
 */
export async function sharedCosineNeighborsThreaded(
  ui: UserItems,
  options: CosineOptions,
  threads: number,
): Promise<NeighborLists> {
  const kind = cosineKind(options);
  return (
    cached(ui, kind, options.neighbors) ??
    remember(ui, {
      kind,
      neighbors: options.neighbors,
      lists: await cosineNeighborsThreaded(ui, options, threads),
    })
  );
}

const cosineKind = (options: CosineOptions) =>
  `cosine:${options.historyCap ?? 0}:${options.weighting ?? "none"}`;

export function sharedTransitionNeighbors(ui: UserItems, options: TransitionOptions): NeighborLists {
  const kind = `next:${options.window}`;
  return (
    cached(ui, kind, options.neighbors) ??
    remember(ui, { kind, neighbors: options.neighbors, lists: transitionNeighbors(ui, options) })
  );
}
