import { NotFoundError } from "@tandem/core";
import { decodeScoredList, decodeVector, decodeVectors } from "../codec.js";
import { assertSafeName } from "../keys.js";
import type { ItemVectors, PopularityList } from "../types.js";
import { mapError } from "./redis-errors.js";
import type { RedisStoreContext } from "./store-context.js";
import type { VersionResolver } from "./version-resolver.js";

/** Reads of a version's item-level data (its own slot): vectors, popularity, metadata, catalogue. */
export class ItemReads {
  constructor(
    private readonly ctx: RedisStoreContext,
    private readonly resolver: VersionResolver,
  ) {}

  async getItemVectors(kind: string, itemIds: readonly string[]): Promise<ItemVectors> {
    assertSafeName("kind", kind);
    const got = await this.resolver.at("getItemVectors", null, (version, codec) =>
      kind in codec.info.itemKinds && itemIds.length > 0
        ? this.ctx.redis.hmgetBuffer(this.ctx.keys.itemVectors(version, kind), ...itemIds)
        : Promise.resolve([] as (Buffer | null)[]),
    );
    if (!got) throw new NotFoundError("model", "live version (nothing published)");
    const dims = got.codec.itemVectorDims(kind);
    return {
      version: got.version,
      dims,
      vectors: itemIds.map((_, i) => {
        const b = got.value[i];
        return b ? decodeVector(b, dims) : null;
      }),
    };
  }

  async getItemVectorsAt(
    version: string,
    kind: string,
    itemIds: readonly string[],
  ): Promise<ItemVectors | null> {
    assertSafeName("kind", kind);
    const codec = await this.ctx.codecOrNull(version);
    if (!codec) return null;
    const dims = codec.itemVectorDims(kind);
    if (itemIds.length === 0) return { version, dims, vectors: [] };
    const replies = await this.ctx.call("getItemVectorsAt", () =>
      this.ctx.redis
        .multi()
        .exists(this.ctx.keys.meta(version))
        .hmgetBuffer(this.ctx.keys.itemVectors(version, kind), ...itemIds)
        .exec(),
    );
    const [exists, values] = (replies ?? []).map(([error, value]) => {
      if (error) mapError(error, "getItemVectorsAt");
      return value;
    }) as [number, (Buffer | null)[]];
    return exists ? { version, dims, vectors: decodeVectors(values, dims) } : null;
  }

  async getPopularity(limit?: number): Promise<PopularityList | null> {
    const got = await this.resolver.at("getPopularity", null, (version) =>
      this.ctx.redis.getBuffer(this.ctx.keys.popularity(version)),
    );
    const bytes = got?.value;
    if (!got || !bytes) return null;
    const { indexes, features } = decodeScoredList(bytes);
    const n = Math.min(indexes.length, limit ?? indexes.length);
    return {
      version: got.version,
      items: Array.from(indexes.subarray(0, n), (i) => got.codec.itemIds[i]!),
      scores: features.slice(0, n),
    };
  }

  async getMetadata(name: string): Promise<unknown> {
    assertSafeName("metadata name", name);
    const got = await this.resolver.at("getMetadata", null, (version) =>
      this.ctx.redis.hget(this.ctx.keys.meta(version), name),
    );
    return got?.value ? JSON.parse(got.value) : null;
  }

  async getItemIds(): Promise<readonly string[]> {
    const got = await this.resolver.at("getItemIds", null, async () => true as const);
    return got ? got.codec.itemIds : [];
  }
}
