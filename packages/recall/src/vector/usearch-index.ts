import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ArtifactError } from "@tandem/core";
import type * as Usearch from "usearch";
import type { Index, Matches } from "usearch";

// Through require, not an ESM import: under tsx's loader registered inside a worker thread (spawnWorker),
// importing usearch's ESM build hangs forever; its CommonJS build loads (precompute workers need it).
const {
  Index: UsearchNative,
  MetricKind,
  ScalarKind,
} = createRequire(import.meta.url)("usearch") as typeof Usearch;

import {
  checkQueries,
  checkRows,
  excludedFor,
  type SearchHits,
  type SearchOptions,
  type VectorIndex,
} from "./vector-index.js";

export interface UsearchOptions {
  /** HNSW graph degree (M). Default 16. */
  connectivity?: number;
  /** Beam width while inserting (efConstruction). Default 128. */
  expansionAdd?: number;
  /** Beam width while searching (ef). Default 128: recall@10 ≥ 0.95 on MF item factors. */
  expansionSearch?: number;
  /**
   * How the graph stores vectors. Default "f32". "f16" halves the bytes a search pulls from memory (at
   * 512 dims a query's cost is mostly those reads; i8 was measured and lost 12 points of recall@50).
   */
  quantization?: UsearchQuantization;
}

export type UsearchQuantization = "f32" | "f16";
const SCALAR: Record<UsearchQuantization, Usearch.ScalarKind> = { f32: ScalarKind.F32, f16: ScalarKind.F16 };

interface Sidecar extends Required<UsearchOptions> {
  backend: "usearch";
  dim: number;
  size: number;
}

/**
 * Approximate inner-product search with usearch's HNSW graph (native, built and searched on one thread so
 * the same rows give the same graph and the same answers). The default ANN backend. usearch reports IP "distance" as 1 − dot, converted back to dot here.
 */
export class UsearchIndex implements VectorIndex {
  readonly backend = "usearch";
  private readonly index: Index;
  private readonly options: Required<UsearchOptions>;

  constructor(
    readonly dim: number,
    options: UsearchOptions = {},
  ) {
    this.options = {
      connectivity: options.connectivity ?? 16,
      expansionAdd: options.expansionAdd ?? 128,
      expansionSearch: options.expansionSearch ?? 128,
      quantization: options.quantization ?? "f32",
    };
    this.index = new UsearchNative({
      dimensions: dim,
      metric: MetricKind.IP,
      quantization: SCALAR[this.options.quantization],
      connectivity: this.options.connectivity,
      expansion_add: this.options.expansionAdd,
      expansion_search: this.options.expansionSearch,
      multi: false,
    });
  }

  get size(): number {
    return this.index.size();
  }

  has(key: number): boolean {
    return this.index.contains(BigInt(key)) as boolean;
  }

  add(keys: ArrayLike<number>, vectors: Float32Array): void {
    const n = checkRows(this.dim, keys, vectors);
    if (n === 0) return;
    const big = BigUint64Array.from(Array.from(keys, (k) => BigInt(k)));
    // usearch rejects duplicate keys in a non-multi index: replacing means remove, then add.
    const present = Array.from(keys).filter((k) => this.has(k));
    if (present.length > 0) this.remove(present);
    // One thread: a graph built on several is different on every run (insertion races), and then so are
    // MF candidates, fusion examples and the published lists. usearch sizes its per-thread search state by
    // the add's thread count, so searches run on one thread too (precompute parallelises over users).
    this.index.add(big, vectors, 1);
  }

  remove(keys: ArrayLike<number>): number {
    let removed = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = BigInt(keys[i]!);
      if (this.index.contains(key)) removed += this.index.remove(key) as number;
    }
    return removed;
  }

  search(queries: Float32Array, k: number, options: SearchOptions = {}): SearchHits[] {
    const nq = checkQueries(this.dim, queries, k);
    const size = this.size;
    const out: SearchHits[] = [];
    if (size === 0) {
      for (let q = 0; q < nq; q++) out.push({ keys: new Int32Array(0), scores: new Float32Array(0) });
      return out;
    }
    // No filtered search in the JS binding: over-fetch, then drop excluded keys. A history of thousands
    // would make every query ask for thousands of hits (the beam grows with them, far past a scan's cost),
    // though few of them sit among the nearest: ask for k more first, and for all only when that fell short.
    for (let q = 0; q < nq; q++) {
      const query = nq === 1 ? queries : queries.subarray(q * this.dim, (q + 1) * this.dim);
      const skip = excludedFor(options.exclude, q);
      const full = Math.min(size, k + (skip?.size ?? 0));
      const first = Math.min(full, 2 * k);
      let hits = this.filtered(query, first, k, skip);
      if (hits.keys.length < k && first < full) hits = this.filtered(query, full, k, skip);
      out.push(hits);
    }
    return out;
  }

  /** The first `k` of `fetch` nearest hits not in `skip`, on the one thread the graph was built with. */
  private filtered(
    query: Float32Array,
    fetch: number,
    k: number,
    skip: ReadonlySet<number> | undefined,
  ): SearchHits {
    const m = this.index.search(query, fetch, 1) as Matches;
    const keys: number[] = [];
    const scores: number[] = [];
    for (let r = 0; r < m.keys.length && keys.length < k; r++) {
      const distance = m.distances[r]!;
      if (Number.isNaN(distance)) break;
      const key = Number(m.keys[r]!);
      if (skip?.has(key)) continue;
      keys.push(key);
      scores.push(1 - distance);
    }
    return { keys: Int32Array.from(keys), scores: Float32Array.from(scores) };
  }

  save(path: string): void {
    this.index.save(path);
    const sidecar: Sidecar = { backend: "usearch", dim: this.dim, size: this.size, ...this.options };
    writeFileSync(`${path}.json`, JSON.stringify(sidecar));
  }

  static load(path: string): UsearchIndex {
    if (!existsSync(path) || !existsSync(`${path}.json`))
      throw new ArtifactError(`${path}: usearch index or its ${path}.json sidecar is missing`);
    let sidecar: Sidecar;
    try {
      sidecar = JSON.parse(readFileSync(`${path}.json`, "utf8")) as Sidecar;
    } catch (cause) {
      throw new ArtifactError(`${path}.json: not valid JSON`, { cause });
    }
    if (sidecar.backend !== "usearch" || !Number.isInteger(sidecar.dim) || sidecar.dim <= 0)
      throw new ArtifactError(`${path}.json: not a usearch index sidecar`);
    const index = new UsearchIndex(sidecar.dim, sidecar);
    try {
      index.index.load(path);
    } catch (cause) {
      throw new ArtifactError(`${path}: usearch could not load the index (${String(cause)})`, { cause });
    }
    if (index.index.dimensions() !== sidecar.dim || index.size !== sidecar.size)
      throw new ArtifactError(
        `${path}: holds ${index.size} × ${index.index.dimensions()}, sidecar says ${sidecar.size} × ${sidecar.dim}`,
      );
    return index;
  }
}
