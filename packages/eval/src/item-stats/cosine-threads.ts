import { type RangeWork, resolveThreads, runRangeWorkers, shared, threadRanges } from "@tandem/core";
import type { UserItems } from "@tandem/data";
import { joinRowBlocks } from "./cosine-neighbors.js";
import {
  type CosineInputs,
  type CosineOptions,
  type CosineRowBlock,
  cosineInputs,
  cosineRowCost,
  cosineRows,
} from "./cosine-rows.js";
import type { NeighborLists } from "./neighbor-lists.js";

/** Below this many pairs one thread is quicker than starting workers (~0.5 s of work). */
const MIN_PAIRS_FOR_THREADS = 50_000_000;

/** What a cosine worker gets: the inputs on SharedArrayBuffers (plus the range cursor). */
export interface CosineWorkerData extends RangeWork {
  inputs: CosineInputs;
}

/**
 * `cosineNeighbors` on `threads` worker threads (0 = one per core): the rows split into ranges of about
 * equal cost, every row computed by the same kernel, so the lists are identical at any count. Fewer than
 * `minPairs` pairs in all run on the calling thread.
 */
export async function cosineNeighborsThreaded(
  ui: UserItems,
  options: CosineOptions,
  threads = 0,
  minPairs = MIN_PAIRS_FOR_THREADS,
): Promise<NeighborLists> {
  const inputs = cosineInputs(ui, options);
  const n = ui.numItems;
  const costs = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += costs[i] = cosineRowCost(inputs, i);
  const count = resolveThreads(threads, n);
  if (count <= 1 || total < minPairs) return joinRowBlocks(n, [cosineRows(inputs, 0, n)]);
  const entry = new URL(`./cosine-worker${import.meta.url.slice(-3)}`, import.meta.url);
  const blocks: CosineRowBlock[] = [];
  await runRangeWorkers<CosineRowBlock>(
    entry,
    { inputs: shareInputs(inputs) },
    threadRanges(costs, total, count),
    count,
    (block) => blocks.push(block),
    "cosine",
  );
  return joinRowBlocks(n, blocks);
}

function shareInputs(inp: CosineInputs): CosineInputs {
  return {
    ...inp,
    indptr: shared(inp.indptr),
    items: shared(inp.items),
    start: shared(inp.start),
    occPtr: shared(inp.occPtr),
    occUser: shared(inp.occUser),
    occPosition: shared(inp.occPosition),
    norm2: shared(inp.norm2),
    weights: inp.weights ? shared(inp.weights) : null,
  };
}
