import { InvalidArgumentError, NotFoundError, UnavailableError } from "@tandem/core";
import type { UserRecord } from "../types.js";
import { mapLimit, SHARD_CONCURRENCY } from "./map-limit.js";
import { mapError } from "./redis-errors.js";
import type { RedisStoreContext } from "./store-context.js";

/** Per-user writes, shard by shard: bulk precompute, one live user, erasure, and the per-user counts. */
export class UserWrites {
  constructor(private readonly ctx: RedisStoreContext) {}

  async writeUsers(version: string, records: readonly UserRecord[]): Promise<void> {
    const codec = await this.ctx.codec(version);
    // Validate everything before sending anything: a bad record must not leave a partial write.
    const encoded = records.map((r) => codec.encodeRecord(r));
    const { keys: k, batch } = this.ctx;
    const byShard = new Map<number, typeof encoded>();
    for (const r of encoded) {
      const s = k.shardOf(r.userId);
      let list = byShard.get(s);
      if (!list) byShard.set(s, (list = []));
      list.push(r);
    }
    const sent: Promise<[Error | null, unknown][] | null>[] = [];
    for (const [shard, shardRecords] of byShard) {
      for (let start = 0; start < shardRecords.length; start += batch) {
        // One pipeline per shard and batch: its keys share one slot (a cluster pipeline needs that).
        const pipeline = this.ctx.redis.pipeline();
        // One HSET per hash per batch: fewer commands than one per user and field.
        const cand: (string | Buffer)[] = [];
        const scalars: string[] = [];
        const vectors = new Map<string, (string | Buffer)[]>();
        for (const r of shardRecords.slice(start, start + batch)) {
          if (r.candidates) cand.push(r.userId, r.candidates);
          if (r.scalars) scalars.push(r.userId, r.scalars);
          for (const [kind, bytes] of r.vectors) {
            let list = vectors.get(kind);
            if (!list) vectors.set(kind, (list = []));
            list.push(r.userId, bytes);
          }
        }
        if (cand.length > 0) pipeline.hset(k.candidates(version, shard), ...(cand as [string, Buffer]));
        if (scalars.length > 0) pipeline.hset(k.scalars(version, shard), ...(scalars as [string, string]));
        for (const [kind, list] of vectors)
          pipeline.hset(k.userVectors(version, kind, shard), ...(list as [string, Buffer]));
        // Not awaited here: Redis ingests this batch while the next one is built (2 cores: overlap).
        sent.push(pipeline.exec());
      }
    }
    const results = await this.ctx.call("writeUsers", () => Promise.all(sent));
    for (const result of results) {
      const failed = result?.find(([error]) => error);
      if (failed?.[0]) mapError(failed[0], "writeUsers");
    }
  }

  async updateLiveUser(record: UserRecord): Promise<string> {
    const k = this.ctx.keys;
    const shard = k.shardOf(record.userId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const live = await this.ctx.liveVersion();
      if (!live) throw new NotFoundError("model", "live version (nothing published)");
      const encoded = (await this.ctx.codec(live)).encodeRecord(record);
      const writes: [key: string, value: string | Buffer][] = [];
      if (encoded.candidates) writes.push([k.candidates(live, shard), encoded.candidates]);
      if (encoded.scalars) writes.push([k.scalars(live, shard), encoded.scalars]);
      for (const [kind, bytes] of encoded.vectors) writes.push([k.userVectors(live, kind, shard), bytes]);
      const keys = [k.seal(live, shard), k.erased(shard), ...writes.map(([key]) => key)];
      const values = writes.map(([, value]) => value);
      const status = await this.ctx.call("updateLiveUser", () =>
        this.ctx.commands.tandemWriteUser(keys.length, ...keys, record.userId, ...values),
      );
      if (status === "ERASED") throw new InvalidArgumentError(`user ${record.userId} was erased`);
      // The pointer lives in another slot: confirm the write went into the version still live; after a
      // publish in between, write into the new live version instead.
      if (status === "OK" && (await this.ctx.liveVersion()) === live) return live;
    }
    throw new UnavailableError("updateLiveUser: the live version kept changing");
  }

  async countUsers(version: string): Promise<number> {
    const k = this.ctx.keys;
    const counts = await this.ctx.call("countUsers", () =>
      mapLimit(k.allShards(), SHARD_CONCURRENCY, (s) => this.ctx.redis.hlen(k.candidates(version, s))),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  async deleteUser(userId: string): Promise<void> {
    if (userId === "") throw new InvalidArgumentError("user id must be a non-empty string");
    const k = this.ctx.keys;
    const shard = k.shardOf(userId);
    const versions = await this.ctx.call("deleteUser", () => this.ctx.redis.zrange(k.versions, 0, -1));
    const hashes: string[] = [];
    for (const version of versions) {
      const codec = await this.ctx.codecOrNull(version); // null: being collected, or not begun yet
      hashes.push(...k.userHashes(version, shard, codec ? this.ctx.userKinds(codec) : []));
    }
    // A version begun after the registry read strips the user when it is sealed (the erasure is recorded).
    const keys = [
      k.erased(shard),
      k.eventUsers(shard),
      k.events(userId),
      k.updateGeneration(userId),
      ...hashes,
    ];
    await this.ctx.call("deleteUser", () => this.ctx.commands.tandemDeleteUser(keys.length, ...keys, userId));
  }

  async erasedUsers(): Promise<string[]> {
    const k = this.ctx.keys;
    const sets = await this.ctx.call("erasedUsers", () =>
      mapLimit(k.allShards(), SHARD_CONCURRENCY, (s) => this.ctx.redis.smembers(k.erased(s))),
    );
    return sets.flat().sort();
  }
}
