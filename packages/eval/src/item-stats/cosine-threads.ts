import { availableParallelism } from "node:os";
import { ArtifactError, shared, spawnWorker } from "@tandem/core";
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
/** Row ranges per thread: small enough that the last one to finish leaves little idle time. */
const CHUNKS_PER_THREAD = 16;

/** What a cosine worker gets: the inputs on SharedArrayBuffers, the row ranges, a shared cursor. */
export interface CosineWorkerData {
  inputs: CosineInputs;
  /** Flat [from0, to0, from1, to1, ...]. */
  ranges: Int32Array;
  /** ranges taken so far (Atomics.add): whichever worker is free takes the next. */
  cursor: Int32Array;
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
  const count = Math.min(threads === 0 ? availableParallelism() : threads, n);
  if (count <= 1 || total < minPairs) return joinRowBlocks(n, [cosineRows(inputs, 0, n)]);
  const ranges = costRanges(costs, total, count * CHUNKS_PER_THREAD);
  const data: CosineWorkerData = {
    inputs: shareInputs(inputs),
    ranges: shared(ranges),
    cursor: new Int32Array(new SharedArrayBuffer(4)),
  };
  const entry = new URL(`./cosine-worker${import.meta.url.slice(-3)}`, import.meta.url);
  const blocks: CosineRowBlock[] = [];
  const workers = Array.from({ length: count }, () => spawnWorker(entry, data));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.on("message", (msg: CosineRowBlock | { done: true }) => {
              if ("done" in msg) resolve();
              else blocks.push(msg);
            });
            worker.on("error", (e) =>
              reject(new ArtifactError(`cosine worker failed: ${e.message}`, { cause: e })),
            );
            worker.on("exit", (code) => {
              if (code !== 0) reject(new ArtifactError(`cosine worker exited with code ${code}`));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return joinRowBlocks(n, blocks);
}

/** Contiguous row ranges, each about `total / parts` pairs (a single heavy row is a range of its own). */
function costRanges(costs: Float64Array, total: number, parts: number): Int32Array {
  const out: number[] = [];
  const target = total / parts;
  let from = 0;
  let acc = 0;
  for (let i = 0; i < costs.length; i++) {
    acc += costs[i]!;
    if (acc >= target) {
      out.push(from, i + 1);
      from = i + 1;
      acc = 0;
    }
  }
  if (from < costs.length) out.push(from, costs.length);
  return Int32Array.from(out);
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
