/**
 * The train-cf processor as a BullMQ sandboxed processor (its own child process): the model fit is long
 * and synchronous, and running it here leaves the worker's event loop free to renew the job lock, so a
 * fit longer than `worker.lockDurationMs` is not taken as stalled and run again. The child builds its own
 * store and compute from the worker's environment, once, and serves every train-cf job it is given.
 */
import { loadConfig } from "@tandem/core";
import { PrecomputeProcessors, toQueueError } from "@tandem/pipeline";
import { redisFeatureStoreFor, redisTargetFrom } from "@tandem/store";
import type { Job, SandboxedJob } from "bullmq";
import { computeFor } from "./compute-for.js";

let processors: Promise<PrecomputeProcessors> | undefined;

function open(): Promise<PrecomputeProcessors> {
  processors ??= (async () => {
    const config = loadConfig();
    const target = redisTargetFrom(config);
    if (target === null) throw new Error("train-cf sandbox: no Redis configured");
    const store = redisFeatureStoreFor(config, target);
    const compute = await computeFor(config, store);
    return new PrecomputeProcessors({ store, trainer: compute.trainer });
  })();
  return processors;
}

export default async function trainCf(job: SandboxedJob): Promise<unknown> {
  try {
    return await (await open()).trainCf(job as unknown as Job);
  } catch (error) {
    throw toQueueError(error);
  }
}
