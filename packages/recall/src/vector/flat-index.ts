import { readFileSync, writeFileSync } from "node:fs";
import { ArtifactError } from "@tandem/core";
import { TopKHeap } from "@tandem/eval";
import { FlatScan } from "./flat-scan.js";
import {
  checkQueries,
  checkRows,
  excludedFor,
  type SearchHits,
  type SearchOptions,
  type VectorIndex,
} from "./vector-index.js";

const MAGIC = 0x54464c54; // "TLFT": Tandem flat index
const HEADER_INTS = 4; // magic, version, dim, count
/**
 * Exact inner-product search over dense typed arrays: the reference every ANN backend is tested against,
 * and the right choice up to ~100k vectors. Rows are contiguous; removal swaps the last row in.
 */
export class FlatIndex implements VectorIndex {
  readonly backend = "flat";
  private data: Float32Array;
  private keys: Int32Array;
  private rows = new Map<number, number>();
  private count = 0;
  /** The rows in WebAssembly memory for the scan; rebuilt on the first search after a change. */
  private scanner: FlatScan | null = null;
  private marks = new Uint8Array(0);

  constructor(
    readonly dim: number,
    capacity = 1024,
  ) {
    this.data = new Float32Array(Math.max(1, capacity) * dim);
    this.keys = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.count;
  }

  has(key: number): boolean {
    return this.rows.has(key);
  }

  add(keys: ArrayLike<number>, vectors: Float32Array): void {
    const n = checkRows(this.dim, keys, vectors);
    this.scanner = null;
    this.reserve(this.count + n);
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      let row = this.rows.get(key);
      if (row === undefined) {
        row = this.count++;
        this.rows.set(key, row);
        this.keys[row] = key;
      }
      this.data.set(vectors.subarray(i * this.dim, (i + 1) * this.dim), row * this.dim);
    }
  }

  remove(keys: ArrayLike<number>): number {
    this.scanner = null;
    let removed = 0;
    for (let i = 0; i < keys.length; i++) {
      const row = this.rows.get(keys[i]!);
      if (row === undefined) continue;
      const last = --this.count;
      if (row !== last) {
        const movedKey = this.keys[last]!;
        this.keys[row] = movedKey;
        this.data.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
        this.rows.set(movedKey, row);
      }
      this.rows.delete(keys[i]!);
      removed++;
    }
    return removed;
  }

  /** The stored vector of `key` (a copy), or undefined. */
  vector(key: number): Float32Array | undefined {
    const row = this.rows.get(key);
    return row === undefined ? undefined : this.data.slice(row * this.dim, (row + 1) * this.dim);
  }

  search(queries: Float32Array, k: number, options: SearchOptions = {}): SearchHits[] {
    const nq = checkQueries(this.dim, queries, k);
    const out: SearchHits[] = [];
    this.scanner ??= FlatScan.of(this.data, this.count, this.dim);
    const heap = new TopKHeap(Math.min(k, this.count));
    const offsets = [0, 0, 0, 0];
    for (let q = 0; q < nq; ) {
      if (nq - q === 1) {
        out.push(this.topOf(this.scanner.run(queries, q * this.dim), 0, 1, heap, options, q));
        q++;
        continue;
      }
      // Two or more left: one pass over the rows for four (a short group repeats its last query).
      const m = Math.min(4, nq - q);
      for (let i = 0; i < 4; i++) offsets[i] = (q + Math.min(i, m - 1)) * this.dim;
      const scores = this.scanner.run4(queries, offsets);
      for (let i = 0; i < m; i++) out.push(this.topOf(scores, i, 4, heap, options, q + i));
      q += m;
    }
    return out;
  }

  /** The top hits of query `q` from `scores` (row r's at r * stride + lane), its exclusions skipped. */
  private topOf(
    scores: Float32Array,
    lane: number,
    stride: number,
    heap: TopKHeap,
    options: SearchOptions,
    q: number,
  ): SearchHits {
    // Excluded keys marked by row (a user's history: ~100 lookups) instead of a set lookup per row.
    const skip = excludedFor(options.exclude, q);
    const marks = this.markRows(skip, 1);
    heap.clear();
    for (let r = 0; r < this.count; r++)
      if (marks[r] === 0) heap.push(scores[r * stride + lane]!, this.keys[r]!);
    this.markRows(skip, 0);
    return heap.drain();
  }

  /** Sets the row mark of every key in `keys` to `mark`; the marks (one byte per row) are reused. */
  private markRows(keys: ReadonlySet<number> | undefined, mark: number): Uint8Array {
    if (this.marks.length < this.count) this.marks = new Uint8Array(this.keys.length);
    if (keys)
      for (const key of keys) {
        const row = this.rows.get(key);
        if (row !== undefined) this.marks[row] = mark;
      }
    return this.marks;
  }

  save(path: string): void {
    const header = new Int32Array([MAGIC, 1, this.dim, this.count]);
    const buf = Buffer.alloc(HEADER_INTS * 4 + this.count * 4 + this.count * this.dim * 4);
    buf.set(new Uint8Array(header.buffer), 0);
    buf.set(new Uint8Array(this.keys.buffer, 0, this.count * 4), HEADER_INTS * 4);
    buf.set(new Uint8Array(this.data.buffer, 0, this.count * this.dim * 4), HEADER_INTS * 4 + this.count * 4);
    writeFileSync(path, buf);
  }

  static load(path: string): FlatIndex {
    const buf = readFileSync(path);
    if (buf.length < HEADER_INTS * 4) throw new ArtifactError(`${path}: too short for a flat index header`);
    const [magic, version, dim, count] = [0, 1, 2, 3].map((i) => buf.readInt32LE(i * 4)) as [
      number,
      number,
      number,
      number,
    ];
    if (magic !== MAGIC || version !== 1)
      throw new ArtifactError(`${path}: not a Tandem flat index (bad magic/version)`);
    const expected = HEADER_INTS * 4 + count * 4 + count * dim * 4;
    if (dim <= 0 || count < 0 || buf.length !== expected)
      throw new ArtifactError(
        `${path}: expected ${expected} bytes for ${count} × ${dim}, file has ${buf.length}`,
      );
    const index = new FlatIndex(dim, count);
    // Copy into aligned typed arrays (the Buffer's offset need not be 4-aligned).
    const body = new Uint8Array(buf.buffer, buf.byteOffset + HEADER_INTS * 4, count * 4 * (dim + 1)).slice();
    const keys = new Int32Array(body.buffer, 0, count);
    const vectors = new Float32Array(body.buffer, count * 4, count * dim);
    index.add(keys, vectors);
    return index;
  }

  private reserve(n: number): void {
    if (n <= this.keys.length) return;
    const cap = Math.max(n, this.keys.length * 2);
    const data = new Float32Array(cap * this.dim);
    data.set(this.data.subarray(0, this.count * this.dim));
    const keys = new Int32Array(cap);
    keys.set(this.keys.subarray(0, this.count));
    this.data = data;
    this.keys = keys;
  }
}
