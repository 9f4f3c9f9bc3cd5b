import type { TandemConfig } from "@tandem/core";
import { UnavailableError } from "@tandem/core";
import type { Dataset } from "@tandem/data";
import { type PipelineQueues, startNightlyRun } from "@tandem/pipeline";
import type { FeatureStore } from "@tandem/store";
import type { DataSnapshot } from "./data-snapshot.js";
import { nightlyFlowSpec } from "./tandem-compute.js";

/**
 * Starts the nightly flow for `version` on the worker processes (train-cf + embed-items → candidate
 * chunks → publish), stores `metadata` with the version while the workers run, and resolves once the
 * publish job has completed (rejects if the flow failed: then nothing was published).
 */
export async function runQueuedNightly(
  config: TandemConfig,
  store: FeatureStore,
  queues: PipelineQueues,
  dataset: Dataset,
  textDim: number,
  version: string,
  metadata: Record<string, unknown>,
  log: (line: string) => void = () => {},
): Promise<void> {
  const watermark = (metadata["data"] as DataSnapshot | undefined)?.eventWatermark;
  const run = await startNightlyRun(store, queues, {
    version,
    ...nightlyFlowSpec(config, dataset, textDim),
    chunkSize: config.worker.chunkSize,
    embedBatchSize: config.worker.embedBatchSize,
    // Written before any job runs: the workers read the data snapshot it names.
    metadata,
    ...(watermark !== undefined && { watermark }),
  });
  log(`queued: flow ${run.publishJobId} (${run.embedBatches} embed batches, ${run.chunks} user chunks)`);
  for (let polls = 0; ; polls++) {
    const job = await queues.queue("publish").getJob(run.publishJobId);
    const state = job ? await job.getState() : "unknown";
    if (state === "completed") return;
    if (state === "failed")
      throw new UnavailableError(`the nightly flow failed: ${job?.failedReason ?? "unknown reason"}`);
    if (polls % 20 === 0) log(`queued: waiting for the workers (publish job ${state})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
