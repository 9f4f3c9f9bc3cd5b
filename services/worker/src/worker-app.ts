import { ConfigError, type TandemConfig, WORKER_QUEUES } from "@tandem/core";
import {
  type Compute,
  type JobEvent,
  jsonLog,
  PipelineQueues,
  PipelineWorkers,
  PrecomputeProcessors,
  type QueueName,
  UserUpdateScheduler,
} from "@tandem/pipeline";
import { type RedisFeatureStore, redisFeatureStoreFor, redisTargetFrom } from "@tandem/store";
import { computeFor } from "./compute-for.js";
import { HealthServer } from "./health-server.js";

export interface WorkerAppOptions {
  /** The compute to run; default per config `worker.compute` (the Tandem model on the configured dataset). */
  compute?: Compute;
  log?: (event: JobEvent | Record<string, unknown>) => void;
  env?: NodeJS.ProcessEnv;
}

/** Queues whose processors need the dataset-backed compute (the others can start without it). */
const NEEDS_COMPUTE: readonly QueueName[] = [
  "embed-items",
  "update-user",
  "precompute-candidates",
  "train-cf",
];

/** The worker process: the configured queues, their processors, and the health endpoint. */
export class WorkerApp {
  private constructor(
    readonly config: TandemConfig,
    readonly queueNames: readonly QueueName[],
    readonly store: RedisFeatureStore,
    readonly queues: PipelineQueues,
    readonly workers: PipelineWorkers,
    readonly health: HealthServer,
    readonly healthPort: number,
    /** The compute this app created (and so disposes). */
    private readonly owned?: Compute,
  ) {}

  static async start(config: TandemConfig, options: WorkerAppOptions = {}): Promise<WorkerApp> {
    const url = redisTargetFrom(config, options.env ?? process.env);
    if (url === null)
      throw new ConfigError("the worker needs Redis: set store.redisUrl / REDIS_URL or REDIS_CLUSTER_NODES");
    const queueNames = config.worker.queues
      .split(",")
      .map((q) => q.trim())
      .filter((q): q is QueueName => (WORKER_QUEUES as readonly string[]).includes(q));
    const log: (event: JobEvent | Record<string, unknown>) => void = options.log ?? jsonLog;
    const { namespace } = config.store;
    const store = redisFeatureStoreFor(config, url);
    const queues = new PipelineQueues({
      connection: url,
      namespace,
      attempts: config.worker.attempts,
      backoffMs: config.worker.backoffMs,
    });
    const owned =
      options.compute === undefined && queueNames.some((q) => NEEDS_COMPUTE.includes(q))
        ? await computeFor(config, store)
        : undefined;
    const compute = options.compute ?? owned;
    const scheduler = new UserUpdateScheduler(store.redis, store.keys, queues, config.worker.updateDelayMs);
    const processors = new PrecomputeProcessors({
      store,
      queues,
      claim: (userId) => scheduler.claim(userId),
      scheduleUpdates: (userIds) => scheduler.schedule(userIds),
      ...(compute && {
        embedder: compute.embedder,
        candidates: compute.candidates,
        trainer: compute.trainer,
        profiles: compute.profiles,
      }),
    });
    const workers = new PipelineWorkers({
      connection: url,
      prefix: queues.prefix,
      queues: queueNames,
      processors,
      concurrency: config.worker.concurrency,
      lockDuration: config.worker.lockDurationMs,
      stalledInterval: config.worker.stalledIntervalMs,
      log,
      // The production fit runs in a child process so the lock renews (an injected compute stays in-process).
      ...(options.compute === undefined && {
        sandboxed: {
          "train-cf": {
            file: new URL("./train-cf-sandbox.ts", import.meta.url),
            env: { ...process.env, ...options.env },
          },
        },
      }),
    });
    const health = new HealthServer(store.redis, queueNames);
    const healthPort = await health.listen(config.worker.healthPort, config.worker.healthHost);
    if (config.worker.healthPort !== 0 && healthPort !== config.worker.healthPort)
      log({
        time: new Date().toISOString(),
        event: "health-port-taken",
        wanted: config.worker.healthPort,
        healthPort,
      });
    log({ time: new Date().toISOString(), event: "started", queues: queueNames, healthPort, namespace });
    return new WorkerApp(config, queueNames, store, queues, workers, health, healthPort, owned);
  }

  /** Graceful shutdown: finish active jobs, then close connections and the health endpoint. */
  async stop(): Promise<void> {
    await this.workers.close();
    await this.queues.close();
    await this.health.close();
    await this.store.close();
    await this.owned?.close?.();
  }
}
