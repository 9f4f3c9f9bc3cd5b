import {
  ErasedUserError,
  InvalidArgumentError,
  NotFoundError,
  TandemError,
  UnavailableError,
} from "@tandem/core";
import { ReplyError } from "ioredis";
import { decodeScoredList, decodeVector, decodeVectors, encodeScoredList, encodeVector } from "./codec.js";
import { assertSafeName, Keys } from "./keys.js";
import * as lua from "./lua.js";
import { isCluster, mastersOf, openRedis, type RedisClient, type RedisTarget } from "./redis-client.js";
import {
  type AppendOptions,
  type AppendResult,
  EVENT_ID_WINDOW_MS,
  type EventToAppend,
  type FeatureStore,
  type GcOptions,
  type ItemVectors,
  type PopularityList,
  type PublishResult,
  type StoredEvent,
  type UserFeatures,
  type UserRecord,
  type UserRow,
  type UserRowOptions,
  type VersionInfo,
  type VersionSpec,
  type VersionStatus,
  type VersionSummary,
} from "./types.js";
import { validateEvent } from "./validate-event.js";
import { infoFromSpec, sameShape, VersionCodec, validateSpec } from "./version-codec.js";

export interface RedisFeatureStoreOptions {
  /**
   * A Redis URL or a list of cluster seed URLs (the store owns and closes the client), or a client to
   * share (left open by close()).
   */
  redis: RedisTarget | RedisClient;
  /** Key namespace; several catalogues can share one Redis. Default "tandem". */
  namespace?: string;
  /** User shards (hash tags) per namespace; fixed for the namespace's life. Default 1. */
  shards?: number;
  /** Events kept per user stream, trimmed approximately (XADD MAXLEN ~). Default 1000. */
  eventsMaxLenPerUser?: number;
  /** Default grace before a retired version is deleted by collectGarbage. Default 1 hour. */
  retiredGraceMs?: number;
  /** Default grace before a never-published version is deleted. Default 24 hours. */
  orphanGraceMs?: number;
  /** Records per pipeline in bulk writes. Default 500. */
  pipelineBatch?: number;
  /** Encoding of versions whose spec names none. Default f32 (createFeatureStore passes `store.encoding`). */
  encoding?: VersionSpec["encoding"];
}

type Arg = string | number | Buffer;
type LuaCommands = {
  tandemBegin(...args: Arg[]): Promise<[string, string | null]>;
  tandemReady(...args: Arg[]): Promise<number>;
  tandemFlip(...args: Arg[]): Promise<[string | null, number]>;
  tandemUnregister(...args: Arg[]): Promise<number>;
  tandemSeal(numberOfKeys: number, ...args: Arg[]): Promise<number>;
  tandemReadRowBuffer(numberOfKeys: number, ...args: Arg[]): Promise<(Buffer | null)[] | null>;
  tandemWriteUser(numberOfKeys: number, ...args: Arg[]): Promise<string>;
  tandemDeleteUser(numberOfKeys: number, ...args: Arg[]): Promise<number>;
  tandemAppendEvents(numberOfKeys: number, ...args: Arg[]): Promise<string[]>;
};

const SCRIPTS: [name: string, numberOfKeys: number | undefined, source: string][] = [
  ["tandemBegin", 3, lua.BEGIN],
  ["tandemReady", 4, lua.READY],
  ["tandemFlip", 3, lua.FLIP],
  ["tandemUnregister", 3, lua.UNREGISTER],
  // Key count varies per call (passed as the first argument).
  ["tandemSeal", undefined, lua.SEAL],
  ["tandemReadRow", undefined, lua.READ_ROW],
  ["tandemWriteUser", undefined, lua.WRITE_USER],
  ["tandemDeleteUser", undefined, lua.DELETE_USER],
  ["tandemAppendEvents", undefined, lua.APPEND_EVENTS],
];

const EVENTS_PER_SCRIPT = 100;
/** Shards handled at once by multi-shard steps (publish, counts): bounded concurrency. */
const SHARD_CONCURRENCY = 16;

/** One stream entry as an event (fields the writer does not know, e.g. a client id, are ignored). */
function eventOf(userId: string, [id, fields]: [string, string[]]): StoredEvent {
  const f = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  return {
    id,
    user: userId,
    item: f.get("item") ?? "",
    value: Number(f.get("value")),
    timestamp: Number(f.get("timestamp")),
    kind: f.get("kind") ?? "",
  };
}

/** Our Lua errors become the typed errors they name; anything else from the client is an outage. */
function mapError(error: unknown, what: string): never {
  if (error instanceof TandemError) throw error;
  if (error instanceof ReplyError) {
    const message = (error as Error).message;
    const notFound = /NOT_FOUND version (\S+)/.exec(message);
    if (notFound) throw new NotFoundError("model", `version ${notFound[1]}`);
    const incomplete = /INCOMPLETE (\S+)/.exec(message);
    if (incomplete) throw new InvalidArgumentError(`${what}: parts not complete: ${incomplete[1]}`);
    throw new UnavailableError(`${what}: Redis replied ${message}`, { cause: error });
  }
  // Refused or dropped connections, retries exhausted, client closed: the operation may succeed later.
  const message = error instanceof Error ? error.message : String(error);
  throw new UnavailableError(`${what}: Redis unavailable (${message})`, { cause: error });
}

/** Runs `fn` over `items`, at most `limit` at a time, results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  for (let start = 0; start < items.length; start += limit) {
    const chunk = items.slice(start, start + limit);
    const done = await Promise.all(chunk.map(fn));
    done.forEach((r, i) => {
      out[start + i] = r;
    });
  }
  return out;
}

/**
 * The Redis backend: the shared feature store of the ranking API and the workers, on one Redis or a
 * Redis Cluster (keys.ts spreads users over S shards; every script runs in one slot).
 */
export class RedisFeatureStore implements FeatureStore {
  readonly backend = "redis";
  readonly keys: Keys;
  readonly redis: RedisClient;
  private readonly commands: LuaCommands;
  private readonly ownsClient: boolean;
  private readonly eventsMaxLen: number;
  private readonly retiredGraceMs: number;
  private readonly orphanGraceMs: number;
  private readonly batch: number;
  /** Codecs of versions seen; a version's shape never changes, so caching is safe. */
  private readonly codecs = new Map<string, VersionCodec>();
  /** The live version last read: requests guess it and check the pointer in the same exchange. */
  private cachedLive = "";

  constructor(private readonly options: RedisFeatureStoreOptions) {
    this.keys = new Keys(options.namespace ?? "tandem", options.shards ?? 1);
    const target = options.redis;
    this.ownsClient = typeof target === "string" || Array.isArray(target);
    this.redis = this.ownsClient
      ? // Fail a request after one reconnect attempt instead of queueing it for long: the API answers
        // from fallbacks, workers retry the job. Auto-pipelining sends a request's reads (the pointer
        // and the guessed version's row) in one exchange.
        openRedis(target as RedisTarget, { maxRetriesPerRequest: 1, enableAutoPipelining: true })
      : (target as RedisClient);
    this.eventsMaxLen = options.eventsMaxLenPerUser ?? 1000;
    this.retiredGraceMs = options.retiredGraceMs ?? 3_600_000;
    this.orphanGraceMs = options.orphanGraceMs ?? 86_400_000;
    this.batch = options.pipelineBatch ?? 500;
    for (const [name, numberOfKeys, lua] of SCRIPTS) {
      if (!(name in this.redis))
        this.redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua });
    }
    this.commands = this.redis as unknown as LuaCommands;
    // Errors surface on the calls; without a listener ioredis would also print every reconnect failure.
    if (this.ownsClient) this.redis.on("error", () => {});
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      return mapError(error, what);
    }
  }

  private userKinds(codec: VersionCodec): string[] {
    return Object.keys(codec.info.userKinds);
  }

  // --- versions ------------------------------------------------------------------------------------

  async beginVersion(version: string, spec: VersionSpec): Promise<VersionInfo> {
    validateSpec(version, spec);
    const info = infoFromSpec(version, spec, Date.now(), this.options.encoding);
    const k = this.keys;
    // Registered before any of its keys exist, so GC (which scans keys, then reads the registry) never
    // deletes a version being started.
    await this.call("beginVersion", () => this.redis.zadd(k.versions, "NX", info.createdAt, version));
    const [stored, shards] = await this.call("beginVersion", () =>
      this.commands.tandemBegin(
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
    this.checkShards(version, shards);
    const existing = JSON.parse(stored) as VersionInfo;
    if (!sameShape(existing, info)) {
      throw new InvalidArgumentError(`version ${version} already exists with a different shape`);
    }
    return existing;
  }

  private checkShards(version: string, shards: string | null): void {
    if (shards !== null && Number(shards) !== this.keys.shards) {
      throw new InvalidArgumentError(
        `version ${version} was written with ${shards} shards, this store uses ${this.keys.shards} (store.shards must not change within a namespace)`,
      );
    }
  }

  async versionInfo(version: string): Promise<VersionInfo | null> {
    const raw = await this.call("versionInfo", () => this.redis.hget(this.keys.meta(version), "info"));
    return raw ? (JSON.parse(raw) as VersionInfo) : null;
  }

  /** The codec of a version, loading its catalogue once (one exchange with the version's slot). */
  private async codec(version: string): Promise<VersionCodec> {
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

  async writeItemVectors(version: string, kind: string, ids: readonly string[], vectors: Float32Array) {
    const codec = await this.codec(version);
    const dims = codec.itemVectorDims(kind);
    if (vectors.length !== ids.length * dims) {
      throw new InvalidArgumentError(`item vectors ${kind}: expected ${ids.length} × ${dims} floats`);
    }
    codec.itemIndexes(ids);
    const key = this.keys.itemVectors(version, kind);
    for (let start = 0; start < ids.length; start += this.batch * 4) {
      const end = Math.min(ids.length, start + this.batch * 4);
      const args: (string | Buffer)[] = [];
      for (let i = start; i < end; i++) {
        args.push(ids[i]!, encodeVector(vectors.subarray(i * dims, (i + 1) * dims)));
      }
      await this.call("writeItemVectors", () => this.redis.hset(key, ...(args as [string, Buffer])));
    }
  }

  async writeUsers(version: string, records: readonly UserRecord[]): Promise<void> {
    const codec = await this.codec(version);
    // Validate everything before sending anything: a bad record must not leave a partial write.
    const encoded = records.map((r) => codec.encodeRecord(r));
    const k = this.keys;
    const byShard = new Map<number, typeof encoded>();
    for (const r of encoded) {
      const s = k.shardOf(r.userId);
      let list = byShard.get(s);
      if (!list) byShard.set(s, (list = []));
      list.push(r);
    }
    const sent: Promise<[Error | null, unknown][] | null>[] = [];
    for (const [shard, shardRecords] of byShard) {
      for (let start = 0; start < shardRecords.length; start += this.batch) {
        // One pipeline per shard and batch: its keys share one slot (a cluster pipeline needs that).
        const pipeline = this.redis.pipeline();
        // One HSET per hash per batch: fewer commands than one per user and field.
        const cand: (string | Buffer)[] = [];
        const scalars: string[] = [];
        const vectors = new Map<string, (string | Buffer)[]>();
        for (const r of shardRecords.slice(start, start + this.batch)) {
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
    const results = await this.call("writeUsers", () => Promise.all(sent));
    for (const batch of results) {
      const failed = batch?.find(([error]) => error);
      if (failed?.[0]) mapError(failed[0], "writeUsers");
    }
  }

  async writePopularity(version: string, items: readonly string[], scores: Float32Array) {
    const codec = await this.codec(version);
    if (scores.length !== items.length) throw new InvalidArgumentError("popularity: one score per item");
    const bytes = encodeScoredList(codec.itemIndexes(items), scores, 1);
    await this.call("writePopularity", () => this.redis.set(this.keys.popularity(version), bytes));
  }

  async writeMetadata(version: string, name: string, value: unknown) {
    assertSafeName("metadata name", name);
    if (["info", "userKinds", "status", "publishedAt", "shards"].includes(name)) {
      throw new InvalidArgumentError(`metadata name ${name} is reserved`);
    }
    await this.codec(version);
    await this.call("writeMetadata", () =>
      this.redis.hset(this.keys.meta(version), name, JSON.stringify(value)),
    );
  }

  async expectParts(version: string, parts: readonly string[]) {
    await this.codec(version);
    if (parts.length > 0)
      await this.call("expectParts", () => this.redis.sadd(this.keys.parts(version), ...parts));
  }

  async completeParts(version: string, parts: readonly string[]) {
    await this.codec(version);
    if (parts.length > 0)
      await this.call("completeParts", () => this.redis.sadd(this.keys.done(version), ...parts));
  }

  async missingParts(version: string): Promise<string[]> {
    const missing = await this.call("missingParts", () =>
      this.redis.sdiff(this.keys.parts(version), this.keys.done(version)),
    );
    return missing.sort();
  }

  private ready(version: string, shards: number | "") {
    const k = this.keys;
    return this.call(`publish ${version}`, () =>
      this.commands.tandemReady(
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
    const k = this.keys;
    const codec = await this.codec(version);
    await this.ready(version, "");
    const kinds = this.userKinds(codec);
    await mapLimit(k.allShards(), SHARD_CONCURRENCY, async (shard) => {
      const keys = [k.erased(shard), k.seal(version, shard), ...k.userHashes(version, shard, kinds)];
      await this.call(`publish ${version}`, () => this.commands.tandemSeal(keys.length, ...keys));
      await this.call(`publish ${version}`, () => this.redis.sadd(k.sealed(version), shard));
    });
    await this.ready(version, k.shards);
    const now = Date.now();
    const [previous, changed] = await this.call(`publish ${version}`, () =>
      this.commands.tandemFlip(k.live, k.versions, k.retired, version, now),
    );
    if (changed === 1) {
      // Informational only (listVersions reads the control slot's registry, which the flip updated).
      await this.call(`publish ${version}`, async () => {
        await this.redis.hset(k.meta(version), "status", "live", "publishedAt", now);
        if (previous && (await this.redis.exists(k.meta(previous))))
          await this.redis.hset(k.meta(previous), "status", "retired");
      });
    }
    return { version, previous: changed === 0 ? version : previous, changed: changed === 1 };
  }

  async liveVersion(): Promise<string | null> {
    return this.call("liveVersion", () => this.redis.get(this.keys.live));
  }

  async listVersions(): Promise<VersionSummary[]> {
    const k = this.keys;
    const [versions, retired, live] = await this.call("listVersions", async () => {
      const r = await this.redis
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

  async collectGarbage(options: GcOptions = {}): Promise<string[]> {
    const now = options.now ?? Date.now();
    const retiredGrace = options.retiredGraceMs ?? this.retiredGraceMs;
    const orphanGrace = options.orphanGraceMs ?? this.orphanGraceMs;
    const k = this.keys;
    // Scan before reading the registry: beginVersion registers a version before writing any of its
    // keys, so every version whose keys the scan saw is in the registry read afterwards.
    const present = new Set<string>();
    await this.scanKeys(k.allVersionPatterns, (keys) => {
      for (const key of keys) {
        const version = k.versionOf(key);
        if (version) present.add(version);
      }
    });
    const [versions, retired, live] = await this.call("collectGarbage", async () => {
      const r = await this.redis
        .multi()
        .zrange(k.versions, 0, -1, "WITHSCORES")
        .zrange(k.retired, 0, -1, "WITHSCORES")
        .get(k.live)
        .exec();
      return (r ?? []).map((x) => x?.[1]) as [string[], string[], string | null];
    });
    const registered = new Map<string, number>();
    for (let i = 0; i < versions.length; i += 2) registered.set(versions[i]!, Number(versions[i + 1]));
    const retiredAt = new Map<string, number>();
    for (let i = 0; i < retired.length; i += 2) retiredAt.set(retired[i]!, Number(retired[i + 1]));
    const doomed: string[] = [];
    for (const [version, createdAt] of registered) {
      if (version === live) continue;
      const since = retiredAt.get(version);
      if (since !== undefined ? now - since >= retiredGrace : now - createdAt >= orphanGrace)
        doomed.push(version);
    }
    // Keys of versions nobody registered (a writer outlived its own GC) are collected too.
    for (const version of present) {
      if (!registered.has(version) && version !== live && !doomed.includes(version)) doomed.push(version);
    }
    const deleted: string[] = [];
    for (const version of doomed) {
      // Unregister first (atomically refusing the live one), so publish can no longer pick it up.
      const ok = await this.call("collectGarbage", () =>
        this.commands.tandemUnregister(k.live, k.versions, k.retired, version),
      );
      if (ok !== 1) continue;
      // Seals first, version slot last: a reader never sees half a version as complete.
      await this.scanKeys(k.versionPatterns(version).reverse(), (keys) => this.unlink(keys));
      this.codecs.delete(version);
      deleted.push(version);
    }
    return deleted.sort();
  }

  /** SCAN every master for keys matching the patterns, one page at a time. */
  private async scanKeys(patterns: readonly string[], page: (keys: string[]) => void | Promise<void>) {
    const masters = await this.call("scan", () => mastersOf(this.redis));
    for (const pattern of patterns) {
      for (const node of masters) {
        let cursor = "0";
        do {
          const [next, keys] = await this.call("scan", () =>
            node.scan(cursor, "MATCH", pattern, "COUNT", 1000),
          );
          cursor = next;
          if (keys.length > 0) await page(keys);
        } while (cursor !== "0");
      }
    }
  }

  /** Deletes keys that may lie in different slots (one UNLINK per key on a cluster). */
  private async unlink(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.call("unlink", async () => {
      if (isCluster(this.redis)) await Promise.all(keys.map((key) => this.redis.unlink(key)));
      else await this.redis.unlink(...keys);
    });
  }

  // --- reads ------------------------------------------------------------------------------------------

  /**
   * Resolves the pointer once and reads one version. The read of the version this client saw last is
   * sent with the GET of the pointer (one exchange); only after a publish is it read again at the new
   * version. `read` returns false when the version holds no complete data (gone, or not sealed).
   * With `want`, that version is read (null when it no longer exists) and the pointer only reported.
   */
  private async atVersion<T>(
    what: string,
    want: string | null,
    read: (version: string, codec: VersionCodec) => Promise<T | false>,
    /** The same read when it needs no codec: then a version new to this client costs one exchange less. */
    readBare?: (version: string) => Promise<T | false>,
  ): Promise<{ version: string; live: string; codec: VersionCodec; value: T } | null> {
    const k = this.keys;
    const gone = (error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    };
    /** The codec of a version and the read at it: together when the read needs no codec. */
    const codecAndRead = async (version: string): Promise<[VersionCodec | null, T | false]> => {
      if (readBare && !this.codecs.has(version))
        return Promise.all([this.codec(version).catch(gone), this.call(what, () => readBare(version))]);
      const codec = await this.codec(version).catch(gone);
      return [codec, codec ? await this.call(what, () => read(version, codec)) : false];
    };
    if (want !== null) {
      const [live, [codec, value]] = await Promise.all([
        this.call(what, () => this.redis.get(k.live)),
        codecAndRead(want),
      ]);
      return live === null || codec === null || value === false
        ? null
        : { version: want, live, codec, value };
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const guess = this.codecs.get(this.cachedLive);
      const [live, guessed] = await this.call(what, () =>
        Promise.all([
          this.redis.get(k.live),
          guess ? read(guess.info.version, guess) : Promise.resolve(false as const),
        ]),
      );
      if (live === null) return null;
      this.cachedLive = live;
      if (guess && guess.info.version === live && guessed !== false)
        return { version: live, live, codec: guess, value: guessed as T };
      const [codec, value] = await codecAndRead(live);
      if (codec === null) throw new NotFoundError("model", `version ${live}`);
      if (value !== false) return { version: live, live, codec, value };
      // Only a version GC'd between the GET and the read gets here: resolve the pointer again.
    }
    throw new UnavailableError(`${what}: the live version kept changing`);
  }

  /** One shard's row of a user in a version: candidates, scalars, then the given vector kinds. */
  private readRow(userId: string, version: string, kinds: readonly string[]) {
    const k = this.keys;
    const shard = k.shardOf(userId);
    const keys = [
      k.seal(version, shard),
      k.candidates(version, shard),
      k.scalars(version, shard),
      ...kinds.map((kind) => k.userVectors(version, kind, shard)),
    ];
    return this.commands.tandemReadRowBuffer(keys.length, ...keys, userId).then((r) => r ?? (false as const));
  }

  async getUserFeatures(userId: string): Promise<UserFeatures | null> {
    const got = await this.atVersion("getUserFeatures", null, (version, codec) =>
      this.readRow(userId, version, this.userKinds(codec)),
    );
    if (!got) return null;
    const { value: row, codec } = got;
    const kinds = this.userKinds(codec);
    return codec.decodeUser(userId, {
      candidates: row[0] ?? null,
      scalars: row[1] ?? null,
      vectors: kinds.map((kind, i) => [kind, row[2 + i] ?? null]),
    });
  }

  async readUser(userId: string, options: UserRowOptions = {}): Promise<UserRow | null> {
    const kinds = options.vectors ?? [];
    for (const kind of kinds) assertSafeName("kind", kind);
    // The row needs no codec (kinds are checked after), so a version new to this client is read
    // together with its catalogue.
    const read = (version: string) => this.readRow(userId, version, kinds);
    const got = await this.atVersion("readUser", options.version ?? null, read, read);
    if (!got) return null;
    const { value: row, codec, live } = got;
    for (const kind of kinds) {
      if (!(kind in codec.info.userKinds))
        throw new InvalidArgumentError(
          `version ${codec.info.version} declares no user vectors of kind ${kind}`,
        );
    }
    return codec.decodeRow(live, {
      candidates: row[0] ?? null,
      scalars: row[1] ?? null,
      vectors: kinds.map((kind, i) => [kind, row[2 + i] ?? null]),
    });
  }

  async getItemVectors(kind: string, itemIds: readonly string[]): Promise<ItemVectors> {
    assertSafeName("kind", kind);
    const got = await this.atVersion("getItemVectors", null, (version, codec) =>
      kind in codec.info.itemKinds && itemIds.length > 0
        ? this.redis.hmgetBuffer(this.keys.itemVectors(version, kind), ...itemIds)
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
    const codec = await this.codec(version).catch((error) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    if (!codec) return null;
    const dims = codec.itemVectorDims(kind);
    if (itemIds.length === 0) return { version, dims, vectors: [] };
    const replies = await this.call("getItemVectorsAt", () =>
      this.redis
        .multi()
        .exists(this.keys.meta(version))
        .hmgetBuffer(this.keys.itemVectors(version, kind), ...itemIds)
        .exec(),
    );
    const [exists, values] = (replies ?? []).map(([error, value]) => {
      if (error) mapError(error, "getItemVectorsAt");
      return value;
    }) as [number, (Buffer | null)[]];
    return exists ? { version, dims, vectors: decodeVectors(values, dims) } : null;
  }

  async getPopularity(limit?: number): Promise<PopularityList | null> {
    const got = await this.atVersion("getPopularity", null, (version) =>
      this.redis.getBuffer(this.keys.popularity(version)),
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
    const got = await this.atVersion("getMetadata", null, (version) =>
      this.redis.hget(this.keys.meta(version), name),
    );
    return got?.value ? JSON.parse(got.value) : null;
  }

  async getItemIds(): Promise<readonly string[]> {
    const got = await this.atVersion("getItemIds", null, async () => true as const);
    return got ? got.codec.itemIds : [];
  }

  async updateLiveUser(record: UserRecord): Promise<string> {
    const k = this.keys;
    const shard = k.shardOf(record.userId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const live = await this.liveVersion();
      if (!live) throw new NotFoundError("model", "live version (nothing published)");
      const encoded = (await this.codec(live)).encodeRecord(record);
      const writes: [key: string, value: string | Buffer][] = [];
      if (encoded.candidates) writes.push([k.candidates(live, shard), encoded.candidates]);
      if (encoded.scalars) writes.push([k.scalars(live, shard), encoded.scalars]);
      for (const [kind, bytes] of encoded.vectors) writes.push([k.userVectors(live, kind, shard), bytes]);
      const keys = [k.seal(live, shard), k.erased(shard), ...writes.map(([key]) => key)];
      const values = writes.map(([, value]) => value);
      const status = await this.call("updateLiveUser", () =>
        this.commands.tandemWriteUser(keys.length, ...keys, record.userId, ...values),
      );
      if (status === "ERASED") throw new InvalidArgumentError(`user ${record.userId} was erased`);
      // The pointer lives in another slot: confirm the write went into the version still live; after a
      // publish in between, write into the new live version instead.
      if (status === "OK" && (await this.liveVersion()) === live) return live;
    }
    throw new UnavailableError("updateLiveUser: the live version kept changing");
  }

  // --- events and erasure ------------------------------------------------------------------------------

  async appendEvents(events: readonly EventToAppend[], options?: AppendOptions): Promise<string[]> {
    return (await this.appendEventsOnce(events, options)).ids;
  }

  async appendEventsOnce(
    events: readonly EventToAppend[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    for (const e of events) validateEvent(e);
    const k = this.keys;
    const window = options.eventIdWindowMs ?? EVENT_ID_WINDOW_MS;
    // Events go to their users' shards; scripts block Redis while they run, so 100 events each keeps
    // that to a few ms (reads wait behind it).
    const byShard = new Map<number, number[]>();
    events.forEach((e, i) => {
      const s = k.shardOf(e.user);
      let list = byShard.get(s);
      if (!list) byShard.set(s, (list = []));
      list.push(i);
    });
    const chunks: [shard: number, indexes: number[]][] = [];
    for (const [shard, indexes] of byShard)
      for (let start = 0; start < indexes.length; start += EVENTS_PER_SCRIPT)
        chunks.push([shard, indexes.slice(start, start + EVENTS_PER_SCRIPT)]);
    // Each chunk is one atomic script; check every user up front so a later chunk cannot be refused
    // after earlier ones were stored (the scripts check again, for erasures in between).
    if (chunks.length > 1) {
      const erased = await this.erasedAmong([...new Set(events.map((e) => e.user))]);
      if (erased.length > 0) throw new ErasedUserError(erased);
    }
    const result: AppendResult = { ids: new Array(events.length), duplicate: new Array(events.length) };
    for (const [shard, indexes] of chunks) {
      const keys: string[] = [k.erased(shard), k.eventUsers(shard)];
      const args: (string | number)[] = [this.eventsMaxLen, window];
      for (const i of indexes) {
        const e = events[i]!;
        const stream = k.events(e.user);
        keys.push(stream, e.eventId === undefined ? stream : k.eventId(e.user, e.eventId));
        args.push(e.user, e.item, String(e.value), String(e.timestamp), e.kind, e.eventId ?? "");
        args.push(e.timestamp * 1000);
      }
      const out = await this.call("appendEvents", () =>
        this.commands.tandemAppendEvents(keys.length, ...keys, ...args),
      );
      if (out[0] === "ERASED") throw new ErasedUserError(out.slice(1));
      out.forEach((r, j) => {
        result.ids[indexes[j]!] = r.slice(1);
        result.duplicate[indexes[j]!] = r[0] === "D";
      });
    }
    return result;
  }

  /** The given users that were erased (one SMISMEMBER per shard). */
  private async erasedAmong(users: readonly string[]): Promise<string[]> {
    const byShard = new Map<number, string[]>();
    for (const u of users) {
      const s = this.keys.shardOf(u);
      let list = byShard.get(s);
      if (!list) byShard.set(s, (list = []));
      list.push(u);
    }
    const out: string[] = [];
    await this.call("appendEvents", () =>
      Promise.all(
        [...byShard].map(async ([shard, list]) => {
          const flags = await this.redis.smismember(this.keys.erased(shard), ...list);
          for (const [i, u] of list.entries()) if (flags[i] === 1) out.push(u);
        }),
      ),
    );
    return out;
  }

  async readUserEvents(userId: string): Promise<StoredEvent[]> {
    const entries = await this.call("readUserEvents", () =>
      this.redis.xrange(this.keys.events(userId), "-", "+"),
    );
    return entries.map((entry) => eventOf(userId, entry));
  }

  async eventUsers(): Promise<string[]> {
    const k = this.keys;
    const perShard = await this.call("eventUsers", () =>
      mapLimit(k.allShards(), SHARD_CONCURRENCY, (s) =>
        this.redis.zrange(k.eventUsers(s), 0, -1, "WITHSCORES"),
      ),
    );
    const all: [string, number][] = [];
    for (const flat of perShard)
      for (let i = 0; i < flat.length; i += 2) all.push([flat[i]!, Number(flat[i + 1])]);
    // ZREVRANGE order across shards: score, then member, both descending.
    all.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));
    return all.map(([user]) => user);
  }

  async eventClock(): Promise<string> {
    // Stream ids come from each master's clock: the earliest clock bounds what may still arrive.
    const masters = await this.call("eventClock", () => mastersOf(this.redis));
    const times = await this.call("eventClock", () => Promise.all(masters.map((m) => m.time())));
    const ms = Math.min(...times.map(([s, us]) => Number(s) * 1000 + Math.floor(Number(us) / 1000)));
    // Every id up to the previous ms was assigned before this reading (Redis is single-threaded); ids
    // of this very ms may still come, so the watermark stops one ms short and the next run takes them.
    return `${ms - 1}-${Number.MAX_SAFE_INTEGER}`;
  }

  async *scanEvents(options: {
    after?: string;
    until: string;
    batch?: number;
  }): AsyncIterable<StoredEvent[]> {
    const batch = options.batch ?? 200;
    const start = options.after === undefined ? "-" : `(${options.after}`;
    const k = this.keys;
    // Shard by shard (bounded memory). ZSCAN returns every member present for the whole scan at least
    // once, whatever is added meanwhile.
    for (const shard of k.allShards()) {
      let cursor = "0";
      do {
        const [next, flat] = await this.call("scanEvents", () =>
          this.redis.zscan(k.eventUsers(shard), cursor, "COUNT", batch),
        );
        cursor = next;
        const users = flat.filter((_, i) => i % 2 === 0);
        if (users.length === 0) continue;
        const pipeline = this.redis.pipeline(); // one shard: one slot
        for (const user of users) pipeline.xrange(k.events(user), start, options.until);
        const results = await this.call("scanEvents", () => pipeline.exec());
        const out: StoredEvent[] = [];
        for (const [i, [error, entries]] of (results ?? []).entries()) {
          if (error) mapError(error, "scanEvents");
          for (const entry of entries as [string, string[]][]) out.push(eventOf(users[i]!, entry));
        }
        if (out.length > 0) yield out;
      } while (cursor !== "0");
    }
  }

  async countUsers(version: string): Promise<number> {
    const k = this.keys;
    const counts = await this.call("countUsers", () =>
      mapLimit(k.allShards(), SHARD_CONCURRENCY, (s) => this.redis.hlen(k.candidates(version, s))),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  async deleteUser(userId: string): Promise<void> {
    if (userId === "") throw new InvalidArgumentError("user id must be a non-empty string");
    const k = this.keys;
    const shard = k.shardOf(userId);
    const versions = await this.call("deleteUser", () => this.redis.zrange(k.versions, 0, -1));
    const hashes: string[] = [];
    for (const version of versions) {
      const codec = await this.codec(version).catch((error) => {
        if (error instanceof NotFoundError) return null; // being collected, or not begun yet
        throw error;
      });
      hashes.push(...k.userHashes(version, shard, codec ? this.userKinds(codec) : []));
    }
    // A version begun after the registry read strips the user when it is sealed (the erasure is recorded).
    const keys = [
      k.erased(shard),
      k.eventUsers(shard),
      k.events(userId),
      k.updateGeneration(userId),
      ...hashes,
    ];
    await this.call("deleteUser", () => this.commands.tandemDeleteUser(keys.length, ...keys, userId));
  }

  async erasedUsers(): Promise<string[]> {
    const k = this.keys;
    const sets = await this.call("erasedUsers", () =>
      mapLimit(k.allShards(), SHARD_CONCURRENCY, (s) => this.redis.smembers(k.erased(s))),
    );
    return sets.flat().sort();
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}
