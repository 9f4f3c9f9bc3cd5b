import { Keys } from "./keys.js";
import { EventLog } from "./redis/event-log.js";
import { GarbageCollector } from "./redis/garbage-collector.js";
import { ItemReads } from "./redis/item-reads.js";
import { ItemWrites } from "./redis/item-writes.js";
import { defineLuaCommands } from "./redis/lua-commands.js";
import { RedisStoreContext } from "./redis/store-context.js";
import { UserReads } from "./redis/user-reads.js";
import { UserWrites } from "./redis/user-writes.js";
import { VersionLifecycle } from "./redis/version-lifecycle.js";
import { VersionResolver } from "./redis/version-resolver.js";
import { openRedis, type RedisClient, type RedisTarget } from "./redis-client.js";
import type {
  AppendOptions,
  AppendResult,
  EventToAppend,
  FeatureStore,
  GcOptions,
  ItemVectors,
  PopularityList,
  PublishResult,
  StoredEvent,
  UserFeatures,
  UserRecord,
  UserRow,
  UserRowOptions,
  VersionInfo,
  VersionSpec,
  VersionSummary,
} from "./types.js";

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

/**
 * The Redis backend: the shared feature store of the ranking API and the workers, on one Redis or a
 * Redis Cluster (keys.ts spreads users over S shards; every script runs in one slot). The work lives in
 * ./redis/ (one part per concern, sharing one RedisStoreContext); this class puts them together.
 */
export class RedisFeatureStore implements FeatureStore {
  readonly backend = "redis";
  readonly keys: Keys;
  readonly redis: RedisClient;
  private readonly ownsClient: boolean;
  private readonly ctx: RedisStoreContext;
  private readonly lifecycle: VersionLifecycle;
  private readonly gc: GarbageCollector;
  private readonly itemWrites: ItemWrites;
  private readonly itemReads: ItemReads;
  private readonly userWrites: UserWrites;
  private readonly userReads: UserReads;
  private readonly events: EventLog;

  constructor(options: RedisFeatureStoreOptions) {
    this.keys = new Keys(options.namespace ?? "tandem", options.shards ?? 1);
    const target = options.redis;
    this.ownsClient = typeof target === "string" || Array.isArray(target);
    this.redis = this.ownsClient
      ? // Fail a request after one reconnect attempt instead of queueing it for long: the API answers
        // from fallbacks, workers retry the job. Auto-pipelining sends a request's reads (the pointer
        // and the guessed version's row) in one exchange.
        openRedis(target as RedisTarget, { maxRetriesPerRequest: 1, enableAutoPipelining: true })
      : (target as RedisClient);
    const ctx = (this.ctx = new RedisStoreContext(
      this.keys,
      this.redis,
      defineLuaCommands(this.redis),
      options.pipelineBatch ?? 500,
    ));
    const resolver = new VersionResolver(ctx);
    this.lifecycle = new VersionLifecycle(ctx, options.encoding);
    this.gc = new GarbageCollector(
      ctx,
      options.retiredGraceMs ?? 3_600_000,
      options.orphanGraceMs ?? 86_400_000,
    );
    this.itemWrites = new ItemWrites(ctx);
    this.itemReads = new ItemReads(ctx, resolver);
    this.userWrites = new UserWrites(ctx);
    this.userReads = new UserReads(ctx, resolver);
    this.events = new EventLog(ctx, options.eventsMaxLenPerUser ?? 1000);
    // Errors surface on the calls; without a listener ioredis would also print every reconnect failure.
    if (this.ownsClient) this.redis.on("error", () => {});
  }

  // --- versions ------------------------------------------------------------------------------------

  beginVersion(version: string, spec: VersionSpec): Promise<VersionInfo> {
    return this.lifecycle.beginVersion(version, spec);
  }
  versionInfo(version: string): Promise<VersionInfo | null> {
    return this.lifecycle.versionInfo(version);
  }
  writeItemVectors(version: string, kind: string, ids: readonly string[], vectors: Float32Array) {
    return this.itemWrites.writeItemVectors(version, kind, ids, vectors);
  }
  writeUsers(version: string, records: readonly UserRecord[]): Promise<void> {
    return this.userWrites.writeUsers(version, records);
  }
  writePopularity(version: string, items: readonly string[], scores: Float32Array) {
    return this.itemWrites.writePopularity(version, items, scores);
  }
  writeMetadata(version: string, name: string, value: unknown) {
    return this.lifecycle.writeMetadata(version, name, value);
  }
  expectParts(version: string, parts: readonly string[]) {
    return this.lifecycle.expectParts(version, parts);
  }
  completeParts(version: string, parts: readonly string[]) {
    return this.lifecycle.completeParts(version, parts);
  }
  missingParts(version: string): Promise<string[]> {
    return this.lifecycle.missingParts(version);
  }
  publish(version: string): Promise<PublishResult> {
    return this.lifecycle.publish(version);
  }
  liveVersion(): Promise<string | null> {
    return this.ctx.liveVersion();
  }
  listVersions(): Promise<VersionSummary[]> {
    return this.lifecycle.listVersions();
  }
  collectGarbage(options: GcOptions = {}): Promise<string[]> {
    return this.gc.collectGarbage(options);
  }

  // --- reads ------------------------------------------------------------------------------------------

  getUserFeatures(userId: string): Promise<UserFeatures | null> {
    return this.userReads.getUserFeatures(userId);
  }
  readUser(userId: string, options: UserRowOptions = {}): Promise<UserRow | null> {
    return this.userReads.readUser(userId, options);
  }
  getItemVectors(kind: string, itemIds: readonly string[]): Promise<ItemVectors> {
    return this.itemReads.getItemVectors(kind, itemIds);
  }
  getItemVectorsAt(version: string, kind: string, itemIds: readonly string[]): Promise<ItemVectors | null> {
    return this.itemReads.getItemVectorsAt(version, kind, itemIds);
  }
  getPopularity(limit?: number): Promise<PopularityList | null> {
    return this.itemReads.getPopularity(limit);
  }
  getMetadata(name: string): Promise<unknown> {
    return this.itemReads.getMetadata(name);
  }
  getItemIds(): Promise<readonly string[]> {
    return this.itemReads.getItemIds();
  }
  updateLiveUser(record: UserRecord): Promise<string> {
    return this.userWrites.updateLiveUser(record);
  }

  // --- events and erasure ------------------------------------------------------------------------------

  async appendEvents(events: readonly EventToAppend[], options?: AppendOptions): Promise<string[]> {
    return (await this.events.appendEventsOnce(events, options)).ids;
  }
  appendEventsOnce(events: readonly EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    return this.events.appendEventsOnce(events, options);
  }
  readUserEvents(userId: string): Promise<StoredEvent[]> {
    return this.events.readUserEvents(userId);
  }
  eventUsers(): Promise<string[]> {
    return this.events.eventUsers();
  }
  eventClock(): Promise<string> {
    return this.events.eventClock();
  }
  scanEvents(options: { after?: string; until: string; batch?: number }): AsyncIterable<StoredEvent[]> {
    return this.events.scanEvents(options);
  }
  countUsers(version: string): Promise<number> {
    return this.userWrites.countUsers(version);
  }
  deleteUser(userId: string): Promise<void> {
    return this.userWrites.deleteUser(userId);
  }
  erasedUsers(): Promise<string[]> {
    return this.userWrites.erasedUsers();
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
