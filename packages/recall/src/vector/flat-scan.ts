import { FLAT_SCAN_WASM } from "./wasm/flat-scan-wasm.js";

const PAGE = 65536;

let compiled: WebAssembly.Module | null = null;
const scanModule = () => {
  compiled ??= new WebAssembly.Module(Buffer.from(FLAT_SCAN_WASM, "base64"));
  return compiled;
};

type Scan = (data: number, n: number, d: number, q: number, out: number) => void;

/**
 * The flat index's rows in WebAssembly memory and the SIMD scan over them (wasm/flat-scan.wat): the
 * same float64 arithmetic as the JavaScript dot product, ~2.5× faster. A copy of the rows, made again
 * after the index changes (adds and removes come in batches at publish time; searches in millions).
 */
export class FlatScan {
  private readonly scan: Scan;
  private readonly scan4: Scan;
  /** Room for four queries (the blocked scan's); the single scan uses the first. */
  private readonly query: Float64Array;
  /** The scores of the last scan, n floats (valid until the next scan). */
  readonly scores: Float32Array;
  /** The scores of the last four-query scan, row-major n × 4 (valid until the next one). */
  readonly scores4: Float32Array;

  private constructor(
    memory: WebAssembly.Memory,
    private readonly n: number,
    private readonly d: number,
    private readonly at: { query: number; scores: number; scores4: number; data: number },
  ) {
    const { exports } = new WebAssembly.Instance(scanModule(), { env: { memory } });
    this.scan = exports["scan"] as Scan;
    this.scan4 = exports["scan4"] as Scan;
    this.query = new Float64Array(memory.buffer, at.query, 4 * d);
    this.scores = new Float32Array(memory.buffer, at.scores, n);
    this.scores4 = new Float32Array(memory.buffer, at.scores4, 4 * n);
  }

  /** A scan over the first `n` rows of `data` (n × d, row-major), copied in. */
  static of(data: Float32Array, n: number, d: number): FlatScan {
    const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
    const query = 0;
    const scores = align(4 * d * 8);
    const scores4 = scores + align(n * 4);
    const rows = scores4 + align(4 * n * 4);
    const bytes = rows + n * d * 4;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    new Float32Array(memory.buffer, rows, n * d).set(data.subarray(0, n * d));
    return new FlatScan(memory, n, d, { query, scores, scores4, data: rows });
  }

  /** Scores every row against the query `queries[offset .. offset + d)` into `this.scores`. */
  run(queries: Float32Array, offset: number): Float32Array {
    for (let j = 0; j < this.d; j++) this.query[j] = queries[offset + j]!;
    this.scan(this.at.data, this.n, this.d, this.at.query, this.at.scores);
    return this.scores;
  }

  /**
   * Scores every row against the four queries `queries[offsets[i] .. offsets[i] + d)` in one pass into
   * `this.scores4` (score of query i and row r at 4r + i): each the same float as `run` gives.
   */
  run4(queries: Float32Array, offsets: ArrayLike<number>): Float32Array {
    const d = this.d;
    for (let i = 0; i < 4; i++) {
      const from = offsets[i]!;
      for (let j = 0; j < d; j++) this.query[i * d + j] = queries[from + j]!;
    }
    this.scan4(this.at.data, this.n, d, this.at.query, this.at.scores4);
    return this.scores4;
  }
}
