import { parentPort, workerData } from "node:worker_threads";
import { serveRanges } from "@tandem/core";
import { cosineRows } from "./cosine-rows.js";
import type { CosineWorkerData } from "./cosine-threads.js";

// Each finished row block goes back with its buffers moved, not copied.
const data = workerData as CosineWorkerData;
serveRanges(data, parentPort!, (from, to) => {
  const block = cosineRows(data.inputs, from, to);
  return {
    message: block,
    transfer: [block.ptr.buffer, block.idx.buffer, block.weight.buffer] as ArrayBuffer[],
  };
});
