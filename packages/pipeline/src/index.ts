// The BullMQ this package is built and tested with, for callers that add or inspect jobs directly.
export { type Job, Queue, QueueEvents, Worker } from "bullmq";
export * from "./baseline-candidate-source.js";
export * from "./baseline-compute.js";
export * from "./compute.js";
export * from "./event-ingestor.js";
export * from "./fresh-users.js";
export * from "./hashing-embedder.js";
export * from "./inline-update-trigger.js";
export * from "./job-schemas.js";
export * from "./mean-vector-profile-builder.js";
export * from "./nightly-run.js";
export * from "./pipeline-queues.js";
export * from "./pipeline-workers.js";
export * from "./precompute-processors.js";
export * from "./random-projection-trainer.js";
export * from "./user-update-scheduler.js";
