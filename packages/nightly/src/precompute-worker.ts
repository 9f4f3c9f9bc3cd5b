import { parentPort, workerData } from "node:worker_threads";
import { FusionScorer, stageFromParts } from "@tandem/rerank";
import type { PrecomputeTask, PrecomputeWorkerData } from "./precompute-pool.js";
import { batchBuffers, buildRecordBatch } from "./record-batch.js";

// One precompute worker thread: rebuilds the stage from the shared parts once, then builds the records
// of every user batch it is sent and hands the packed arrays back (transferred, not copied). Users are
// ones the model was trained on (the pool's caller keeps fold-ins, which need TF.js, on its own thread).
const data = workerData as PrecomputeWorkerData;
const stage = stageFromParts(data.parts);
const scorer = new FusionScorer(data.fusion);

parentPort!.on("message", (task: PrecomputeTask) => {
  try {
    const batch = buildRecordBatch(stage, scorer, task.users, data.keep);
    parentPort!.postMessage({ id: task.id, batch }, batchBuffers(batch));
  } catch (error) {
    parentPort!.postMessage({ id: task.id, error: String((error as Error).stack ?? error) });
  }
});
