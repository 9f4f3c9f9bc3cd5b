import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { ArtifactError, spawnWorker } from "@tandem/core";
import { type Fusion, type StageModels, type StageParts, stageParts } from "@tandem/rerank";
import type { RecordBatch } from "./record-batch.js";

/** What every precompute worker starts from. */
export interface PrecomputeWorkerData {
  parts: StageParts;
  fusion: Fusion;
  keep: number;
}

export interface PrecomputeTask {
  id: number;
  users: Int32Array;
}

type Reply = { id: number; batch: RecordBatch; error?: undefined } | { id: number; error: string };

interface Job {
  worker: number;
  resolve: (b: RecordBatch) => void;
  reject: (e: Error) => void;
}

/**
 * Candidate precompute on worker threads: each worker rebuilds the stage once from shared parts (typed
 * arrays on SharedArrayBuffers, indexes loaded from files saved here), then builds whole user batches;
 * a batch goes to the worker with the fewest in flight. Workers are unreferenced while idle.
 */
export class PrecomputePool {
  private readonly pending = new Map<number, Job>();
  private readonly inFlight: number[];
  private nextId = 0;
  private failure: Error | null = null;

  private constructor(
    private readonly workers: Worker[],
    private readonly dir: string,
  ) {
    this.inFlight = workers.map(() => 0);
    workers.forEach((worker, w) => {
      worker.unref();
      worker.on("message", (msg: Reply) => this.settle(msg));
      worker.on("error", (error) => this.failAll(error));
      worker.on("exit", (code) => {
        if (code !== 0) this.failAll(new Error(`precompute worker ${w} exited with code ${code}`));
      });
    });
  }

  /** Starts `threads` workers on `stage`, scoring with `fusion`, keeping the best `keep` per user. */
  static start(stage: StageModels, fusion: Fusion, keep: number, threads: number): PrecomputePool {
    const dir = mkdtempSync(join(tmpdir(), "tandem-precompute-"));
    try {
      const data: PrecomputeWorkerData = { parts: stageParts(stage, dir), fusion, keep };
      const entry = new URL(`./precompute-worker${import.meta.url.slice(-3)}`, import.meta.url);
      return new PrecomputePool(
        Array.from({ length: threads }, () => spawnWorker(entry, data)),
        dir,
      );
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** The records of `users` (indexes in the stage's history, all known to its MF model), in order. */
  build(users: Int32Array): Promise<RecordBatch> {
    if (this.failure) return Promise.reject(this.failure);
    const w = this.inFlight.indexOf(Math.min(...this.inFlight));
    const id = this.nextId++;
    if (this.inFlight[w]!++ === 0) this.workers[w]!.ref();
    return new Promise<RecordBatch>((resolve, reject) => {
      this.pending.set(id, { worker: w, resolve, reject });
      this.workers[w]!.postMessage({ id, users } satisfies PrecomputeTask);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private settle(msg: Reply): void {
    const job = this.pending.get(msg.id);
    if (!job) return;
    this.pending.delete(msg.id);
    this.release(job.worker);
    if (msg.error !== undefined) job.reject(new ArtifactError(`precompute worker failed: ${msg.error}`));
    else job.resolve(msg.batch);
  }

  private release(w: number): void {
    if (--this.inFlight[w]! === 0) this.workers[w]!.unref();
  }

  private failAll(error: Error): void {
    this.failure ??= new ArtifactError(`precompute worker died: ${error.message}`, { cause: error });
    for (const job of this.pending.values()) {
      this.release(job.worker);
      job.reject(this.failure);
    }
    this.pending.clear();
  }
}
