import {
  ErasedUserError,
  InvalidArgumentError,
  NotFoundError,
  TandemError,
  UnavailableError,
} from "@tandem/core";
import { Redis, ReplyError } from "ioredis";
import { decodeScoredList, decodeVector, decodeVectors, encodeScoredList, encodeVector } from "./codec.js";
import { assertSafeName, Keys, VERSION_KEYS } from "./keys.js";
import * as lua from "./lua.js";
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
  /** A Redis URL (the store owns and closes the client) or a client to share (left open by close()). */
  redis: string | Redis;
  /** Key namespace; several catalogues can share one Redis. Default "tandem". */
  namespace?: string;
  /** Events kept per user stream, trimmed approximately (XADD MAXLEN ~). Default 1000. */
  eventsMaxLenPerUser?: number;
  /** Default grace before a retired version is deleted by collectGarbage. Default 1 hour. */
  retiredGraceMs?: number;
  /** Default grace before a never-published version is deleted. Default 24 hours. */
  orphanGraceMs?: number;
  /** Records per pipeline in bulk writes. Default 500. */
  pipelineBatch?: number;
}

type LuaCommands = {
  tandemBegin(...args: (string | number)[]): Promise<string>;
  tandemPublish(...args: (string | number)[]): Promise<[string | null, number]>;
  tandemReadUserBuffer(...args: (string | number)[]): Promise<(Buffer | null)[] | null>;
  tandemReadUserRowBuffer(...args: (string | number)[]): Promise<(Buffer | null)[] | null>;
  tandemReadItemsBuffer(...args: (string | number)[]): Promise<(Buffer | null)[] | null>;
  tandemReadOneBuffer(...args: (string | number)[]): Promise<(Buffer | null)[] | null>;
  tandemWriteLiveUser(...args: (string | number | Buffer)[]): Promise<string>;
  tandemDeleteUser(...args: (string | number)[]): Promise<number>;
  tandemUnregister(...args: (string | number)[]): Promise<number>;
  tandemAppendEvents(numberOfKeys: number, ...args: (string | number)[]): Promise<string[]>;
};

const SCRIPTS: [name: string, numberOfKeys: number, source: string][] = [
  ["tandemBegin", 4, lua.BEGIN],
  ["tandemPublish", 7, lua.PUBLISH],
  ["tandemReadUser", 1, lua.READ_USER],
  ["tandemReadUserRow", 1, lua.READ_USER_ROW],
  ["tandemReadItems", 1, lua.READ_ITEMS],
  ["tandemReadOne", 1, lua.READ_ONE],
  ["tandemWriteLiveUser", 2, lua.WRITE_LIVE_USER],
  ["tandemDeleteUser", 5, lua.DELETE_USER],
  ["tandemUnregister", 3, lua.UNREGISTER],
];
/** Scripts whose key count varies per call (passed as the first argument). */
const VARIADIC_SCRIPTS: [name: string, source: string][] = [["tandemAppendEvents", lua.APPEND_EVENTS]];

const EVENTS_PER_SCRIPT = 100;

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

/** The Redis backend: the shared feature store of the ranking API and the workers. */
export class RedisFeatureStore implements FeatureStore {
  readonly backend = "redis";
  readonly keys: Keys;
  readonly redis: Redis;
  private readonly commands: LuaCommands;
  private readonly ownsClient: boolean;
  private readonly eventsMaxLen: number;
  private readonly retiredGraceMs: number;
  private readonly orphanGraceMs: number;
  private readonly batch: number;
  /** Codecs of versions seen; a version's shape never changes, so caching is safe. */
  private readonly codecs = new Map<string, VersionCodec>();
  /** The live version last read, so the scripts only send catalogue data when it changes. */
  private cachedLive = "";

  constructor(options: RedisFeatureStoreOptions) {
    this.keys = new Keys(options.namespace ?? "tandem");
    this.ownsClient = typeof options.redis === "string";
    this.redis =
      typeof options.redis === "string"
        ? // Fail a request after one reconnect attempt instead of queueing it for long: the API
          // answers from fallbacks, workers retry the job.
          new Redis(options.redis, { maxRetriesPerRequest: 1, lazyConnect: false })
        : options.redis;
    this.eventsMaxLen = options.eventsMaxLenPerUser ?? 1000;
    this.retiredGraceMs = options.retiredGraceMs ?? 3_600_000;
    this.orphanGraceMs = options.orphanGraceMs ?? 86_400_000;
    this.batch = options.pipelineBatch ?? 500;
    for (const [name, numberOfKeys, lua] of SCRIPTS) {
      if (!(name in this.redis)) this.redis.defineCommand(name, { numberOfKeys, lua });
    }
    for (const [name, lua] of VARIADIC_SCRIPTS) {
      if (!(name in this.redis)) this.redis.defineCommand(name, { lua });
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

  // --- versions ------------------------------------------------------------------------------------

  async beginVersion(version: string, spec: VersionSpec): Promise<VersionInfo> {
    validateSpec(version, spec);
    const info = infoFromSpec(version, spec, Date.now());
    const k = this.keys;
    const stored = await this.call("beginVersion", () =>
      this.commands.tandemBegin(
        k.versions,
        k.meta(version),
        k.items(version),
        k.parts(version),
        version,
        info.createdAt,
        JSON.stringify(info),
        Object.keys(info.userKinds).join(","),
        JSON.stringify(spec.itemIds),
        ...(spec.parts ?? []),
      ),
    );
    const existing = JSON.parse(stored) as VersionInfo;
    if (!sameShape(existing, info)) {
      throw new InvalidArgumentError(`version ${version} already exists with a different shape`);
    }
    return existing;
  }

  async versionInfo(version: string): Promise<VersionInfo | null> {
    const raw = await this.call("versionInfo", () => this.redis.hget(this.keys.meta(version), "info"));
    return raw ? (JSON.parse(raw) as VersionInfo) : null;
  }

  /** The codec of a version, loading its catalogue once. */
  private async codec(version: string): Promise<VersionCodec> {
    const cached = this.codecs.get(version);
    if (cached) return cached;
    const [info, items] = await this.call("load version", () =>
      this.redis.multi().hget(this.keys.meta(version), "info").get(this.keys.items(version)).exec(),
    ).then((r) => (r ?? []).map((x) => x?.[1] as string | null));
    if (!info || !items) throw new NotFoundError("model", `version ${version}`);
    return this.remember(version, info, items);
  }

  private remember(version: string, info: string | Buffer, items: string | Buffer): VersionCodec {
    const codec = new VersionCodec(JSON.parse(info.toString()) as VersionInfo, JSON.parse(items.toString()));
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
    const sent: Promise<[Error | null, unknown][] | null>[] = [];
    for (let start = 0; start < encoded.length; start += this.batch) {
      const pipeline = this.redis.pipeline();
      // One HSET per hash per batch: fewer commands than one per user and field.
      const cand: (string | Buffer)[] = [];
      const scalars: string[] = [];
      const vectors = new Map<string, (string | Buffer)[]>();
      for (const r of encoded.slice(start, start + this.batch)) {
        if (r.candidates) cand.push(r.userId, r.candidates);
        if (r.scalars) scalars.push(r.userId, r.scalars);
        for (const [kind, bytes] of r.vectors) {
          let list = vectors.get(kind);
          if (!list) vectors.set(kind, (list = []));
          list.push(r.userId, bytes);
        }
      }
      if (cand.length > 0) pipeline.hset(k.candidates(version), ...(cand as [string, Buffer]));
      if (scalars.length > 0) pipeline.hset(k.scalars(version), ...(scalars as [string, string]));
      for (const [kind, list] of vectors)
        pipeline.hset(k.userVectors(version, kind), ...(list as [string, Buffer]));
      // Not awaited here: Redis ingests this batch while the next one is built (2 cores: overlap).
      sent.push(pipeline.exec());
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
    if (["info", "userKinds", "status", "publishedAt"].includes(name)) {
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

  async publish(version: string): Promise<PublishResult> {
    assertSafeName("version", version);
    const k = this.keys;
    const [previous, changed] = await this.call(`publish ${version}`, () =>
      this.commands.tandemPublish(
        k.live,
        k.versions,
        k.retired,
        k.meta(version),
        k.parts(version),
        k.done(version),
        k.erased,
        version,
        Date.now(),
        k.versionPrefix(version),
        k.versionPrefix(),
      ),
    );
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
    const present = await this.scanVersionIds();
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
      await this.deleteVersionKeys(version);
      this.codecs.delete(version);
      deleted.push(version);
    }
    return deleted.sort();
  }

  private async scanVersionIds(): Promise<Set<string>> {
    const prefix = this.keys.versionPrefix();
    const ids = new Set<string>();
    let cursor = "0";
    do {
      const [next, keys] = await this.call("scan", () =>
        this.redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000),
      );
      cursor = next;
      for (const key of keys) {
        const rest = key.slice(prefix.length);
        ids.add(rest.slice(0, rest.indexOf(":")));
      }
    } while (cursor !== "0");
    return ids;
  }

  private async deleteVersionKeys(version: string): Promise<void> {
    let cursor = "0";
    do {
      const [next, keys] = await this.call("scan", () =>
        this.redis.scan(cursor, "MATCH", this.keys.versionPattern(version), "COUNT", 1000),
      );
      cursor = next;
      if (keys.length > 0) await this.call("unlink", () => this.redis.unlink(...keys));
    } while (cursor !== "0");
  }

  // --- reads of the live version -------------------------------------------------------------------

  /** Decodes the common head {version, info, items} of the read scripts and updates the caches. */
  private head(reply: (Buffer | null)[]): VersionCodec {
    const version = reply[0]!.toString();
    const info = reply[1];
    const items = reply[2];
    let codec = this.codecs.get(version);
    if (info && items) codec = this.remember(version, info, items);
    if (!codec) throw new NotFoundError("model", `version ${version}`);
    this.cachedLive = version;
    return codec;
  }

  /** Runs a read script; if the caller's cache lacks the version it names, retries once with it. */
  private async read(
    what: string,
    run: (cached: string) => Promise<(Buffer | null)[] | null>,
  ): Promise<{ reply: (Buffer | null)[]; codec: VersionCodec } | null> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const cached = this.codecs.has(this.cachedLive) ? this.cachedLive : "";
      const reply = await this.call(what, () => run(cached));
      if (!reply) return null;
      const version = reply[0]!.toString();
      if (!reply[1] && !this.codecs.has(version)) {
        this.cachedLive = "";
        continue;
      }
      return { reply, codec: this.head(reply) };
    }
    throw new NotFoundError("model", "live version metadata");
  }

  async getUserFeatures(userId: string): Promise<UserFeatures | null> {
    const got = await this.read("getUserFeatures", (cached) =>
      this.commands.tandemReadUserBuffer(this.keys.live, this.keys.versionPrefix(), userId, cached),
    );
    if (!got) return null;
    const { reply, codec } = got;
    const vectors: [string, Buffer | null][] = [];
    for (let i = 5; i < reply.length; i += 2) vectors.push([reply[i]!.toString(), reply[i + 1] ?? null]);
    return codec.decodeUser(userId, { candidates: reply[3] ?? null, scalars: reply[4] ?? null, vectors });
  }

  async getItemVectors(kind: string, itemIds: readonly string[]): Promise<ItemVectors> {
    assertSafeName("kind", kind);
    const toResult = (codec: VersionCodec, values: readonly (Buffer | null | undefined)[]): ItemVectors => {
      const dims = codec.itemVectorDims(kind);
      return {
        version: codec.info.version,
        dims,
        vectors: itemIds.map((_, i) => {
          const b = values[i];
          return b ? decodeVector(b, dims) : null;
        }),
      };
    };
    // Fast path, one round trip: MULTI { GET live; HMGET on the version this client saw last }. MULTI
    // makes both reads one atomic moment; if the pointer moved, fall back to the script below.
    const cached = this.codecs.get(this.cachedLive);
    if (cached && itemIds.length > 0 && kind in cached.info.itemKinds) {
      const replies = await this.call("getItemVectors", () =>
        this.redis
          .multi()
          .get(this.keys.live)
          .hmgetBuffer(this.keys.itemVectors(cached.info.version, kind), ...itemIds)
          .exec(),
      );
      const [live, values] = (replies ?? []).map(([error, value]) => {
        if (error) mapError(error, "getItemVectors");
        return value;
      }) as [string | null, (Buffer | null)[]];
      if (live === cached.info.version) return toResult(cached, values);
    }
    // The script resolves the pointer itself and sends the catalogue of a version new to this client.
    const got = await this.read("getItemVectors", (known) =>
      this.commands.tandemReadItemsBuffer(this.keys.live, this.keys.versionPrefix(), kind, known, ...itemIds),
    );
    if (!got) throw new NotFoundError("model", "live version (nothing published)");
    return toResult(got.codec, got.reply.slice(3));
  }

  async readUser(userId: string, options: UserRowOptions = {}): Promise<UserRow | null> {
    const kinds = options.vectors ?? [];
    for (const kind of kinds) assertSafeName("kind", kind);
    const reply = await this.call("readUser", () =>
      this.commands.tandemReadUserRowBuffer(
        this.keys.live,
        this.keys.versionPrefix(),
        userId,
        options.version ?? "",
        ...kinds,
      ),
    );
    if (!reply) return null;
    const version = reply[0]!.toString();
    const codec = this.codecs.get(version) ?? (await this.codec(version));
    for (const kind of kinds) {
      if (!(kind in codec.info.userKinds))
        throw new InvalidArgumentError(`version ${version} declares no user vectors of kind ${kind}`);
    }
    return codec.decodeRow(reply[1]!.toString(), {
      candidates: reply[2] ?? null,
      scalars: reply[3] ?? null,
      vectors: kinds.map((kind, i) => [kind, reply[4 + i] ?? null]),
    });
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

  private async readOne(what: string, suffix: string) {
    return this.read(what, (cached) =>
      this.commands.tandemReadOneBuffer(this.keys.live, this.keys.versionPrefix(), cached, suffix),
    );
  }

  async getPopularity(limit?: number): Promise<PopularityList | null> {
    const got = await this.readOne("getPopularity", VERSION_KEYS.popularity);
    const bytes = got?.reply[3];
    if (!got || !bytes) return null;
    const { indexes, features } = decodeScoredList(bytes);
    const n = Math.min(indexes.length, limit ?? indexes.length);
    return {
      version: got.codec.info.version,
      items: Array.from(indexes.subarray(0, n), (i) => got.codec.itemIds[i]!),
      scores: features.slice(0, n),
    };
  }

  async getMetadata(name: string): Promise<unknown> {
    assertSafeName("metadata name", name);
    const got = await this.readOne("getMetadata", `${VERSION_KEYS.meta}:${name}`);
    const bytes = got?.reply[3];
    return bytes ? JSON.parse(bytes.toString()) : null;
  }

  async getItemIds(): Promise<readonly string[]> {
    const got = await this.readOne("getItemIds", `${VERSION_KEYS.meta}:status`);
    return got ? got.codec.itemIds : [];
  }

  async updateLiveUser(record: UserRecord): Promise<string> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const live = await this.liveVersion();
      if (!live) throw new NotFoundError("model", "live version (nothing published)");
      const encoded = (await this.codec(live)).encodeRecord(record);
      const pairs: (string | Buffer)[] = [];
      if (encoded.candidates) pairs.push(VERSION_KEYS.candidates, encoded.candidates);
      if (encoded.scalars) pairs.push(VERSION_KEYS.scalars, encoded.scalars);
      for (const [kind, bytes] of encoded.vectors) pairs.push(`${VERSION_KEYS.userVectors}:${kind}`, bytes);
      const k = this.keys;
      const status = await this.call("updateLiveUser", () =>
        this.commands.tandemWriteLiveUser(k.live, k.erased, live, k.versionPrefix(), record.userId, ...pairs),
      );
      if (status.startsWith("OK ")) return live;
      if (status === "ERASED") throw new InvalidArgumentError(`user ${record.userId} was erased`);
      // A publish happened in between: write into the new live version instead.
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
    // Scripts block Redis while they run: 100 events each keeps that to a few ms (reads wait behind it).
    const chunks: EventToAppend[][] = [];
    for (let start = 0; start < events.length; start += EVENTS_PER_SCRIPT)
      chunks.push(events.slice(start, start + EVENTS_PER_SCRIPT));
    // Each chunk is one atomic script; check every user up front so a later chunk cannot be refused
    // after earlier ones were stored (the scripts check again, for erasures in between).
    if (chunks.length > 1) {
      const users = [...new Set(events.map((e) => e.user))];
      const flags = await this.call("appendEvents", () => this.redis.smismember(k.erased, ...users));
      const erased = users.filter((_, i) => flags[i] === 1);
      if (erased.length > 0) throw new ErasedUserError(erased);
    }
    const result: AppendResult = { ids: [], duplicate: [] };
    for (const chunk of chunks) {
      const keys: string[] = [k.erased, k.eventUsers];
      const args: (string | number)[] = [this.eventsMaxLen, window];
      for (const e of chunk) {
        const stream = k.events(e.user);
        keys.push(stream, e.eventId === undefined ? stream : k.eventId(e.user, e.eventId));
        args.push(e.user, e.item, String(e.value), String(e.timestamp), e.kind, e.eventId ?? "");
        args.push(e.timestamp * 1000);
      }
      const out = await this.call("appendEvents", () =>
        this.commands.tandemAppendEvents(keys.length, ...keys, ...args),
      );
      if (out[0] === "ERASED") throw new ErasedUserError(out.slice(1));
      for (const r of out) {
        result.ids.push(r.slice(1));
        result.duplicate.push(r[0] === "D");
      }
    }
    return result;
  }

  async readUserEvents(userId: string): Promise<StoredEvent[]> {
    const entries = await this.call("readUserEvents", () =>
      this.redis.xrange(this.keys.events(userId), "-", "+"),
    );
    return entries.map((entry) => eventOf(userId, entry));
  }

  async eventUsers(): Promise<string[]> {
    return this.call("eventUsers", () => this.redis.zrevrange(this.keys.eventUsers, 0, -1));
  }

  async eventClock(): Promise<string> {
    const [seconds, micros] = await this.call("eventClock", () => this.redis.time());
    // Every id up to the previous ms was assigned before this reading (Redis is single-threaded); ids
    // of this very ms may still come, so the watermark stops one ms short and the next run takes them.
    return `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1}-${Number.MAX_SAFE_INTEGER}`;
  }

  async *scanEvents(options: {
    after?: string;
    until: string;
    batch?: number;
  }): AsyncIterable<StoredEvent[]> {
    const batch = options.batch ?? 200;
    const start = options.after === undefined ? "-" : `(${options.after}`;
    // ZSCAN returns every member present for the whole scan at least once, whatever is added meanwhile.
    let cursor = "0";
    do {
      const [next, flat] = await this.call("scanEvents", () =>
        this.redis.zscan(this.keys.eventUsers, cursor, "COUNT", batch),
      );
      cursor = next;
      const users = flat.filter((_, i) => i % 2 === 0);
      if (users.length === 0) continue;
      const pipeline = this.redis.pipeline();
      for (const user of users) pipeline.xrange(this.keys.events(user), start, options.until);
      const results = await this.call("scanEvents", () => pipeline.exec());
      const out: StoredEvent[] = [];
      for (const [i, [error, entries]] of (results ?? []).entries()) {
        if (error) mapError(error, "scanEvents");
        for (const entry of entries as [string, string[]][]) out.push(eventOf(users[i]!, entry));
      }
      if (out.length > 0) yield out;
    } while (cursor !== "0");
  }

  async countUsers(version: string): Promise<number> {
    return this.call("countUsers", () => this.redis.hlen(this.keys.candidates(version)));
  }

  async deleteUser(userId: string): Promise<void> {
    if (userId === "") throw new InvalidArgumentError("user id must be a non-empty string");
    const k = this.keys;
    await this.call("deleteUser", () =>
      this.commands.tandemDeleteUser(
        k.versions,
        k.erased,
        k.eventUsers,
        k.events(userId),
        k.updateGeneration(userId),
        k.versionPrefix(),
        userId,
      ),
    );
  }

  async erasedUsers(): Promise<string[]> {
    return (await this.call("erasedUsers", () => this.redis.smembers(this.keys.erased))).sort();
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
