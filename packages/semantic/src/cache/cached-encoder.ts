import { InvalidArgumentError } from "@tandem/core";
import type { TextEncoder } from "../encoder/text-encoder.js";
import { type EmbeddingCache, textKey } from "./embedding-cache.js";

/**
 * A TextEncoder that asks its inner encoder only for texts the cache has never seen (each distinct text
 * once), then stores them: re-embedding an unchanged catalogue makes no encoder calls at all.
 */
export class CachedEncoder implements TextEncoder {
  readonly id: string;
  readonly dim: number;
  readonly maxInputChars?: number;
  /** Texts sent to the inner encoder since construction. */
  misses = 0;
  hits = 0;

  constructor(
    readonly inner: TextEncoder,
    readonly cache: EmbeddingCache,
  ) {
    if (cache.encoderId !== inner.id || cache.dim !== inner.dim)
      throw new InvalidArgumentError(
        `cache holds ${cache.encoderId} (dim ${cache.dim}), encoder is ${inner.id} (dim ${inner.dim})`,
      );
    this.id = inner.id;
    this.dim = inner.dim;
    if (inner.maxInputChars !== undefined) this.maxInputChars = inner.maxInputChars;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const keys = texts.map(textKey);
    const todo = new Map<string, string>();
    keys.forEach((key, i) => {
      if (!this.cache.has(key) && !todo.has(key)) todo.set(key, texts[i]!);
    });
    this.hits += texts.length - todo.size;
    if (todo.size > 0) {
      this.misses += todo.size;
      const vectors = await this.inner.embed([...todo.values()]);
      for (const [i, key] of [...todo.keys()].entries()) this.cache.set(key, vectors[i]!);
      await this.cache.flush();
    }
    return keys.map((key) => this.cache.get(key)!);
  }

  dispose(): Promise<void> | void {
    return this.inner.dispose?.();
  }
}
