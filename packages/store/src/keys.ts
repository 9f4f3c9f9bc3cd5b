import { InvalidArgumentError } from "@tandem/core";

/** Version ids and kinds become parts of key names: keep them to a safe, glob-free alphabet. */
const SAFE = /^[A-Za-z0-9._-]{1,100}$/;

export function assertSafeName(what: string, value: string): void {
  if (!SAFE.test(value)) {
    throw new InvalidArgumentError(`${what} must match ${SAFE} (got ${JSON.stringify(value)})`);
  }
}

/** Suffixes of a version's keys, in the version's slot and in each shard (see the layout below). */
export const VERSION_KEYS = {
  meta: "meta",
  parts: "parts",
  done: "done",
  sealed: "sealed",
  items: "items",
  itemVectors: "ivec",
  userVectors: "uvec",
  scalars: "scalars",
  candidates: "cand",
  popularity: "pop",
  seal: "seal",
} as const;

/** Most shards a namespace may have (each is one hash tag, so at most one slot's worth of data). */
export const MAX_SHARDS = 4096;

/** FNV-1a over UTF-16 code units: stable across processes, platforms and releases (it names keys). */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Every Redis key Tandem uses, in one place (Lua scripts get all their keys from here, in KEYS[]).
 * Keys are spread over hash tags so a catalogue is not confined to one cluster slot:
 *
 * - control slot `{ns}` (C): `C:live` string, the published version id (the one pointer readers resolve);
 *   `C:versions` zset version → created-at ms (every version ever started, for GC); `C:retired` zset
 *   version → ms it stopped being live.
 * - version slot `{ns:v:V}` (P), item-level data of version V: `P:meta` hash (`info` JSON, `userKinds`,
 *   `shards`, `status`, `model`, …); `P:parts` / `P:done` sets (parts a run must write / has written);
 *   `P:sealed` set (shards whose part of V is complete); `P:items` JSON item ids (candidate lists store
 *   indexes into it); `P:ivec:K` hash item → float32 vector of kind K; `P:pop` binary popularity list.
 * - user shards `{ns:<s>}` (U), s = stableHash(user) mod S, S = config `store.shards`:
 *   `U:events:<user>` stream; `U:event-users` zset user → last event ms; `U:event-id:L:<user>:E` string
 *   with TTL `api.eventIdWindowMs` (stream id of the user's event with client id E; L = length of the
 *   user id, so ids containing ':' cannot collide); `U:update-gen:<user>` de-duplicates update-user jobs;
 *   `U:erased` set of users erased for privacy; and per version `U:v:V:cand` / `U:v:V:scalars` /
 *   `U:v:V:uvec:K` hashes user → candidates (codec.ts) / JSON scalars / float32 vector, and
 *   `U:v:V:seal` (this shard's part of V is complete: erased users stripped, readable).
 * - `{ns:bull}` : BullMQ key prefix (BullMQ needs one hash tag per prefix on a cluster).
 */
export class Keys {
  /** The control slot's tag, `{namespace}`. */
  readonly base: string;

  constructor(
    readonly namespace: string,
    /** Number of user shards S (fixed for the life of a namespace). Default 1. */
    readonly shards = 1,
  ) {
    assertSafeName("namespace", namespace);
    if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS)
      throw new InvalidArgumentError(`shards must be an integer in 1..${MAX_SHARDS} (got ${shards})`);
    this.base = `{${namespace}}`;
  }

  get live() {
    return `${this.base}:live`;
  }
  get versions() {
    return `${this.base}:versions`;
  }
  get retired() {
    return `${this.base}:retired`;
  }
  get bullPrefix() {
    return `{${this.namespace}:bull}`;
  }

  // --- user shards -------------------------------------------------------------------------------
  /** The shard of a user: stable, so every process agrees. */
  shardOf(userId: string): number {
    return this.shards === 1 ? 0 : stableHash(userId) % this.shards;
  }
  /** Hash tag of shard s. */
  shard(s: number) {
    return `{${this.namespace}:${s}}`;
  }
  /** Every shard index, 0..S-1. */
  allShards(): number[] {
    return Array.from({ length: this.shards }, (_, s) => s);
  }
  erased(shard: number) {
    return `${this.shard(shard)}:erased`;
  }
  eventUsers(shard: number) {
    return `${this.shard(shard)}:event-users`;
  }
  events(userId: string) {
    return `${this.shard(this.shardOf(userId))}:events:${userId}`;
  }
  /** Remembers one client event id of a user (see layout above). */
  eventId(userId: string, eventId: string) {
    return `${this.shard(this.shardOf(userId))}:event-id:${userId.length}:${userId}:${eventId}`;
  }
  updateGeneration(userId: string) {
    return `${this.shard(this.shardOf(userId))}:update-gen:${userId}`;
  }
  private shardVersion(version: string, shard: number) {
    assertSafeName("version", version);
    return `${this.shard(shard)}:v:${version}`;
  }
  candidates(version: string, shard = 0) {
    return `${this.shardVersion(version, shard)}:${VERSION_KEYS.candidates}`;
  }
  scalars(version: string, shard = 0) {
    return `${this.shardVersion(version, shard)}:${VERSION_KEYS.scalars}`;
  }
  userVectors(version: string, kind: string, shard = 0) {
    assertSafeName("kind", kind);
    return `${this.shardVersion(version, shard)}:${VERSION_KEYS.userVectors}:${kind}`;
  }
  seal(version: string, shard: number) {
    return `${this.shardVersion(version, shard)}:${VERSION_KEYS.seal}`;
  }
  /** A shard's per-user hashes of a version: candidates, scalars, then one per user kind. */
  userHashes(version: string, shard: number, userKinds: readonly string[]): string[] {
    return [
      this.candidates(version, shard),
      this.scalars(version, shard),
      ...userKinds.map((kind) => this.userVectors(version, kind, shard)),
    ];
  }

  // --- version slot ------------------------------------------------------------------------------
  /** Hash tag of version V's item-level slot. */
  versionTag(version: string) {
    assertSafeName("version", version);
    return `{${this.namespace}:v:${version}}`;
  }
  meta(version: string) {
    return `${this.versionTag(version)}:${VERSION_KEYS.meta}`;
  }
  parts(version: string) {
    return `${this.versionTag(version)}:${VERSION_KEYS.parts}`;
  }
  done(version: string) {
    return `${this.versionTag(version)}:${VERSION_KEYS.done}`;
  }
  sealed(version: string) {
    return `${this.versionTag(version)}:${VERSION_KEYS.sealed}`;
  }
  items(version: string) {
    return `${this.versionTag(version)}:${VERSION_KEYS.items}`;
  }
  itemVectors(version: string, kind: string) {
    assertSafeName("kind", kind);
    return `${this.versionTag(version)}:${VERSION_KEYS.itemVectors}:${kind}`;
  }
  popularity(version: string) {
    return `${this.versionTag(version)}:${VERSION_KEYS.popularity}`;
  }

  // --- patterns (GC and tests; names are glob-free, see assertSafeName) ----------------------------
  /** SCAN patterns matching every key of version V: its slot, and its part of every shard. */
  versionPatterns(version: string): string[] {
    assertSafeName("version", version);
    return [`${this.versionTag(version)}:*`, `{${this.namespace}:[0-9]*}:v:${version}:*`];
  }
  /** SCAN patterns matching the keys of every version; `versionOf` extracts the id from a match. */
  get allVersionPatterns(): string[] {
    return [`{${this.namespace}:v:*}:*`, `{${this.namespace}:[0-9]*}:v:*`];
  }
  versionOf(key: string): string | null {
    const m =
      new RegExp(`^\\{${escapeDots(this.namespace)}:v:([A-Za-z0-9._-]+)\\}:`).exec(key) ??
      new RegExp(`^\\{${escapeDots(this.namespace)}:[0-9]+\\}:v:([A-Za-z0-9._-]+):`).exec(key);
    return m ? m[1]! : null;
  }
}

const escapeDots = (s: string) => s.replace(/[.]/g, "\\.");
