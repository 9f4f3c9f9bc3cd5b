import { GATHER_DOTS_WASM } from "./wasm/gather-dots-wasm.js";

const PAGE = 65536;
/** Rows per kernel call: the scratch the item indexes and scores use. */
const CHUNK = 1024;

let compiled: WebAssembly.Module | null = null;
const dotsModule = () => {
  compiled ??= new WebAssembly.Module(Buffer.from(GATHER_DOTS_WASM, "base64"));
  return compiled;
};

type Dots2 = (data: number, idx: number, n: number, d: number, a: number, b: number, out: number) => void;

const memo = new WeakMap<Float32Array, GatherDots | null>();

/**
 * Two queries' inner products with chosen rows of an item matrix (a user's candidates) through the SIMD
 * kernel in wasm/gather-dots.wat: ~20× the JavaScript loop on 512-d rows read from a catalogue-sized
 * matrix. The rows are copied into WebAssembly memory once per matrix and thread (`over`), so the matrix
 * must not change afterwards (stage matrices are fixed once fitted).
 */
export class GatherDots {
  private readonly dots2: Dots2;
  private readonly a: Float32Array;
  private readonly b: Float32Array;
  private readonly idx: Int32Array;
  private readonly out: Float32Array;

  private constructor(
    memory: WebAssembly.Memory,
    private readonly d: number,
    private readonly at: { a: number; b: number; idx: number; out: number; rows: number },
  ) {
    const { exports } = new WebAssembly.Instance(dotsModule(), { env: { memory } });
    this.dots2 = exports["dots2"] as Dots2;
    this.a = new Float32Array(memory.buffer, at.a, d);
    this.b = new Float32Array(memory.buffer, at.b, d);
    this.idx = new Int32Array(memory.buffer, at.idx, CHUNK);
    this.out = new Float32Array(memory.buffer, at.out, 2 * CHUNK);
  }

  /**
   * The kernel over `rows` (row-major, d floats per row), made on first use and kept while `rows` lives;
   * null when WebAssembly cannot hold a copy (callers fall back to JavaScript).
   */
  static over(rows: Float32Array, d: number): GatherDots | null {
    let dots = memo.get(rows);
    if (dots === undefined) {
      dots = GatherDots.tryOf(rows, d);
      memo.set(rows, dots);
    }
    return dots;
  }

  private static tryOf(rows: Float32Array, d: number): GatherDots | null {
    const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
    const a = 0;
    const b = align(4 * d);
    const idx = b + align(4 * d);
    const out = idx + 4 * CHUNK;
    const at = { a, b, idx, out, rows: out + 8 * CHUNK };
    const pages = Math.ceil((at.rows + rows.length * 4) / PAGE);
    if (pages > 65536) return null;
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: Math.max(1, pages) });
    } catch {
      return null; // no room for the copy: the JavaScript loop still works
    }
    new Float32Array(memory.buffer, at.rows, rows.length).set(rows);
    return new GatherDots(memory, d, at);
  }

  /** [a · row(items[r]), b · row(items[r])] for each r, interleaved: a fresh 2 × items.length array. */
  pairs(a: Float32Array, b: Float32Array, items: Int32Array): Float32Array {
    const n = items.length;
    const result = new Float32Array(2 * n);
    this.a.set(a.subarray(0, this.d));
    this.b.set(b.subarray(0, this.d));
    for (let from = 0; from < n; from += CHUNK) {
      const chunk = items.subarray(from, from + CHUNK);
      this.idx.set(chunk);
      this.dots2(this.at.rows, this.at.idx, chunk.length, this.d, this.at.a, this.at.b, this.at.out);
      result.set(this.out.subarray(0, 2 * chunk.length), 2 * from);
    }
    return result;
  }
}
