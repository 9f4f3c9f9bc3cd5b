import { ConfigError } from "@tandem/core";
import type { Csr } from "./csr.js";
import { ALS_CG_WASM } from "./wasm/als-cg-wasm.js";

/** Byte offsets of one CSR orientation inside the arena. */
export interface CsrAt {
  rows: number;
  indptr: number;
  indices: number;
  values: number;
}

/**
 * Where everything the WebAssembly row solver reads and writes sits in its one shared memory: both
 * orientations of the confidence matrix, both factor tables, YᵀY + λI (float32) and a scratch block of
 * 4k floats per thread. Plain numbers, so it travels to worker threads with the memory.
 */
export interface AlsArenaLayout {
  k: number;
  byUser: CsrAt;
  byItem: CsrAt;
  users: number;
  items: number;
  gram: number;
  scratch: number;
  threads: number;
  bytes: number;
}

const PAGE = 65536;
// wasm32 addresses 4 GiB; above that the JavaScript kernel (recall.als.kernel = "js") still works.
const MAX_BYTES = 65536 * PAGE;

let compiled: WebAssembly.Module | null = null;
const kernelModule = () => {
  compiled ??= new WebAssembly.Module(Buffer.from(ALS_CG_WASM, "base64"));
  return compiled;
};

type SolveRows = (
  indptr: number,
  indices: number,
  values: number,
  x: number,
  y: number,
  gram: number,
  scratch: number,
  k: number,
  steps: number,
  from: number,
  to: number,
) => void;

/** Whether the WebAssembly solver can take factors of dimension k (it works in lanes of four floats). */
export const wasmKernelFits = (k: number) => k % 4 === 0;

/**
 * The WebAssembly SIMD conjugate-gradient row solver (wasm/als-cg.wat) over one shared memory. The
 * calling thread and every ALS worker instantiate the same module on the same memory; rows are
 * independent and each thread has its own scratch, so any split of rows gives the same factors.
 */
export class AlsWasmArena {
  private readonly solveRows: SolveRows;

  private constructor(
    readonly memory: WebAssembly.Memory,
    readonly layout: AlsArenaLayout,
  ) {
    const instance = new WebAssembly.Instance(kernelModule(), { env: { memory } });
    this.solveRows = instance.exports["solveRows"] as SolveRows;
  }

  /** Copies both orientations of the matrix in and reserves the factor tables (zeroed). */
  static create(byUser: Csr, byItem: Csr, k: number, threads: number): AlsWasmArena {
    if (!wasmKernelFits(k))
      throw new ConfigError(`the WebAssembly ALS kernel needs factors divisible by 4, got ${k}`);
    let at = 0;
    const take = (bytes: number) => {
      const start = at;
      at += Math.ceil(bytes / 16) * 16;
      return start;
    };
    const place = (m: Csr): CsrAt => ({
      rows: m.rows,
      indptr: take(m.indptr.byteLength),
      indices: take(m.indices.byteLength),
      values: take(m.values.byteLength),
    });
    const layout = {
      k,
      threads,
      byUser: place(byUser),
      byItem: place(byItem),
      users: take(byUser.rows * k * 4),
      items: take(byItem.rows * k * 4),
      gram: take(k * k * 4),
      scratch: take(threads * 4 * k * 4),
      bytes: 0,
    };
    layout.bytes = at;
    if (at > MAX_BYTES) {
      throw new ConfigError(
        `the WebAssembly ALS kernel needs ${(at / 2 ** 30).toFixed(1)} GiB, above wasm32's 4 GiB: set recall.als.kernel = "js"`,
      );
    }
    const pages = Math.max(1, Math.ceil(at / PAGE));
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    const copy = (m: Csr, to: CsrAt) => {
      new Int32Array(memory.buffer, to.indptr, m.indptr.length).set(m.indptr);
      new Int32Array(memory.buffer, to.indices, m.indices.length).set(m.indices);
      new Float32Array(memory.buffer, to.values, m.values.length).set(m.values);
    };
    copy(byUser, layout.byUser);
    copy(byItem, layout.byItem);
    return new AlsWasmArena(memory, layout);
  }

  /** This thread's solver over an arena made by `create` (on any thread). */
  static attach(memory: WebAssembly.Memory, layout: AlsArenaLayout): AlsWasmArena {
    return new AlsWasmArena(memory, layout);
  }

  /** The factor table of one side, as a view on the shared memory. */
  factors(side: "users" | "items"): Float32Array {
    const l = this.layout;
    const rows = side === "users" ? l.byUser.rows : l.byItem.rows;
    return new Float32Array(this.memory.buffer, side === "users" ? l.users : l.items, rows * l.k);
  }

  /** Sets YᵀY + λI for the next half-sweep (computed in float64, solved in float32). */
  setGram(gram: Float64Array): void {
    new Float32Array(this.memory.buffer, this.layout.gram, this.layout.k * this.layout.k).set(gram);
  }

  /** Solves rows [from, to) of one half: "users" given the items, or "items" given the users. */
  solve(half: "users" | "items", from: number, to: number, steps: number, slot = 0): void {
    const l = this.layout;
    const m = half === "users" ? l.byUser : l.byItem;
    const [x, y] = half === "users" ? [l.users, l.items] : [l.items, l.users];
    this.solveRows(
      m.indptr,
      m.indices,
      m.values,
      x,
      y,
      l.gram,
      l.scratch + slot * 16 * l.k,
      l.k,
      steps,
      from,
      to,
    );
  }
}
