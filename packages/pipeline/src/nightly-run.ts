import { InvalidArgumentError } from "@tandem/core";
import type { FeatureStore } from "@tandem/store";
import type { FlowJob } from "bullmq";
import { CHUNK, FAN_OUT } from "./job-schemas.js";
import type { PipelineQueues } from "./pipeline-queues.js";
import { chunkIds, chunkPart } from "./precompute-processors.js";

export interface NightlyRunOptions {
  /** New version id, e.g. "2026-11-25T0300". Must not exist yet (or be an unfinished run to resume). */
  version: string;
  /** The catalogue, with the text embed-items encodes. */
  items: readonly { id: string; text: string }[];
  /** Users to precompute; erased users are removed. */
  userIds: readonly string[];
  /** Candidate feature columns (the CandidateSource's columns). */
  columns: readonly string[];
  itemKinds: Record<string, number>;
  userKinds: Record<string, number>;
  /** Users per precompute-candidates job (config `worker.chunkSize`). Default 500. */
  chunkSize?: number;
  /** Items per embed-items job (config `worker.embedBatchSize`). Default 256. */
  embedBatchSize?: number;
  /** JSON metadata stored with the version before any job runs (e.g. its data snapshot). */
  metadata?: Record<string, unknown>;
  /** The data watermark of the version: publish refreshes users with later events. */
  watermark?: string;
}

/**
 * Starts the nightly sequence as one BullMQ flow. Every job id derives from the version, so starting
 * the same run twice adds nothing. Tree (children run first):
 *
 *   publish                                   (queue publish)
 *   └── fan-out                               (queue precompute-candidates)
 *       ├── train-cf                          (queue train-cf)
 *       └── embed-items × ⌈items / batch⌉     (queue embed-items)
 *       (fan-out then adds chunk × ⌈users / chunkSize⌉ as its children and waits for them)
 *
 * The version is begun first with every part the run must complete, so `publish` refuses it unless
 * everything was written; a failed child fails its parents (`failParentOnFailure`): no publish.
 */
export async function startNightlyRun(
  store: FeatureStore,
  queues: PipelineQueues,
  options: NightlyRunOptions,
) {
  const { version } = options;
  const chunkSize = options.chunkSize ?? 500;
  const embedBatch = options.embedBatchSize ?? 256;
  if (options.items.length === 0) throw new InvalidArgumentError("a nightly run needs items");
  const erased = new Set(await store.erasedUsers());
  const userIds = options.userIds.filter((u) => !erased.has(u));
  const embedBatches = chunkIds(options.items, embedBatch);
  const chunks = chunkIds(userIds, chunkSize);
  await store.beginVersion(version, {
    itemIds: options.items.map((i) => i.id),
    columns: options.columns,
    itemKinds: options.itemKinds,
    userKinds: options.userKinds,
    parts: ["train-cf", ...embedBatches.map((_, i) => `embed:${i}`), ...chunks.map((_, i) => chunkPart(i))],
  });
  // Before the flow: every job reads the snapshot this metadata names.
  for (const [name, value] of Object.entries(options.metadata ?? {}))
    await store.writeMetadata(version, name, value);
  const child = { failParentOnFailure: true };
  const flow: FlowJob = {
    name: "publish",
    queueName: "publish",
    data: { version, ...(options.watermark !== undefined && { watermark: options.watermark }) },
    opts: queues.jobOptions({ jobId: `${version}.publish` }),
    children: [
      {
        name: FAN_OUT,
        queueName: "precompute-candidates",
        data: { version, userIds, chunkSize, step: "start" },
        opts: queues.jobOptions({ jobId: `${version}.fan-out`, ...child }),
        children: [
          {
            name: "train-cf",
            queueName: "train-cf",
            data: { version, part: "train-cf" },
            opts: queues.jobOptions({ jobId: `${version}.train-cf`, ...child }),
          },
          ...embedBatches.map((items, i) => ({
            name: "embed-items",
            queueName: "embed-items",
            data: { version, part: `embed:${i}`, items },
            opts: queues.jobOptions({ jobId: `${version}.embed.${i}`, ...child }),
          })),
        ],
      },
    ],
  };
  const node = await queues.flowProducer().add(flow);
  return {
    version,
    publishJobId: node.job.id!,
    chunks: chunks.length,
    embedBatches: embedBatches.length,
    chunkJob: CHUNK,
  };
}
