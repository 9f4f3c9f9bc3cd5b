import { fileURLToPath } from "node:url";
import { InvalidArgumentError, NonRetryableError, NotFoundError } from "@tandem/core";
import type { RedisTarget } from "@tandem/store";
import { type ConnectionOptions, type Job, UnrecoverableError, WaitingChildrenError, Worker } from "bullmq";
import { closeConnection, connectionFrom, type QueueName } from "./pipeline-queues.js";
import type { PrecomputeProcessors } from "./precompute-processors.js";

/** One structured log line per job event. */
export interface JobEvent {
  time: string;
  event: "active" | "completed" | "failed" | "stalled" | "progress" | "error";
  queue: string;
  jobId?: string;
  name?: string;
  attempt?: number;
  progress?: unknown;
  result?: unknown;
  reason?: string;
  willRetry?: boolean;
}

export interface PipelineWorkersOptions {
  /** Redis URL, cluster seed URLs, or BullMQ connection options. */
  connection: RedisTarget | ConnectionOptions;
  /** BullMQ prefix (PipelineQueues.prefix, i.e. `{namespace:bull}`). */
  prefix: string;
  queues: readonly QueueName[];
  processors: PrecomputeProcessors;
  /** Jobs at once per queue (config `worker.concurrency`). Default 2. */
  concurrency?: number;
  /** Job lock in ms (config `worker.lockDurationMs`). Default 30,000. */
  lockDuration?: number;
  /** Stalled-job check period in ms (config `worker.stalledIntervalMs`). Default 30,000. */
  stalledInterval?: number;
  /** After the processors are idle, how long close() waits for BullMQ before forcing. Default 2000 ms. */
  closeGraceMs?: number;
  /** Receives every job event. Default: one JSON line on stdout. */
  log?: (event: JobEvent) => void;
  /**
   * Queues whose jobs run in a sandboxed child process (a BullMQ processor file exporting the processor
   * as default), e.g. train-cf: a long synchronous fit there leaves this process's event loop free to
   * renew the job lock, so the fit is not taken as stalled and run again. `env` is the child's
   * environment (default this process's).
   */
  sandboxed?: Partial<Record<QueueName, { file: string | URL; env?: NodeJS.ProcessEnv }>>;
}

/** Errors that will fail the same way on every try become BullMQ's UnrecoverableError: no retries. */
export function toQueueError(error: unknown): unknown {
  if (error instanceof WaitingChildrenError || error instanceof UnrecoverableError) return error;
  if (
    error instanceof NonRetryableError ||
    error instanceof InvalidArgumentError ||
    error instanceof NotFoundError
  ) {
    return new UnrecoverableError(`${error.code}: ${error.message}`);
  }
  return error;
}

export const jsonLog = (event: JobEvent | Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify(event)}\n`);

/** A BullMQ Worker per served queue, wired to the processors, with structured job-event logs. */
export class PipelineWorkers {
  readonly workers: Worker[] = [];
  /** Processor calls still running, across all queues. */
  private running = 0;
  private idle: (() => void)[] = [];
  private readonly closeGraceMs: number;
  private readonly closeShared: () => Promise<void>;

  constructor(options: PipelineWorkersOptions) {
    const sandboxed = options.sandboxed ?? {};
    options.processors.check(options.queues.filter((q) => sandboxed[q] === undefined));
    this.closeGraceMs = options.closeGraceMs ?? 2000;
    const log = options.log ?? jsonLog;
    const connection = connectionFrom(options.connection);
    this.closeShared = () => closeConnection(connection, options.connection);
    for (const queue of options.queues) {
      const sandbox = sandboxed[queue];
      const run = sandbox ? null : options.processors.processorFor(queue);
      const inProcess = async (job: Job, token?: string) => {
        this.running++;
        try {
          return await run!(job, token);
        } catch (error) {
          throw toQueueError(error);
        } finally {
          this.done();
        }
      };
      const worker = new Worker(
        queue,
        sandbox ? (sandbox.file instanceof URL ? fileURLToPath(sandbox.file) : sandbox.file) : inProcess,
        {
          ...(sandbox && {
            useWorkerThreads: false,
            // The processor file may be TypeScript: the child loads it with tsx, as the worker runs.
            workerForkOptions: {
              env: sandbox.env ?? process.env,
              execArgv: process.execArgv.some((a) => a === "tsx" || a === "--import=tsx")
                ? process.execArgv
                : [...process.execArgv, "--import", "tsx"],
            },
          }),
          connection,
          prefix: options.prefix,
          concurrency: options.concurrency ?? 2,
          lockDuration: options.lockDuration ?? 30_000,
          stalledInterval: options.stalledInterval ?? 30_000,
          // Failed/completed retention comes from the job options (PipelineQueues.jobOptions).
        },
      );
      const at = () => new Date().toISOString();
      if (sandbox) {
        // Sandboxed jobs run in the child: count them from the worker's events, for close().
        worker.on("active", () => this.running++);
        worker.on("completed", () => this.done());
        worker.on("failed", () => this.done());
      }
      worker.on("active", (job) =>
        log({
          time: at(),
          event: "active",
          queue,
          jobId: job.id,
          name: job.name,
          attempt: job.attemptsStarted,
        }),
      );
      worker.on("completed", (job, result) =>
        log({ time: at(), event: "completed", queue, jobId: job.id, name: job.name, result }),
      );
      worker.on("failed", (job, error) => {
        const willRetry =
          job !== undefined && !(error instanceof UnrecoverableError) && error.name !== "UnrecoverableError"
            ? job.attemptsMade < (job.opts.attempts ?? 1)
            : false;
        log({
          time: at(),
          event: "failed",
          queue,
          jobId: job?.id,
          name: job?.name,
          reason: error.message,
          willRetry,
        });
      });
      worker.on("stalled", (jobId) => log({ time: at(), event: "stalled", queue, jobId }));
      worker.on("progress", (job, progress) =>
        log({ time: at(), event: "progress", queue, jobId: job.id, name: job.name, progress }),
      );
      worker.on("error", (error) => log({ time: at(), event: "error", queue, reason: error.message }));
      this.workers.push(worker);
    }
  }

  private done(): void {
    if (--this.running <= 0) {
      this.running = 0;
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  private whenIdle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * Graceful: stops taking jobs, waits for the active ones to finish, then closes. Not plain
   * `worker.close()`: in BullMQ 6.7 it also waits for the blocking fetch, and a fetch re-sent after a
   * quick Redis restart only returns when a job arrives, so close() could hang forever. Instead: pause
   * locally (no new fetches), wait until our processors are idle plus `closeGraceMs` for BullMQ's
   * bookkeeping (moving the last jobs to completed), then close the idle connections by force.
   */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.pause(true)));
    do {
      await this.whenIdle();
      await new Promise((r) => setTimeout(r, this.closeGraceMs));
    } while (this.running > 0);
    await Promise.all(this.workers.map((w) => w.close(true)));
    await this.closeShared();
  }
}
