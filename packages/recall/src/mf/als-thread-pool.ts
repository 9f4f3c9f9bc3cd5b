import type { Worker } from "node:worker_threads";
import { ArtifactError, spawnWorker } from "@tandem/core";
import type { AlsArenaLayout } from "./als-wasm-kernel.js";

/** One orientation of the confidence matrix, in shared memory. */
export interface SharedCsr {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** What every ALS worker reads (and the factor tables it writes), all on SharedArrayBuffers. */
export type AlsShared = AlsSharedJs | AlsSharedWasm;

/** The JavaScript kernel's inputs: separate shared typed arrays. */
export interface AlsSharedJs {
  kernel: "js";
  byUser: SharedCsr;
  byItem: SharedCsr;
  userFactors: Float32Array;
  itemFactors: Float32Array;
  gram: Float64Array;
  k: number;
  cgSteps: number;
}

/** The WebAssembly kernel's inputs: one shared memory laid out as `layout` says. */
export interface AlsSharedWasm {
  kernel: "wasm";
  memory: WebAssembly.Memory;
  layout: AlsArenaLayout;
  cgSteps: number;
}

export interface AlsTask {
  id: number;
  /** The worker's index: its scratch slot in the WebAssembly memory. */
  slot: number;
  half: "users" | "items";
  from: number;
  to: number;
}

/**
 * ALS row solves on worker threads over shared factors: each half-sweep sends one row range per thread
 * and waits for all. Workers are unreferenced while idle, so a forgotten pool never keeps a process alive.
 */
export class AlsThreadPool {
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 0;

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      worker.unref();
      worker.on("message", (msg: { id: number; error?: string }) => {
        const job = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error !== undefined) job?.reject(new ArtifactError(`ALS worker failed: ${msg.error}`));
        else job?.resolve();
      });
      worker.on("error", (error) => this.failAll(error));
    }
  }

  static start(data: AlsShared, threads: number): AlsThreadPool {
    const entry = new URL(`./als-worker${import.meta.url.slice(-3)}`, import.meta.url);
    return new AlsThreadPool(Array.from({ length: threads }, () => spawnWorker(entry, data)));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Solves rows [bounds[t], bounds[t+1]) on worker t, for every t; resolves when all are done. */
  async solve(half: AlsTask["half"], bounds: readonly number[]): Promise<void> {
    for (const w of this.workers) w.ref();
    try {
      await Promise.all(
        this.workers.map(
          (worker, t) =>
            new Promise<void>((resolve, reject) => {
              const id = this.nextId++;
              this.pending.set(id, { resolve, reject });
              worker.postMessage({
                id,
                slot: t,
                half,
                from: bounds[t]!,
                to: bounds[t + 1]!,
              } satisfies AlsTask);
            }),
        ),
      );
    } finally {
      for (const w of this.workers) w.unref();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private failAll(error: Error): void {
    for (const job of this.pending.values())
      job.reject(new ArtifactError(`ALS worker died: ${error.message}`));
    this.pending.clear();
  }
}
