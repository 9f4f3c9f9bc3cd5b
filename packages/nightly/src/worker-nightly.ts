import type { TandemConfig } from "@tandem/core";
import type { PipelineQueues } from "@tandem/pipeline";
import { createCachedEncoder } from "@tandem/semantic";
import type { FeatureStore } from "@tandem/store";
import { runQueuedNightly } from "./queued-nightly.js";
import { type NightlyResult, runNightly } from "./run-nightly.js";

/**
 * The nightly as the worker processes run it (`main.ts nightly <version>`): the same held-out evaluation
 * and quality gate as `tandem nightly --workers`, then the BullMQ flow trains, embeds, precomputes and
 * publishes — the only way workers publish. Resolves when the run is done (published or gated out).
 */
export async function runWorkerNightly(
  config: TandemConfig,
  store: FeatureStore,
  queues: PipelineQueues,
  version: string,
  log: (line: string) => void = () => {},
): Promise<NightlyResult> {
  const encoder = await createCachedEncoder(config.semantic);
  try {
    return await runNightly({
      config,
      store,
      runId: version,
      encoder,
      purgeJobs: (erased) => queues.purgeUsers(erased),
      queued: (v, dataset, metadata) =>
        runQueuedNightly(config, store, queues, dataset, encoder.dim, v, metadata, log),
      log,
    });
  } finally {
    await encoder.dispose?.();
  }
}
