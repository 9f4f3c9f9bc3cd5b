import { InvalidArgumentError, NotFoundError } from "@tandem/core";
import type { Keys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import type { VersionInfo } from "../types.js";
import { VersionCodec } from "../version-codec.js";
import type { LuaCommands } from "./lua-commands.js";
import { mapError } from "./redis-errors.js";

/**
 * What every part of the Redis store shares: the client, the key names, the scripts, and the codecs of
 * the versions this client has seen (a version's shape never changes, so caching them is safe).
 */
export class RedisStoreContext {
  readonly codecs = new Map<string, VersionCodec>();
  /** The live version last read: requests guess it and check the pointer in the same exchange. */
  cachedLive = "";

  constructor(
    readonly keys: Keys,
    readonly redis: RedisClient,
    readonly commands: LuaCommands,
    /** Records per pipeline in bulk writes. */
    readonly batch: number,
  ) {}

  /** Runs a client call; its failure becomes the typed error it means. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      return mapError(error, what);
    }
  }

  userKinds(codec: VersionCodec): string[] {
    return Object.keys(codec.info.userKinds);
  }

  liveVersion(): Promise<string | null> {
    return this.call("liveVersion", () => this.redis.get(this.keys.live));
  }

  checkShards(version: string, shards: string | null): void {
    if (shards !== null && Number(shards) !== this.keys.shards) {
      throw new InvalidArgumentError(
        `version ${version} was written with ${shards} shards, this store uses ${this.keys.shards} (store.shards must not change within a namespace)`,
      );
    }
  }

  /** The codec of a version, loading its catalogue once (one exchange with the version's slot). */
  async codec(version: string): Promise<VersionCodec> {
    const cached = this.codecs.get(version);
    if (cached) return cached;
    const meta = this.keys.meta(version);
    const [info, items, shards] = await this.call("load version", () =>
      this.redis.multi().hget(meta, "info").get(this.keys.items(version)).hget(meta, "shards").exec(),
    ).then((r) => (r ?? []).map((x) => x?.[1] as string | null));
    if (!info || !items) throw new NotFoundError("model", `version ${version}`);
    this.checkShards(version, shards ?? null);
    const codec = new VersionCodec(JSON.parse(info) as VersionInfo, JSON.parse(items));
    this.codecs.set(version, codec);
    if (this.codecs.size > 8) this.codecs.delete(this.codecs.keys().next().value!);
    return codec;
  }

  /** The codec, or null when the version does not exist (being collected, or not begun yet). */
  codecOrNull(version: string): Promise<VersionCodec | null> {
    return this.codec(version).catch((error) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
  }
}
