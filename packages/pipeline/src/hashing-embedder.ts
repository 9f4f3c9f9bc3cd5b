import { createHash } from "node:crypto";
import type { Embedder } from "./compute.js";

/**
 * NOT a semantic encoder: a deterministic feature-hashing bag of words (each lower-cased token adds
 * ±1 at a hashed position, then L2 normalisation). Cheap and exactly reproducible, for tests of the
 * queue mechanics and for benchmarks; production uses the text encoder from @tandem/semantic.
 */
export class HashingEmbedder implements Embedder {
  readonly id: string;

  constructor(readonly dims = 32) {
    this.id = `hashing-bow-${dims}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => {
      const v = new Float32Array(this.dims);
      for (const token of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
        const h = createHash("md5").update(token).digest();
        v[h.readUInt32LE(0) % this.dims]! += h[4]! & 1 ? 1 : -1;
      }
      let norm = 0;
      for (const x of v) norm += x * x;
      if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= Math.sqrt(norm);
      return v;
    });
  }
}
