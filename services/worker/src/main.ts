/**
 * The worker process. `main.ts` serves the configured queues (`worker.queues`, `worker.concurrency`)
 * until SIGTERM/SIGINT, then shuts down gracefully. `main.ts nightly [version]` runs one nightly on the
 * configured dataset — held-out evaluation and quality gate, then the queued flow (train-cf + embed-items →
 * precompute chunks → publish) on the worker processes — and exits when it is published or gated out.
 * Logs are JSON lines on stdout, one per job event.
 */
import { loadConfig, TandemError } from "@tandem/core";
import { runWorkerNightly } from "@tandem/nightly";
import { PipelineQueues } from "@tandem/pipeline";
import { redisFeatureStoreFor, redisTargetFrom } from "@tandem/store";
import { WorkerApp } from "./worker-app.js";

const line = (event: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);

async function serve(): Promise<void> {
  const app = await WorkerApp.start(loadConfig());
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    line({ event: "stopping", signal });
    app.stop().then(
      () => {
        line({ event: "stopped" });
        process.exit(0);
      },
      (error: unknown) => {
        line({ event: "error", reason: String(error) });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

async function nightly(version: string): Promise<void> {
  const config = loadConfig();
  const url = redisTargetFrom(config);
  if (url === null)
    throw new TandemError("CONFIG_INVALID", "nightly needs Redis: set store.redisUrl or REDIS_URL");
  const store = redisFeatureStoreFor(config, url);
  const queues = new PipelineQueues({
    connection: url,
    namespace: config.store.namespace,
    attempts: config.worker.attempts,
    backoffMs: config.worker.backoffMs,
  });
  try {
    // Evaluation and the quality gate first, as `tandem nightly --workers`; then the workers publish.
    const result = await runWorkerNightly(config, store, queues, version, (message) =>
      line({ event: "nightly-log", message }),
    );
    line({
      event: "nightly-finished",
      version: result.version,
      published: result.published,
      gate: result.gate.reason,
    });
  } finally {
    await queues.close();
    await store.close();
  }
}

const [command = "serve", arg] = process.argv.slice(2);
const defaultVersion = () => new Date().toISOString().replace(/[:]/g, "").replace(/\..*$/, "");
// A one-shot command exits once the flow is queued: the loaded encoder's threads would keep it alive.
const run = command === "nightly" ? nightly(arg ?? defaultVersion()).then(() => process.exit(0)) : serve();
run.catch((error: unknown) => {
  line({
    event: "fatal",
    code: error instanceof TandemError ? error.code : undefined,
    reason: String(error),
  });
  process.exit(1);
});
