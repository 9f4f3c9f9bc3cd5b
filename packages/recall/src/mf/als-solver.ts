import { shared } from "@tandem/core";
import { type RowProblem, solveRowsCg, splitRows } from "./als-rows.js";
import { AlsThreadPool } from "./als-thread-pool.js";
import { AlsWasmArena, wasmKernelFits } from "./als-wasm-kernel.js";
import { type Csr, transpose } from "./csr.js";
import { exactRowSolve, gramian } from "./linalg.js";

/** Which code solves the rows: WebAssembly SIMD (float32 lanes) or the JavaScript reference (float64). */
export type AlsKernel = "wasm" | "js";

/**
 * One ALS sweep = solve every item given the users, then every user given the items, so at the end
 * of a sweep the user factors are the least-squares answer for the final item factors (what fold-in
 * reproduces). Each row solve uses the YᵀY + Yᵀ(Cu − I)Y decomposition: YᵀY comes once per half-sweep
 * from a TF.js matMul; the per-row work touches only the row's own items (conjugate gradient
 * warm-started from the previous factor, as the `implicit` library does, or an exact Cholesky solve
 * when cgSteps = 0). TF.js kernels are not used per row: the rows are tiny and per-op dispatch would
 * dominate. The CG rows run in WebAssembly SIMD by default (als-wasm-kernel.ts; the matrix and factors
 * then live in its shared memory), or as JavaScript loops. With `threads` > 1 the rows of each half
 * are split by work over worker threads that share the factors: the same factors as one thread, since
 * rows are independent.
 */
export class AlsSolver {
  /** Both orientations of the matrix for the JavaScript kernel (null with wasm: its memory holds them). */
  private readonly js: { itemsByUser: Csr; usersByItem: Csr } | null;
  private readonly arena: AlsWasmArena | null;
  private readonly rows: { users: number; items: number };
  /** Row pointers of each half, for splitting rows over threads by work. */
  private readonly indptr: { users: Int32Array; items: Int32Array };
  private pool: { workers: AlsThreadPool; gram: Float64Array; users: Float32Array } | null = null;

  constructor(
    userConfidence: Csr,
    private readonly k: number,
    private readonly reg: number,
    private readonly cgSteps: number,
    private readonly threads = 1,
    kernel: AlsKernel = "wasm",
  ) {
    const usersByItem = transpose(userConfidence);
    this.rows = { users: userConfidence.rows, items: usersByItem.rows };
    this.indptr = { users: userConfidence.indptr, items: usersByItem.indptr };
    // Cholesky (cgSteps 0) and factor sizes off the four-float lanes stay on the JavaScript path.
    const wasm = kernel === "wasm" && cgSteps > 0 && wasmKernelFits(k);
    this.arena = wasm ? AlsWasmArena.create(userConfidence, usersByItem, k, Math.max(1, threads)) : null;
    this.js = wasm ? null : { itemsByUser: userConfidence, usersByItem };
  }

  /** The kernel actually used (wasm falls back to js for cgSteps 0 or k not divisible by 4). */
  get kernel(): AlsKernel {
    return this.arena ? "wasm" : "js";
  }

  /** Whether sweeps run on worker threads (then factors must live on SharedArrayBuffers: `allocate`). */
  get threaded(): boolean {
    return this.threads > 1 && this.cgSteps > 0;
  }

  /** The factor table of one side (rows × k): in the kernel's memory, or shared with the workers when threaded. */
  allocate(side: "users" | "items"): Float32Array {
    if (this.arena) return this.arena.factors(side);
    const n = this.rows[side] * this.k;
    return this.threaded ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
  }

  async sweep(users: Float32Array, items: Float32Array): Promise<void> {
    if (this.arena) this.checkArenaTables(users, items);
    if (!this.threaded) {
      this.halfStep("items", items, users);
      this.halfStep("users", users, items);
      return;
    }
    const pool = this.startPool(users, items);
    this.setGram(pool, gramian(users, this.rows.users, this.k, this.reg));
    await pool.workers.solve("items", splitRows(this.indptr.items, pool.workers.size));
    this.setGram(pool, gramian(items, this.rows.items, this.k, this.reg));
    await pool.workers.solve("users", splitRows(this.indptr.users, pool.workers.size));
  }

  /** Stops the worker threads (a later sweep starts them again). */
  async close(): Promise<void> {
    await this.pool?.workers.close();
    this.pool = null;
  }

  private checkArenaTables(users: Float32Array, items: Float32Array): void {
    const memory = this.arena!.memory.buffer;
    if (users.buffer !== memory || items.buffer !== memory)
      throw new Error("the WebAssembly ALS kernel needs factors from AlsSolver.allocate");
  }

  private setGram(pool: { gram: Float64Array }, gram: Float64Array): void {
    if (this.arena) this.arena.setGram(gram);
    else pool.gram.set(gram);
  }

  private startPool(users: Float32Array, items: Float32Array) {
    if (this.pool && this.pool.users === users) return this.pool;
    if (!(users.buffer instanceof SharedArrayBuffer) || !(items.buffer instanceof SharedArrayBuffer))
      throw new Error("threaded ALS needs factors from AlsSolver.allocate (SharedArrayBuffer)");
    const gram = new Float64Array(new SharedArrayBuffer(this.k * this.k * 8));
    const js = this.js;
    const workers = !js
      ? AlsThreadPool.start(
          { kernel: "wasm", memory: this.arena!.memory, layout: this.arena!.layout, cgSteps: this.cgSteps },
          this.threads,
        )
      : AlsThreadPool.start(
          {
            kernel: "js",
            byUser: sharedCsr(js.itemsByUser),
            byItem: sharedCsr(js.usersByItem),
            userFactors: users,
            itemFactors: items,
            gram,
            k: this.k,
            cgSteps: this.cgSteps,
          },
          this.threads,
        );
    this.pool = { workers, gram, users };
    return this.pool;
  }

  /** Solves every row of one half (`x`, given the fixed factors `y`) on this thread. */
  private halfStep(half: "users" | "items", x: Float32Array, y: Float32Array): void {
    const k = this.k;
    const other = half === "users" ? "items" : "users";
    const gram = gramian(y, this.rows[other], k, this.reg);
    if (!this.js) {
      this.arena!.setGram(gram);
      this.arena!.solve(half, 0, this.rows[half], this.cgSteps);
      return;
    }
    const m = half === "users" ? this.js.itemsByUser : this.js.usersByItem;
    if (this.cgSteps === 0) {
      for (let r = 0; r < m.rows; r++) {
        const s = m.indptr[r]!;
        const e = m.indptr[r + 1]!;
        const sol = exactRowSolve(gram, y, k, m.indices.subarray(s, e), m.values.subarray(s, e));
        for (let d = 0; d < k; d++) x[r * k + d] = sol[d]!;
      }
      return;
    }
    const problem: RowProblem = { ...m, x, y, gram, k, cgSteps: this.cgSteps };
    solveRowsCg(problem, 0, m.rows);
  }
}

const sharedCsr = (m: Csr) => ({
  indptr: shared(m.indptr),
  indices: shared(m.indices),
  values: shared(m.values),
});
