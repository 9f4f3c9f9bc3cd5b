import { InvalidArgumentError } from "@tandem/core";
import { encodeScoredList, encodeVector } from "../codec.js";
import type { RedisStoreContext } from "./store-context.js";

/** Writes of a version's item-level data into its own slot. */
export class ItemWrites {
  constructor(private readonly ctx: RedisStoreContext) {}

  async writeItemVectors(version: string, kind: string, ids: readonly string[], vectors: Float32Array) {
    const codec = await this.ctx.codec(version);
    const dims = codec.itemVectorDims(kind);
    if (vectors.length !== ids.length * dims) {
      throw new InvalidArgumentError(`item vectors ${kind}: expected ${ids.length} × ${dims} floats`);
    }
    codec.itemIndexes(ids);
    const key = this.ctx.keys.itemVectors(version, kind);
    const rows = this.ctx.batch * 4;
    for (let start = 0; start < ids.length; start += rows) {
      const end = Math.min(ids.length, start + rows);
      const args: (string | Buffer)[] = [];
      for (let i = start; i < end; i++) {
        args.push(ids[i]!, encodeVector(vectors.subarray(i * dims, (i + 1) * dims)));
      }
      await this.ctx.call("writeItemVectors", () => this.ctx.redis.hset(key, ...(args as [string, Buffer])));
    }
  }

  async writePopularity(version: string, items: readonly string[], scores: Float32Array) {
    const codec = await this.ctx.codec(version);
    if (scores.length !== items.length) throw new InvalidArgumentError("popularity: one score per item");
    const bytes = encodeScoredList(codec.itemIndexes(items), scores, 1);
    await this.ctx.call("writePopularity", () =>
      this.ctx.redis.set(this.ctx.keys.popularity(version), bytes),
    );
  }
}
