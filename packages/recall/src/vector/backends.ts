import { ArtifactError } from "@tandem/core";
import { FaissIndex, loadFaiss } from "./faiss-index.js";
import { FlatIndex } from "./flat-index.js";
import { UsearchIndex, type UsearchQuantization } from "./usearch-index.js";
import type { VectorIndex } from "./vector-index.js";

export type VectorBackendName = "flat" | "usearch" | "faiss";

/** How to make and reload one backend: what the conformance suite and the MF recall source take. */
export interface VectorBackend {
  name: VectorBackendName;
  /** Exact backends return the true top-K; approximate ones are held to a recall tolerance. */
  exact: boolean;
  /** `quantization` is how an approximate index stores vectors (exact backends keep float32). */
  create(dim: number, options?: { quantization?: UsearchQuantization }): VectorIndex;
  load(path: string): VectorIndex;
}

export const flatBackend: VectorBackend = {
  name: "flat",
  exact: true,
  create: (dim) => new FlatIndex(dim),
  load: (path) => FlatIndex.load(path),
};

export const usearchBackend: VectorBackend = {
  name: "usearch",
  exact: false,
  create: (dim, options) => new UsearchIndex(dim, options),
  load: (path) => UsearchIndex.load(path),
};

/**
 * The backend for a catalogue of `size` items: "auto" is exact flat up to `exactMaxItems` (a scan is
 * cheap and exact there) and usearch HNSW above, where a per-query scan would be O(catalogue).
 */
export function backendFor(
  choice: "auto" | "flat" | "usearch",
  size: number,
  exactMaxItems: number,
): VectorBackend {
  if (choice === "flat") return flatBackend;
  if (choice === "usearch") return usearchBackend;
  return size <= exactMaxItems ? flatBackend : usearchBackend;
}

/**
 * The backend that reloads an index saved by `backend` (e.g. on a worker thread). Faiss needs an async
 * import and is never the recall sources' choice, so only flat and usearch qualify.
 */
export function savedIndexBackend(backend: string): VectorBackend {
  if (backend === "flat") return flatBackend;
  if (backend === "usearch") return usearchBackend;
  throw new ArtifactError(`cannot reload a saved "${backend}" index here (flat and usearch only)`);
}

/** Every backend that can run in this process: flat and usearch always, faiss when faiss-node imports. */
export async function availableBackends(): Promise<VectorBackend[]> {
  const backends = [flatBackend, usearchBackend];
  const faiss = await loadFaiss();
  if (faiss) {
    backends.push({
      name: "faiss",
      exact: true,
      create: (dim) => FaissIndex.create(faiss, dim),
      load: (path) => FaissIndex.load(faiss, path),
    });
  }
  return backends;
}

/** Builds an index of the named backend (default usearch, the ANN choice) from row-major vectors. */
export function buildIndex(
  backend: VectorBackend,
  dim: number,
  keys: ArrayLike<number>,
  vectors: Float32Array,
): VectorIndex {
  const index = backend.create(dim);
  index.add(keys, vectors);
  return index;
}
