import { ErasedUserError, InvalidArgumentError, NotFoundError } from "@tandem/core";
import { decodeScoredList, decodeVector, decodeVectors, encodeScoredList, encodeVector } from "./codec.js";
import { assertSafeName } from "./keys.js";
import { compareStreamIds } from "./stream-id.js";
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
  type StoreEncoding,
  type UserFeatures,
  type UserRecord,
  type UserRow,
  type UserRowOptions,
  type VersionInfo,
  type VersionSpec,
  type VersionSummary,
} from "./types.js";
import { validateEvent } from "./validate-event.js";
import { infoFromSpec, sameShape, VersionCodec, validateSpec } from "./version-codec.js";

export interface MemoryFeatureStoreOptions {
  /** Events kept per user (oldest dropped first). Default 1000. */
  eventsMaxLenPerUser?: number;
  /** Default grace before a retired version is deleted by collectGarbage. Default 1 hour. */
  retiredGraceMs?: number;
  /** Default grace before a never-published version is deleted. Default 24 hours. */
  orphanGraceMs?: number;
  /** Encoding of versions whose spec names none. Default f32 (createFeatureStore passes `store.encoding`). */
  encoding?: StoreEncoding;
}

/** One version's data, as the same bytes the Redis backend stores. */
interface MemoryVersion {
  codec: VersionCodec;
  parts: Set<string>;
  done: Set<string>;
  retiredAt: number | null;
  itemVectors: Map<string, Map<string, Buffer>>;
  userVectors: Map<string, Map<string, Buffer>>;
  scalars: Map<string, string>;
  candidates: Map<string, Buffer>;
  popularity: Buffer | null;
  metadata: Map<string, string>;
}

/**
 * The embedded store: one process, no Redis. Same semantics as the Redis backend (versions,
 * atomic publish, erasure, events) and the same encoded bytes, so the conformance suite covers both.
 */
export class MemoryFeatureStore implements FeatureStore {
  readonly backend = "memory";
  private readonly versions = new Map<string, MemoryVersion>();
  private live: string | null = null;
  private readonly erased = new Set<string>();
  private readonly events = new Map<string, StoredEvent[]>();
  private readonly lastEventAt = new Map<string, number>();
  /** (user, eventId) → stream id and expiry, like the Redis backend's event-id keys. */
  private readonly eventIds = new Map<string, { id: string; expiresAt: number }>();
  private lastStreamMs = 0;
  private streamSeq = 0;
  private readonly eventsMaxLen: number;
  private readonly retiredGraceMs: number;
  private readonly orphanGraceMs: number;
  private readonly encoding: StoreEncoding;

  constructor(options: MemoryFeatureStoreOptions = {}) {
    this.encoding = options.encoding ?? "f32";
    this.eventsMaxLen = options.eventsMaxLenPerUser ?? 1000;
    this.retiredGraceMs = options.retiredGraceMs ?? 3_600_000;
    this.orphanGraceMs = options.orphanGraceMs ?? 86_400_000;
  }

  private get(version: string): MemoryVersion {
    assertSafeName("version", version);
    const v = this.versions.get(version);
    if (!v) throw new NotFoundError("model", `version ${version}`);
    return v;
  }

  private liveData(): MemoryVersion | null {
    return this.live === null ? null : (this.versions.get(this.live) ?? null);
  }

  async beginVersion(version: string, spec: VersionSpec): Promise<VersionInfo> {
    validateSpec(version, spec);
    const info = infoFromSpec(version, spec, Date.now(), this.encoding);
    const existing = this.versions.get(version);
    if (existing) {
      if (!sameShape(existing.codec.info, info)) {
        throw new InvalidArgumentError(`version ${version} already exists with a different shape`);
      }
      for (const p of spec.parts ?? []) existing.parts.add(p);
      return existing.codec.info;
    }
    this.versions.set(version, {
      codec: new VersionCodec(info, [...spec.itemIds]),
      parts: new Set(spec.parts ?? []),
      done: new Set(),
      retiredAt: null,
      itemVectors: new Map(),
      userVectors: new Map(),
      scalars: new Map(),
      candidates: new Map(),
      popularity: null,
      metadata: new Map(),
    });
    return info;
  }

  async versionInfo(version: string): Promise<VersionInfo | null> {
    assertSafeName("version", version);
    return this.versions.get(version)?.codec.info ?? null;
  }

  async writeItemVectors(version: string, kind: string, ids: readonly string[], vectors: Float32Array) {
    const v = this.get(version);
    const dims = v.codec.itemVectorDims(kind);
    if (vectors.length !== ids.length * dims) {
      throw new InvalidArgumentError(`item vectors ${kind}: expected ${ids.length} × ${dims} floats`);
    }
    v.codec.itemIndexes(ids);
    let hash = v.itemVectors.get(kind);
    if (!hash) v.itemVectors.set(kind, (hash = new Map()));
    ids.forEach((id, i) => {
      hash.set(id, encodeVector(vectors.subarray(i * dims, (i + 1) * dims)));
    });
  }

  private writeEncoded(v: MemoryVersion, record: UserRecord): void {
    const r = v.codec.encodeRecord(record);
    if (r.candidates) v.candidates.set(r.userId, r.candidates);
    if (r.scalars) v.scalars.set(r.userId, r.scalars);
    for (const [kind, bytes] of r.vectors) {
      let hash = v.userVectors.get(kind);
      if (!hash) v.userVectors.set(kind, (hash = new Map()));
      hash.set(r.userId, bytes);
    }
  }

  async writeUsers(version: string, records: readonly UserRecord[]): Promise<void> {
    const v = this.get(version);
    // Validate everything first, like the Redis backend which encodes before sending anything.
    for (const r of records) v.codec.encodeRecord(r);
    for (const r of records) this.writeEncoded(v, r);
  }

  async writePopularity(version: string, items: readonly string[], scores: Float32Array) {
    const v = this.get(version);
    if (scores.length !== items.length) throw new InvalidArgumentError("popularity: one score per item");
    v.popularity = encodeScoredList(v.codec.itemIndexes(items), scores, 1);
  }

  async writeMetadata(version: string, name: string, value: unknown) {
    assertSafeName("metadata name", name);
    if (["info", "userKinds", "status", "publishedAt"].includes(name)) {
      throw new InvalidArgumentError(`metadata name ${name} is reserved`);
    }
    this.get(version).metadata.set(name, JSON.stringify(value));
  }

  async expectParts(version: string, parts: readonly string[]) {
    const v = this.get(version);
    for (const p of parts) v.parts.add(p);
  }

  async completeParts(version: string, parts: readonly string[]) {
    const v = this.get(version);
    for (const p of parts) v.done.add(p);
  }

  async missingParts(version: string): Promise<string[]> {
    const v = this.versions.get(version);
    if (!v) return [];
    return [...v.parts].filter((p) => !v.done.has(p)).sort();
  }

  async publish(version: string): Promise<PublishResult> {
    const v = this.get(version);
    const missing = await this.missingParts(version);
    if (missing.length > 0) {
      throw new InvalidArgumentError(`publish ${version}: parts not complete: ${missing.join(",")}`);
    }
    if (this.live === version) return { version, previous: version, changed: false };
    for (const user of this.erased) this.removeUser(v, user);
    const previous = this.live;
    const now = Date.now();
    if (previous !== null) {
      const old = this.versions.get(previous);
      if (old) old.retiredAt = now;
    }
    v.retiredAt = null;
    this.live = version;
    return { version, previous, changed: true };
  }

  async liveVersion(): Promise<string | null> {
    return this.live;
  }

  async listVersions(): Promise<VersionSummary[]> {
    return [...this.versions.entries()]
      .map(([version, v]) => ({
        version,
        createdAt: v.codec.info.createdAt,
        status:
          version === this.live
            ? ("live" as const)
            : v.retiredAt !== null
              ? ("retired" as const)
              : ("writing" as const),
      }))
      .sort((a, b) => a.createdAt - b.createdAt || (a.version < b.version ? -1 : 1));
  }

  async collectGarbage(options: GcOptions = {}): Promise<string[]> {
    const now = options.now ?? Date.now();
    const retiredGrace = options.retiredGraceMs ?? this.retiredGraceMs;
    const orphanGrace = options.orphanGraceMs ?? this.orphanGraceMs;
    const deleted: string[] = [];
    for (const [version, v] of this.versions) {
      if (version === this.live) continue;
      const expired =
        v.retiredAt !== null
          ? now - v.retiredAt >= retiredGrace
          : now - v.codec.info.createdAt >= orphanGrace;
      if (expired) {
        this.versions.delete(version);
        deleted.push(version);
      }
    }
    return deleted.sort();
  }

  async getUserFeatures(userId: string): Promise<UserFeatures | null> {
    const v = this.liveData();
    if (!v) return null;
    return v.codec.decodeUser(userId, {
      candidates: v.candidates.get(userId) ?? null,
      scalars: v.scalars.has(userId) ? Buffer.from(v.scalars.get(userId)!) : null,
      vectors: Object.keys(v.codec.info.userKinds).map((kind) => [
        kind,
        v.userVectors.get(kind)?.get(userId) ?? null,
      ]),
    });
  }

  async getItemVectors(kind: string, itemIds: readonly string[]): Promise<ItemVectors> {
    assertSafeName("kind", kind);
    const v = this.liveData();
    if (!v) throw new NotFoundError("model", "live version (nothing published)");
    const dims = v.codec.itemVectorDims(kind);
    const hash = v.itemVectors.get(kind);
    return {
      version: v.codec.info.version,
      dims,
      vectors: itemIds.map((id) => {
        const b = hash?.get(id);
        return b ? decodeVector(b, dims) : null;
      }),
    };
  }

  async readUser(userId: string, options: UserRowOptions = {}): Promise<UserRow | null> {
    const v = options.version ? this.versions.get(options.version) : this.liveData();
    if (!v || this.live === null) return null;
    const vectors = (options.vectors ?? []).map((kind): [string, Buffer | null] => {
      if (!(kind in v.codec.info.userKinds)) {
        throw new InvalidArgumentError(
          `version ${v.codec.info.version} declares no user vectors of kind ${kind}`,
        );
      }
      return [kind, v.userVectors.get(kind)?.get(userId) ?? null];
    });
    return v.codec.decodeRow(this.live, {
      candidates: v.candidates.get(userId) ?? null,
      scalars: v.scalars.has(userId) ? Buffer.from(v.scalars.get(userId)!) : null,
      vectors,
    });
  }

  async getItemVectorsAt(
    version: string,
    kind: string,
    itemIds: readonly string[],
  ): Promise<ItemVectors | null> {
    assertSafeName("kind", kind);
    const v = this.versions.get(version);
    if (!v) return null;
    const dims = v.codec.itemVectorDims(kind);
    const hash = v.itemVectors.get(kind);
    return {
      version,
      dims,
      vectors: decodeVectors(
        itemIds.map((id) => hash?.get(id)),
        dims,
      ),
    };
  }

  async getPopularity(limit?: number): Promise<PopularityList | null> {
    const v = this.liveData();
    if (!v?.popularity) return null;
    const { indexes, features } = decodeScoredList(v.popularity);
    const n = Math.min(indexes.length, limit ?? indexes.length);
    return {
      version: v.codec.info.version,
      items: Array.from(indexes.subarray(0, n), (i) => v.codec.itemIds[i]!),
      scores: features.slice(0, n),
    };
  }

  async getMetadata(name: string): Promise<unknown> {
    assertSafeName("metadata name", name);
    const raw = this.liveData()?.metadata.get(name);
    return raw === undefined ? null : JSON.parse(raw);
  }

  async getItemIds(): Promise<readonly string[]> {
    return this.liveData()?.codec.itemIds ?? [];
  }

  async updateLiveUser(record: UserRecord): Promise<string> {
    const v = this.liveData();
    if (!v || this.live === null) throw new NotFoundError("model", "live version (nothing published)");
    if (this.erased.has(record.userId)) throw new InvalidArgumentError(`user ${record.userId} was erased`);
    this.writeEncoded(v, record);
    return this.live;
  }

  async appendEvents(events: readonly EventToAppend[], options?: AppendOptions): Promise<string[]> {
    return (await this.appendEventsOnce(events, options)).ids;
  }

  async appendEventsOnce(
    events: readonly EventToAppend[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    for (const e of events) validateEvent(e);
    const erased = [...new Set(events.map((e) => e.user))].filter((u) => this.erased.has(u));
    if (erased.length > 0) throw new ErasedUserError(erased);
    const window = options.eventIdWindowMs ?? EVENT_ID_WINDOW_MS;
    const now = Date.now();
    this.forgetExpiredEventIds(now);
    const result: AppendResult = { ids: [], duplicate: [] };
    for (const e of events) {
      const idKey = e.eventId === undefined ? null : JSON.stringify([e.user, e.eventId]);
      const earlier = idKey === null ? undefined : this.eventIds.get(idKey);
      if (earlier && earlier.expiresAt > now) {
        result.ids.push(earlier.id);
        result.duplicate.push(true);
        continue;
      }
      const id = this.appendOne(e);
      if (idKey !== null) this.eventIds.set(idKey, { id, expiresAt: now + window });
      result.ids.push(id);
      result.duplicate.push(false);
    }
    return result;
  }

  /** Amortised: sweeps only when the map doubled since the last sweep. */
  private eventIdSweepAt = 1024;
  private forgetExpiredEventIds(now: number): void {
    if (this.eventIds.size < this.eventIdSweepAt) return;
    for (const [key, v] of this.eventIds) if (v.expiresAt <= now) this.eventIds.delete(key);
    this.eventIdSweepAt = Math.max(1024, 2 * this.eventIds.size);
  }

  private appendOne(e: EventToAppend): string {
    // Stream-like ids: "<ms>-<seq>", strictly increasing.
    const ms = Date.now();
    if (ms > this.lastStreamMs) {
      this.lastStreamMs = ms;
      this.streamSeq = 0;
    } else this.streamSeq++;
    const id = `${this.lastStreamMs}-${this.streamSeq}`;
    let list = this.events.get(e.user);
    if (!list) this.events.set(e.user, (list = []));
    list.push({ id, user: e.user, item: e.item, value: e.value, timestamp: e.timestamp, kind: e.kind });
    if (list.length > this.eventsMaxLen) list.splice(0, list.length - this.eventsMaxLen);
    this.lastEventAt.set(e.user, Math.max(this.lastEventAt.get(e.user) ?? 0, e.timestamp * 1000));
    return id;
  }

  async readUserEvents(userId: string): Promise<StoredEvent[]> {
    return (this.events.get(userId) ?? []).map((e) => ({ ...e }));
  }

  async eventUsers(): Promise<string[]> {
    return [...this.lastEventAt.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))
      .map(([user]) => user);
  }

  async eventClock(): Promise<string> {
    // Ids of the current ms may still come: the watermark stops one ms short (as on Redis).
    return `${Math.max(Date.now(), this.lastStreamMs) - 1}-${Number.MAX_SAFE_INTEGER}`;
  }

  async *scanEvents(options: {
    after?: string;
    until: string;
    batch?: number;
  }): AsyncIterable<StoredEvent[]> {
    const batch = options.batch ?? 200;
    const inRange = (e: StoredEvent) =>
      (options.after === undefined || compareStreamIds(e.id, options.after) > 0) &&
      compareStreamIds(e.id, options.until) <= 0;
    const users = [...this.events.keys()];
    for (let start = 0; start < users.length; start += batch) {
      const out = users
        .slice(start, start + batch)
        .flatMap((u) => (this.events.get(u) ?? []).filter(inRange).map((e) => ({ ...e })));
      if (out.length > 0) yield out;
    }
  }

  async countUsers(version: string): Promise<number> {
    return this.get(version).candidates.size;
  }

  private removeUser(v: MemoryVersion, userId: string): void {
    v.candidates.delete(userId);
    v.scalars.delete(userId);
    for (const hash of v.userVectors.values()) hash.delete(userId);
  }

  async deleteUser(userId: string): Promise<void> {
    if (userId === "") throw new InvalidArgumentError("user id must be a non-empty string");
    for (const v of this.versions.values()) this.removeUser(v, userId);
    this.events.delete(userId);
    this.lastEventAt.delete(userId);
    this.erased.add(userId);
  }

  async erasedUsers(): Promise<string[]> {
    return [...this.erased].sort();
  }

  async close(): Promise<void> {}
}
