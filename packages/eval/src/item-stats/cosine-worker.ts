import { parentPort, workerData } from "node:worker_threads";
import { cosineRows } from "./cosine-rows.js";
import type { CosineWorkerData } from "./cosine-threads.js";

// Takes row ranges until none are left, posting each finished block (its buffers moved, not copied).
const { inputs, ranges, cursor } = workerData as CosineWorkerData;
for (;;) {
  const r = Atomics.add(cursor, 0, 1);
  if (2 * r >= ranges.length) break;
  const block = cosineRows(inputs, ranges[2 * r]!, ranges[2 * r + 1]!);
  const moved = [block.ptr.buffer, block.idx.buffer, block.weight.buffer] as ArrayBuffer[];
  parentPort!.postMessage(block, moved);
}
parentPort!.postMessage({ done: true });
