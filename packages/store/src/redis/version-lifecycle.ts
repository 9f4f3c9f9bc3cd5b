import { InvalidArgumentError } from "@tandem/core";
import { assertSafeName } from "../keys.js";
import type { PublishResult, VersionInfo, VersionSpec, VersionStatus, VersionSummary } from "../types.js";
import { infoFromSpec, sameShape, validateSpec } from "../version-codec.js";
import { mapLimit, SHARD_CONCURRENCY } from "./map-limit.js";
import type { RedisStoreContext } from "./store-context.js";

/** Names a version's metadata may not take (the store's own fields of the meta hash). */
const RESERVED_METADATA = ["info", "userKinds", "status", "publishedAt", "shards"];

/** A version's life on Redis: begin, metadata and parts, the cross-shard publish, the registry. */
export class VersionLifecycle {
  constructor(
    private readonly ctx: RedisStoreContext,
    /** Encoding of versions whose spec names none (store.encoding). */
    private readonly encoding?: VersionSpec["encoding"],
  ) {}

  async beginVersion(version: string, spec: VersionSpec): Promise<VersionInfo> {
    validateSpec(version, spec);
    const info = infoFromSpec(version, spec, Date.now(), this.encoding);
    const { keys: k, commands } = this.ctx;
    // Registered before any of its keys exist, so GC (which scans keys, then reads the registry) never
    // deletes a version being started.
    await this.ctx.call("beginVersion", () => this.ctx.redis.zadd(k.versions, "NX", info.createdAt, version));
    const [stored, shards] = await this.ctx.call("beginVersion", () =>
      commands.tandemBegin(
        k.meta(version),
        k.items(version),
        k.parts(version),
        JSON.stringify(info),
        Object.keys(info.userKinds).join(","),
        JSON.stringify(spec.itemIds),
        k.shards,
        ...(spec.parts ?? []),
      ),
    );
    this.ctx.checkShards(version, shards);
    const existing = JSON.parse(stored) as VersionInfo;
    if (!sameShape(existing, info)) {
      throw new InvalidArgumentError(`version ${version} already exists with a different shape`);
    }
    return existing;
  }

  async versionInfo(version: string): Promise<VersionInfo | null> {
    const raw = await this.ctx.call("versionInfo", () =>
      this.ctx.redis.hget(this.ctx.keys.meta(version), "info"),
    );
    return raw ? (JSON.parse(raw) as VersionInfo) : null;
  }

  async writeMetadata(version: string, name: string, value: unknown) {
    assertSafeName("metadata name", name);
    if (RESERVED_METADATA.includes(name)) {
      throw new InvalidArgumentError(`metadata name ${name} is reserved`);
    }
    await this.ctx.codec(version);
    await this.ctx.call("writeMetadata", () =>
      this.ctx.redis.hset(this.ctx.keys.meta(version), name, JSON.stringify(value)),
    );
  }

  async expectParts(version: string, parts: readonly string[]) {
    await this.ctx.codec(version);
    if (parts.length > 0)
      await this.ctx.call("expectParts", () => this.ctx.redis.sadd(this.ctx.keys.parts(version), ...parts));
  }

  async completeParts(version: string, parts: readonly string[]) {
    await this.ctx.codec(version);
    if (parts.length > 0)
      await this.ctx.call("completeParts", () => this.ctx.redis.sadd(this.ctx.keys.done(version), ...parts));
  }

  async missingParts(version: string): Promise<string[]> {
    const missing = await this.ctx.call("missingParts", () =>
      this.ctx.redis.sdiff(this.ctx.keys.parts(version), this.ctx.keys.done(version)),
    );
    return missing.sort();
  }

  private ready(version: string, shards: number | "") {
    const k = this.ctx.keys;
    return this.ctx.call(`publish ${version}`, () =>
      this.ctx.commands.tandemReady(
        k.meta(version),
        k.parts(version),
        k.done(version),
        k.sealed(version),
        version,
        shards,
      ),
    );
  }

  /**
   * Publish across shards, each step in one slot: check the parts; seal every shard (erased users
   * stripped, completion recorded in the version's `sealed` set); check all S are sealed; then flip
   * the one pointer. A writer killed at any step before the flip leaves V unpublished (and re-running
   * publish finishes it: every step is idempotent).
   */
  async publish(version: string): Promise<PublishResult> {
    assertSafeName("version", version);
    const { keys: k, redis, commands } = this.ctx;
    const codec = await this.ctx.codec(version);
    await this.ready(version, "");
    const kinds = this.ctx.userKinds(codec);
    await mapLimit(k.allShards(), SHARD_CONCURRENCY, async (shard) => {
      const keys = [k.erased(shard), k.seal(version, shard), ...k.userHashes(version, shard, kinds)];
      await this.ctx.call(`publish ${version}`, () => commands.tandemSeal(keys.length, ...keys));
      await this.ctx.call(`publish ${version}`, () => redis.sadd(k.sealed(version), shard));
    });
    await this.ready(version, k.shards);
    const now = Date.now();
    const [previous, changed] = await this.ctx.call(`publish ${version}`, () =>
      commands.tandemFlip(k.live, k.versions, k.retired, version, now),
    );
    if (changed === 1) {
      // Informational only (listVersions reads the control slot's registry, which the flip updated).
      await this.ctx.call(`publish ${version}`, async () => {
        await redis.hset(k.meta(version), "status", "live", "publishedAt", now);
        if (previous && (await redis.exists(k.meta(previous))))
          await redis.hset(k.meta(previous), "status", "retired");
      });
    }
    return { version, previous: changed === 0 ? version : previous, changed: changed === 1 };
  }

  async listVersions(): Promise<VersionSummary[]> {
    const k = this.ctx.keys;
    const [versions, retired, live] = await this.ctx.call("listVersions", async () => {
      const r = await this.ctx.redis
        .multi()
        .zrange(k.versions, 0, -1, "WITHSCORES")
        .zrange(k.retired, 0, -1)
        .get(k.live)
        .exec();
      return (r ?? []).map((x) => x?.[1]) as [string[], string[], string | null];
    });
    const retiredSet = new Set(retired);
    const out: VersionSummary[] = [];
    for (let i = 0; i < versions.length; i += 2) {
      const version = versions[i]!;
      const status: VersionStatus =
        version === live ? "live" : retiredSet.has(version) ? "retired" : "writing";
      out.push({ version, createdAt: Number(versions[i + 1]), status });
    }
    return out;
  }
}
