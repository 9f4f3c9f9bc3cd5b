import type { Interaction, StoreConfig } from "@tandem/core";

/**
 * How a version stores per-user data (config `store.encoding`). `f32`: raw float32 features and
 * vectors, u32 item indexes. `compact`: candidate features quantised per list and column (uint8 between
 * the column's min and max, 0/1 flags as bits, constant columns once), u16 item indexes when the
 * catalogue allows, user vectors as int8 with one scale. Readers get float32 back either way.
 */
export type StoreEncoding = StoreConfig["encoding"];

/** What a run declares when it starts a version. Everything else it writes must fit this. */
export interface VersionSpec {
  /** The catalogue of this version; candidate lists and popularity store indexes into it. */
  itemIds: readonly string[];
  /** Names of the per-candidate feature columns, e.g. `["mf", "pop", "cooc"]`. */
  columns: readonly string[];
  /** Item vector kinds and their dimensions, e.g. `{ mf: 64, text: 384 }`. Default none. */
  itemKinds?: Readonly<Record<string, number>>;
  /** User vector kinds and their dimensions. Default none. */
  userKinds?: Readonly<Record<string, number>>;
  /** Parts the run must mark complete before `publish` accepts the version. Default none. */
  parts?: readonly string[];
  /** How its users are stored; default the store's (`store.encoding`). Fixed when the version begins. */
  encoding?: StoreEncoding;
}

export interface VersionInfo {
  version: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  itemCount: number;
  columns: string[];
  itemKinds: Record<string, number>;
  userKinds: Record<string, number>;
  /** Absent in versions written before encodings existed: those are `f32`. */
  encoding?: StoreEncoding;
}

export type VersionStatus = "writing" | "live" | "retired";

export interface VersionSummary {
  version: string;
  createdAt: number;
  status: VersionStatus;
}

/** A user's candidates: `features` is row-major, `items.length × columns.length` float32. */
export interface CandidateList {
  items: string[];
  features: Float32Array;
}

/** What a precompute writes for one user. Absent parts are left as they are. */
export interface UserRecord {
  userId: string;
  candidates?: CandidateList;
  /** Profile vectors by kind (dims as declared in the version). */
  vectors?: Record<string, Float32Array>;
  /** Small per-user numbers, e.g. `{ lastEventAt: 1700000000 }`. */
  scalars?: Record<string, number>;
}

/** Everything the ranking service needs for one user, read from one version in one round trip. */
export interface UserFeatures {
  version: string;
  userId: string;
  columns: string[];
  candidates: CandidateList | null;
  vectors: Record<string, Float32Array>;
  scalars: Record<string, number>;
}

/**
 * One user's entry as the ranking path reads it: candidates stay catalogue indexes with their feature
 * rows (no id strings), and only the vector kinds asked for are read.
 */
export interface UserRow {
  /** The version read. */
  version: string;
  /** The live version at the moment of the read; differs from `version` after a publish. */
  live: string;
  /** False when the version holds nothing for the user. */
  known: boolean;
  candidates: { indexes: Uint32Array; features: Float32Array } | null;
  vectors: Record<string, Float32Array>;
  scalars: Record<string, number>;
}

export interface UserRowOptions {
  /** Read this version instead of the live one (a caller still serving it); default live. */
  version?: string | null;
  /** User vector kinds to read; default none. */
  vectors?: readonly string[];
}

export interface ItemVectors {
  version: string;
  dims: number;
  /** Aligned with the requested ids; null where the item has no vector of that kind. */
  vectors: (Float32Array | null)[];
}

export interface PopularityList {
  version: string;
  items: string[];
  scores: Float32Array;
}

/** An event as stored: the interaction plus its stream id (time-ordered, unique per user). */
export interface StoredEvent extends Interaction {
  id: string;
}

/** An event to append; `eventId` (client-chosen) makes a retried write idempotent per user. */
export interface EventToAppend extends Interaction {
  eventId?: string;
}

export interface AppendOptions {
  /** How long an `eventId` is remembered per user. Default EVENT_ID_WINDOW_MS (config `api.eventIdWindowMs`). */
  eventIdWindowMs?: number;
}

export interface AppendResult {
  /** Stream ids in input order; a duplicate gets the id of the earlier write. */
  ids: string[];
  /** Per event: true when an earlier write with the same (user, eventId) had already stored it. */
  duplicate: boolean[];
}

export interface PublishResult {
  version: string;
  previous: string | null;
  /** False when the version was already live (publishing twice is a no-op). */
  changed: boolean;
}

export interface GcOptions {
  /** Clock for tests. Default Date.now(). */
  now?: number;
  /** Delete a replaced version this long after it stopped being live. Default config `store.retiredGraceMs`. */
  retiredGraceMs?: number;
  /** Delete a never-published version this long after it started. Default config `store.orphanGraceMs`. */
  orphanGraceMs?: number;
}

/**
 * The feature store: a run writes a complete version under its own id, then `publish` flips the one
 * live pointer atomically. Reads always see exactly one published version. Implementations: Redis
 * (shared by the API and the workers) and memory (embedded default, single process).
 */
export interface FeatureStore {
  readonly backend: "redis" | "memory";

  // --- writing a version -------------------------------------------------------------------------
  /** Starts (or re-opens, idempotently, with the same spec) a version. */
  beginVersion(version: string, spec: VersionSpec): Promise<VersionInfo>;
  versionInfo(version: string): Promise<VersionInfo | null>;
  /** `vectors` holds `ids.length × dims` floats, row-major. */
  writeItemVectors(
    version: string,
    kind: string,
    ids: readonly string[],
    vectors: Float32Array,
  ): Promise<void>;
  /** Bulk write of user records (pipelined on Redis). */
  writeUsers(version: string, records: readonly UserRecord[]): Promise<void>;
  writePopularity(version: string, items: readonly string[], scores: Float32Array): Promise<void>;
  /** JSON metadata by name, e.g. `model` or `encoder`. */
  writeMetadata(version: string, name: string, value: unknown): Promise<void>;
  /** Adds parts to the list publish waits for (e.g. when a run fans out). */
  expectParts(version: string, parts: readonly string[]): Promise<void>;
  completeParts(version: string, parts: readonly string[]): Promise<void>;
  /** Parts declared but not yet complete. */
  missingParts(version: string): Promise<string[]>;
  /**
   * Makes `version` the live one, atomically, if every declared part is complete (else
   * InvalidArgumentError naming the missing parts). Erased users are stripped from it first.
   */
  publish(version: string): Promise<PublishResult>;
  liveVersion(): Promise<string | null>;
  listVersions(): Promise<VersionSummary[]>;
  /** Deletes retired and orphaned versions past their grace period; returns the deleted ids. */
  collectGarbage(options?: GcOptions): Promise<string[]>;

  // --- reading the live version (one round trip each on Redis) ----------------------------------------
  /** Null when nothing is published or the version knows nothing about the user. */
  getUserFeatures(userId: string): Promise<UserFeatures | null>;
  getItemVectors(kind: string, itemIds: readonly string[]): Promise<ItemVectors>;
  /**
   * The request path's user read: one round trip, only what the route needs. Null when nothing is
   * published or the requested version no longer exists.
   */
  readUser(userId: string, options?: UserRowOptions): Promise<UserRow | null>;
  /**
   * Item vectors of one given version (null when it no longer exists), decoded into one buffer: row i
   * is a view of it, or null where the item has no vector of that kind.
   */
  getItemVectorsAt(version: string, kind: string, itemIds: readonly string[]): Promise<ItemVectors | null>;
  getPopularity(limit?: number): Promise<PopularityList | null>;
  getMetadata(name: string): Promise<unknown>;
  getItemIds(): Promise<readonly string[]>;
  /** Writes one user's record into the live version (incremental update after new events). */
  updateLiveUser(record: UserRecord): Promise<string>;

  // --- events and erasure ----------------------------------------------------------------------------
  /** Appends to each user's event stream; returns the stream ids in input order (see appendEventsOnce). */
  appendEvents(events: readonly EventToAppend[], options?: AppendOptions): Promise<string[]>;
  /**
   * Appends atomically: events whose (user, eventId) was written within the window are not stored again
   * (reported as duplicates); ErasedUserError, with nothing stored, when any user was erased.
   */
  appendEventsOnce(events: readonly EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  readUserEvents(userId: string): Promise<StoredEvent[]>;
  /** Users with events, most recent first. */
  eventUsers(): Promise<string[]>;
  /**
   * The stream clock now: an id every event accepted from here on sorts after ("<ms>-<seq>"). A run
   * takes it before reading events, so its training set ends exactly there (its watermark).
   */
  eventClock(): Promise<string>;
  /**
   * Every stored event with a stream id in (`after`, `until`], across users, in batches of about
   * `batch` users' events (bounded memory, any number of users). Order across users is unspecified;
   * each user's events come in stream order. A user whose events arrive during the scan is seen at
   * least once up to `until`.
   */
  scanEvents(options: { after?: string; until: string; batch?: number }): AsyncIterable<StoredEvent[]>;
  /** Users with a stored candidate list in `version` (a completeness check before publishing). */
  countUsers(version: string): Promise<number>;
  /** Privacy erasure: events, profile and candidates in every version; recorded in the erasure set. */
  deleteUser(userId: string): Promise<void>;
  erasedUsers(): Promise<string[]>;

  close(): Promise<void>;
}

/** Default `AppendOptions.eventIdWindowMs`: one hour. Both backends read it from here. */
export const EVENT_ID_WINDOW_MS = 3_600_000;
