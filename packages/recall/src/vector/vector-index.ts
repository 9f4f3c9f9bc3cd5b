import { InvalidArgumentError } from "@tandem/core";

/** Keys to skip for a search: one set for every query, or one set per query (e.g. each user's history). */
export type Exclude = ReadonlySet<number> | readonly (ReadonlySet<number> | undefined)[];

export interface SearchOptions {
  exclude?: Exclude;
}

/** One query's hits, best first. Scores are inner products (higher is better). */
export interface SearchHits {
  keys: Int32Array;
  scores: Float32Array;
}

/**
 * A maximum-inner-product index over float32 vectors with integer keys (e.g. item indexes).
 * Vectors are passed row-major: `vectors.length === keys.length * dim`. `search` takes one query
 * (`dim` floats) or a batch (`n * dim` floats) and returns one `SearchHits` per query.
 */
export interface VectorIndex {
  /** Backend name: "flat", "usearch", "faiss". */
  readonly backend: string;
  readonly dim: number;
  readonly size: number;
  /** Adds vectors; re-adding an existing key replaces its vector. Keys are integers in [0, 2^31). */
  add(keys: ArrayLike<number>, vectors: Float32Array): void;
  /** Removes keys; unknown keys are ignored. Returns how many were removed. */
  remove(keys: ArrayLike<number>): number;
  has(key: number): boolean;
  search(queries: Float32Array, k: number, options?: SearchOptions): SearchHits[];
  /** Writes the index to `path` (backends may add a `${path}.json` sidecar). Load with the backend's static `load`. */
  save(path: string): void;
}

/** Validates an add() call and returns the number of rows. */
export function checkRows(dim: number, keys: ArrayLike<number>, vectors: Float32Array): number {
  if (vectors.length !== keys.length * dim)
    throw new InvalidArgumentError(
      `expected ${keys.length} × ${dim} = ${keys.length * dim} floats, got ${vectors.length}`,
    );
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (!Number.isInteger(key) || key < 0 || key > 0x7fffffff)
      throw new InvalidArgumentError(`vector keys must be integers in [0, 2^31), got ${key}`);
  }
  return keys.length;
}

/** Validates a search() call and returns the number of queries. */
export function checkQueries(dim: number, queries: Float32Array, k: number): number {
  if (queries.length === 0 || queries.length % dim !== 0)
    throw new InvalidArgumentError(
      `queries must be a non-empty multiple of dim ${dim}, got ${queries.length}`,
    );
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`k must be a positive integer, got ${k}`);
  return queries.length / dim;
}

/** The exclusion set for query `q`, if any. */
export function excludedFor(exclude: Exclude | undefined, q: number): ReadonlySet<number> | undefined {
  if (exclude === undefined) return undefined;
  return Array.isArray(exclude)
    ? (exclude as readonly (ReadonlySet<number> | undefined)[])[q]
    : (exclude as ReadonlySet<number>);
}

/**
 * A block of queries, each answered exactly as its own search would be: one batched search on a flat
 * index (its scan reads the rows once per four queries); one search per query elsewhere (a usearch batch
 * over-fetches by the largest exclusion set in it, which can change an approximate answer).
 */
export function searchEach(
  index: VectorIndex,
  queries: Float32Array,
  k: number,
  excludes: readonly ReadonlySet<number>[],
): SearchHits[] {
  if (index.backend === "flat") return index.search(queries, k, { exclude: excludes });
  const dim = index.dim;
  return excludes.map(
    (exclude, q) => index.search(queries.subarray(q * dim, (q + 1) * dim), k, { exclude })[0]!,
  );
}
