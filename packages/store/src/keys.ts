import { InvalidArgumentError } from "@tandem/core";

/** Version ids and kinds become parts of key names: keep them to a safe, glob-free alphabet. */
const SAFE = /^[A-Za-z0-9._-]{1,100}$/;

export function assertSafeName(what: string, value: string): void {
  if (!SAFE.test(value)) {
    throw new InvalidArgumentError(`${what} must match ${SAFE} (got ${JSON.stringify(value)})`);
  }
}

/**
 * Suffixes of a version's keys (`{namespace}:v:<version>:<suffix>`). The Lua scripts in lua.ts build
 * version keys from these same constants, so this file stays the one place that names keys.
 */
export const VERSION_KEYS = {
  meta: "meta",
  parts: "parts",
  done: "done",
  items: "items",
  itemVectors: "ivec",
  userVectors: "uvec",
  scalars: "scalars",
  candidates: "cand",
  popularity: "pop",
} as const;

/**
 * Every Redis key Tandem uses, in one place. All keys start with `{namespace}:` — the braces make the
 * namespace a cluster hash tag, so one catalogue's keys (and its Lua scripts) live in one slot.
 *
 * Layout (`N` = `{namespace}`, `V` = a version id):
 * - `N:live` string: the published version id (the one pointer readers resolve)
 * - `N:versions` zset: version → created-at ms (every version ever started, for GC)
 * - `N:retired` zset: version → ms when it stopped being live
 * - `N:erased` set: user ids erased for privacy; excluded by the next runs
 * - `N:events:U` stream: user U's events; `N:event-users` zset: user → last event ms
 * - `N:event-id:L:U:E` string, TTL config `api.eventIdWindowMs`: stream id of user U's event with client
 *   event id E (L = length of U, so ids containing ':' cannot collide); makes retried writes idempotent
 * - `N:update-gen:U` string: generation counter that de-duplicates update-user jobs
 * - `N:v:V:meta` hash: `info` (JSON VersionInfo), `userKinds` (comma list, read by Lua), `model`, `encoder`, …
 * - `N:v:V:parts` / `N:v:V:done` sets: parts a run must write / has written before publish is allowed
 * - `N:v:V:items` string: JSON array of item ids (candidate lists store indexes into it)
 * - `N:v:V:ivec:K` hash: item id → float32 LE vector of kind K
 * - `N:v:V:uvec:K` hash: user id → float32 LE vector of kind K
 * - `N:v:V:scalars` hash: user id → JSON object of small numbers
 * - `N:v:V:cand` hash: user id → binary candidate list (see codec.ts)
 * - `N:v:V:pop` string: binary popularity list
 * - `N:bull` : BullMQ key prefix for the pipeline's queues
 */
export class Keys {
  readonly base: string;

  constructor(readonly namespace: string) {
    assertSafeName("namespace", namespace);
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
  get erased() {
    return `${this.base}:erased`;
  }
  get eventUsers() {
    return `${this.base}:event-users`;
  }
  get bullPrefix() {
    return `${this.base}:bull`;
  }
  events(userId: string) {
    return `${this.base}:events:${userId}`;
  }
  /** Remembers one client event id of a user (see layout above). */
  eventId(userId: string, eventId: string) {
    return `${this.base}:event-id:${userId.length}:${userId}:${eventId}`;
  }
  updateGeneration(userId: string) {
    return `${this.base}:update-gen:${userId}`;
  }

  /** Prefix shared by every key of one version (Lua scripts append the suffixes below). */
  versionPrefix(version?: string) {
    if (version !== undefined) assertSafeName("version", version);
    return `${this.base}:v:${version ?? ""}`;
  }
  /** SCAN pattern matching every key of a version (names are glob-free, see assertSafeName). */
  versionPattern(version: string) {
    return `${this.versionPrefix(version)}:*`;
  }
  meta(version: string) {
    return `${this.versionPrefix(version)}:${VERSION_KEYS.meta}`;
  }
  parts(version: string) {
    return `${this.versionPrefix(version)}:${VERSION_KEYS.parts}`;
  }
  done(version: string) {
    return `${this.versionPrefix(version)}:${VERSION_KEYS.done}`;
  }
  items(version: string) {
    return `${this.versionPrefix(version)}:${VERSION_KEYS.items}`;
  }
  itemVectors(version: string, kind: string) {
    assertSafeName("kind", kind);
    return `${this.versionPrefix(version)}:${VERSION_KEYS.itemVectors}:${kind}`;
  }
  userVectors(version: string, kind: string) {
    assertSafeName("kind", kind);
    return `${this.versionPrefix(version)}:${VERSION_KEYS.userVectors}:${kind}`;
  }
  scalars(version: string) {
    return `${this.versionPrefix(version)}:${VERSION_KEYS.scalars}`;
  }
  candidates(version: string) {
    return `${this.versionPrefix(version)}:${VERSION_KEYS.candidates}`;
  }
  popularity(version: string) {
    return `${this.versionPrefix(version)}:${VERSION_KEYS.popularity}`;
  }
}
