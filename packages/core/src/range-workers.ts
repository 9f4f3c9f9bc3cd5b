import { availableParallelism } from "node:os";
import type { MessagePort } from "node:worker_threads";
import { ArtifactError } from "./errors.js";
import { shared } from "./shared-array.js";
import { spawnWorker } from "./spawn-worker.js";

/** Row ranges per thread: small enough that the last one to finish leaves little idle time. */
const CHUNKS_PER_THREAD = 16;

/** What every range worker gets besides its own data: the ranges and the shared cursor over them. */
export interface RangeWork {
  /** Flat [from0, to0, from1, to1, ...]. */
  ranges: Int32Array;
  /** Ranges taken so far (Atomics.add): whichever worker is free takes the next. */
  cursor: Int32Array;
}

/** A configured thread count (0 = one per core) capped by the units of work there are. */
export function resolveThreads(threads: number, units: number): number {
  return Math.max(1, Math.min(threads === 0 ? availableParallelism() : threads, units));
}

/** Contiguous ranges of about `total / parts` cost each (a single heavy row is a range of its own). */
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

/** Ranges for `count` threads over rows of these costs (`total` their sum), CHUNKS_PER_THREAD each. */
export function threadRanges(costs: Float64Array, total: number, count: number): Int32Array {
  return costRanges(costs, total, count * CHUNKS_PER_THREAD);
}

/**
 * Runs `count` workers on `entry` over `ranges` (each worker loops with `serveRanges`), handing every
 * message but the final one to `onMessage`. `what` names the work in errors. Workers are always terminated.
 */
export async function runRangeWorkers<M>(
  entry: URL,
  data: object,
  ranges: Int32Array,
  count: number,
  onMessage: (msg: M) => void,
  what: string,
): Promise<void> {
  const work: RangeWork = { ranges: shared(ranges), cursor: new Int32Array(new SharedArrayBuffer(4)) };
  const workers = Array.from({ length: count }, () => spawnWorker(entry, { ...data, ...work }));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.on("message", (msg: M | { done: true }) => {
              if (msg && typeof msg === "object" && "done" in msg) resolve();
              else onMessage(msg as M);
            });
            worker.on("error", (e) =>
              reject(new ArtifactError(`${what} worker failed: ${e.message}`, { cause: e })),
            );
            worker.on("exit", (code) => {
              if (code !== 0) reject(new ArtifactError(`${what} worker exited with code ${code}`));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * A range worker's loop: takes ranges until none are left, posting what `run` returns for each (its
 * `transfer` buffers moved, not copied), then `{ done: true }`.
 */
export function serveRanges(
  work: RangeWork,
  port: MessagePort,
  run: (from: number, to: number) => { message: unknown; transfer: ArrayBuffer[] },
): void {
  const { ranges, cursor } = work;
  for (;;) {
    const r = Atomics.add(cursor, 0, 1);
    if (2 * r >= ranges.length) break;
    const { message, transfer } = run(ranges[2 * r]!, ranges[2 * r + 1]!);
    port.postMessage(message, transfer);
  }
  port.postMessage({ done: true });
}
