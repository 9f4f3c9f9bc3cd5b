import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { ArtifactError, InvalidArgumentError } from "@tandem/core";
import type { TextEncoder } from "./text-encoder.js";
import type { UseLiteOptions } from "./use-lite-encoder.js";

export interface UseLitePoolOptions extends UseLiteOptions {
  /** Worker threads, each with its own model copy (~150 MB). Default: available cores. */
  threads?: number;
}

interface Pending {
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: Error) => void;
}

/**
 * Starts the worker. From compiled JavaScript it is a plain worker file; from TypeScript sources (tests,
 * tsx) the worker first registers tsx's loader in its own thread so it can import the .ts entry.
 */
function spawnWorker(workerData: object): Worker {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./use-lite-worker.js", import.meta.url), { workerData });
  // require.resolve finds the CommonJS build; its ESM twin sits beside it.
  const api = createRequire(import.meta.url)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const tsx = pathToFileURL(api).href;
  const entry = new URL("./use-lite-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * USE-lite on several cores. The shared TF.js runtime runs wasm on one thread, so this spreads batches
 * over worker threads, each holding its own model: the same vectors as UseLiteEncoder (same weights,
 * same code), about `threads` times the throughput on large inputs.
 */
export class UseLitePool implements TextEncoder {
  readonly id = "use-lite-512";
  readonly dim = 512;
  readonly maxInputChars = 600;
  private readonly pending = new Map<number, Pending>();
  private readonly idle: Worker[] = [];
  private readonly queue: { texts: string[]; done: Pending }[] = [];
  private nextId = 0;

  private constructor(
    private readonly workers: Worker[],
    private readonly batchSize: number,
  ) {
    this.idle.push(...workers);
    for (const worker of workers) {
      worker.on("message", (msg: { id: number; vectors?: Float32Array[]; error?: string }) => {
        const job = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error !== undefined) job?.reject(new ArtifactError(`USE-lite worker failed: ${msg.error}`));
        else job?.resolve(msg.vectors!);
        // An idle worker must not keep the process alive (e.g. a CLI run that never calls dispose).
        worker.unref();
        this.idle.push(worker);
        this.pump();
      });
      worker.on("error", (error) => {
        for (const job of this.pending.values()) job.reject(error);
        this.pending.clear();
      });
    }
  }

  static async load(options: UseLitePoolOptions = {}): Promise<UseLitePool> {
    const threads = options.threads ?? Math.max(1, availableParallelism());
    if (!Number.isInteger(threads) || threads < 1)
      throw new InvalidArgumentError(`threads must be a positive integer, got ${threads}`);
    const batchSize = options.batchSize ?? 32;
    const workerData = { ...(options.dir ? { dir: options.dir } : {}), batchSize };
    const workers = Array.from({ length: threads }, () => spawnWorker(workerData));
    try {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              const ready = (msg: { ready?: boolean }) => {
                if (!msg.ready) return;
                w.off("message", ready);
                w.off("error", reject);
                w.off("exit", exited);
                resolve();
              };
              const exited = (code: number) =>
                reject(new ArtifactError(`USE-lite worker exited with code ${code} before it was ready`));
              w.on("message", ready);
              w.once("error", reject);
              w.once("exit", exited);
            }),
        ),
      );
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    for (const w of workers) w.unref();
    return new UseLitePool(workers, batchSize);
  }

  get threads(): number {
    return this.workers.length;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    // Similar lengths per batch (the graph pads to the longest), batches shared out as workers free up.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const out = new Array<Float32Array>(texts.length);
    const jobs: Promise<void>[] = [];
    for (let start = 0; start < order.length; start += this.batchSize) {
      const rows = order.slice(start, start + this.batchSize);
      jobs.push(
        this.submit(rows.map((i) => texts[i]!)).then((vectors) => {
          for (const [b, i] of rows.entries()) out[i] = vectors[b]!;
        }),
      );
    }
    await Promise.all(jobs);
    return out;
  }

  private submit(texts: string[]): Promise<Float32Array[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ texts, done: { resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, job.done);
      worker.ref();
      worker.postMessage({ id, texts: job.texts });
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
