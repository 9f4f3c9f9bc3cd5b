import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { ArtifactError } from "@tandem/core";
import {
  checkQueries,
  checkRows,
  excludedFor,
  type SearchHits,
  type SearchOptions,
  type VectorIndex,
} from "./vector-index.js";

/** The slice of faiss-node's IndexFlatIP this adapter uses (faiss-node is optional and not a dependency). */
interface FaissFlatIP {
  ntotal(): number;
  add(vectors: number[]): void;
  search(query: number[], k: number): { labels: number[]; distances: number[] };
  removeIds(ids: number[]): number;
  write(path: string): void;
}
interface FaissModule {
  IndexFlatIP: { new (dim: number): FaissFlatIP; read(path: string): FaissFlatIP };
}

let faiss: FaissModule | null | undefined;

/** Loads faiss-node once; null when it is not installed (the usual case), so callers can skip cleanly. */
export async function loadFaiss(): Promise<FaissModule | null> {
  if (faiss !== undefined) return faiss;
  try {
    const name = "faiss-node"; // a variable so TypeScript and bundlers do not require it
    const mod = (await import(/* @vite-ignore */ name)) as FaissModule & { default?: FaissModule };
    faiss = mod.IndexFlatIP ? mod : (mod.default ?? null);
  } catch {
    faiss = null;
  }
  return faiss;
}

/**
 * Exact inner-product search in faiss (IndexFlatIP). faiss labels are row positions that shift on
 * removal, so this adapter keeps the key of every row in the same order and compacts it the same way.
 * Only constructible after `loadFaiss()` returned the module.
 */
export class FaissIndex implements VectorIndex {
  readonly backend = "faiss";
  private keys: number[] = [];

  private constructor(
    readonly dim: number,
    private index: FaissFlatIP,
  ) {}

  static create(mod: FaissModule, dim: number): FaissIndex {
    return new FaissIndex(dim, new mod.IndexFlatIP(dim));
  }

  get size(): number {
    return this.keys.length;
  }

  has(key: number): boolean {
    return this.keys.includes(key);
  }

  add(keys: ArrayLike<number>, vectors: Float32Array): void {
    const n = checkRows(this.dim, keys, vectors);
    if (n === 0) return;
    this.remove(Array.from(keys).filter((k) => this.has(k)));
    this.index.add(Array.from(vectors));
    for (let i = 0; i < n; i++) this.keys.push(keys[i]!);
  }

  remove(keys: ArrayLike<number>): number {
    const gone = new Set(Array.from(keys));
    const rows: number[] = [];
    this.keys.forEach((k, row) => {
      if (gone.has(k)) rows.push(row);
    });
    if (rows.length === 0) return 0;
    this.index.removeIds(rows);
    this.keys = this.keys.filter((k) => !gone.has(k));
    return rows.length;
  }

  search(queries: Float32Array, k: number, options: SearchOptions = {}): SearchHits[] {
    const nq = checkQueries(this.dim, queries, k);
    const out: SearchHits[] = [];
    for (let q = 0; q < nq; q++) {
      const skip = excludedFor(options.exclude, q);
      const fetch = Math.min(this.size, k + (skip?.size ?? 0));
      const keys: number[] = [];
      const scores: number[] = [];
      if (fetch > 0) {
        const r = this.index.search(Array.from(queries.subarray(q * this.dim, (q + 1) * this.dim)), fetch);
        for (let i = 0; i < r.labels.length && keys.length < k; i++) {
          const label = r.labels[i]!;
          if (label < 0) break;
          const key = this.keys[label]!;
          if (skip?.has(key)) continue;
          keys.push(key);
          scores.push(r.distances[i]!);
        }
      }
      out.push({ keys: Int32Array.from(keys), scores: Float32Array.from(scores) });
    }
    return out;
  }

  save(path: string): void {
    this.index.write(path);
    writeFileSync(`${path}.json`, JSON.stringify({ backend: "faiss", dim: this.dim, keys: this.keys }));
  }

  static load(mod: FaissModule, path: string): FaissIndex {
    if (!existsSync(path) || !existsSync(`${path}.json`))
      throw new ArtifactError(`${path}: faiss index or its ${path}.json sidecar is missing`);
    let meta: { backend?: string; dim?: number; keys?: number[] };
    try {
      meta = JSON.parse(readFileSync(`${path}.json`, "utf8"));
    } catch (cause) {
      throw new ArtifactError(`${path}.json: not valid JSON`, { cause });
    }
    if (meta.backend !== "faiss" || !meta.dim || !Array.isArray(meta.keys))
      throw new ArtifactError(`${path}.json: not a faiss index sidecar`);
    let raw: FaissFlatIP;
    try {
      raw = mod.IndexFlatIP.read(path);
    } catch (cause) {
      throw new ArtifactError(`${path}: faiss could not read the index`, { cause });
    }
    if (raw.ntotal() !== meta.keys.length)
      throw new ArtifactError(
        `${path}: faiss holds ${raw.ntotal()} vectors, sidecar lists ${meta.keys.length}`,
      );
    const index = new FaissIndex(meta.dim, raw);
    index.keys = meta.keys;
    return index;
  }
}
