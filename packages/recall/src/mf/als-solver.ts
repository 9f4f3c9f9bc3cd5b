import { type RowProblem, solveRowsCg, splitRows } from "./als-rows.js";
import { AlsThreadPool, shared } from "./als-thread-pool.js";
import { type Csr, transpose } from "./csr.js";
import { exactRowSolve, gramian } from "./linalg.js";

/**
 * One ALS sweep = solve every item given the users, then every user given the items, so at the end
 * of a sweep the user factors are the least-squares answer for the final item factors (what fold-in
 * reproduces). Each row solve uses the YᵀY + Yᵀ(Cu − I)Y decomposition: YᵀY comes once per half-sweep
 * from a TF.js matMul; the per-row work touches only the row's own items and runs as typed-array
 * loops (conjugate gradient warm-started from the previous factor, as the `implicit` library does, or
 * an exact Cholesky solve when cgSteps = 0). TF.js kernels are not used per row: the rows are tiny and
 * per-op dispatch would dominate. With `threads` > 1 (and CG) the rows of each half are split by work
 * over worker threads that share the factors: the same factors as one thread, since rows are independent.
 */
export class AlsSolver {
  private readonly itemsByUser: Csr;
  private readonly usersByItem: Csr;
  private pool: { workers: AlsThreadPool; gram: Float64Array; users: Float32Array } | null = null;

  constructor(
    userConfidence: Csr,
    private readonly k: number,
    private readonly reg: number,
    private readonly cgSteps: number,
    private readonly threads = 1,
  ) {
    this.itemsByUser = userConfidence;
    this.usersByItem = transpose(userConfidence);
  }

  /** Whether sweeps run on worker threads (then factors must live on SharedArrayBuffers: `allocate`). */
  get threaded(): boolean {
    return this.threads > 1 && this.cgSteps > 0;
  }

  /** A factor table of `rows` × k, shared with the workers when threaded. */
  allocate(rows: number): Float32Array {
    const n = rows * this.k;
    return this.threaded ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
  }

  async sweep(users: Float32Array, items: Float32Array): Promise<void> {
    if (!this.threaded) {
      this.halfStep(this.usersByItem, items, users);
      this.halfStep(this.itemsByUser, users, items);
      return;
    }
    const pool = this.startPool(users, items);
    pool.gram.set(gramian(users, this.itemsByUser.rows, this.k, this.reg));
    await pool.workers.solve("items", splitRows(this.usersByItem.indptr, pool.workers.size));
    pool.gram.set(gramian(items, this.usersByItem.rows, this.k, this.reg));
    await pool.workers.solve("users", splitRows(this.itemsByUser.indptr, pool.workers.size));
  }

  /** Stops the worker threads (a later sweep starts them again). */
  async close(): Promise<void> {
    await this.pool?.workers.close();
    this.pool = null;
  }

  private startPool(users: Float32Array, items: Float32Array) {
    if (this.pool && this.pool.users === users) return this.pool;
    if (!(users.buffer instanceof SharedArrayBuffer) || !(items.buffer instanceof SharedArrayBuffer))
      throw new Error("threaded ALS needs factors from AlsSolver.allocate (SharedArrayBuffer)");
    const csr = (m: Csr) => ({
      indptr: shared(m.indptr),
      indices: shared(m.indices),
      values: shared(m.values),
    });
    const gram = new Float64Array(new SharedArrayBuffer(this.k * this.k * 8));
    const workers = AlsThreadPool.start(
      {
        byUser: csr(this.itemsByUser),
        byItem: csr(this.usersByItem),
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

  /** Solves every row of `x` (rows of `m`) given the fixed factors `y` (columns of `m`), on this thread. */
  halfStep(m: Csr, x: Float32Array, y: Float32Array): void {
    const k = this.k;
    const gram = gramian(y, m.cols, k, this.reg);
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
