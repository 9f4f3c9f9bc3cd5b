import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import {
  compareIds,
  EmptyDataError,
  IdMap,
  InvalidArgumentError,
  type Item,
  NotFoundError,
} from "@tandem/core";
import { countMask, dedupeMask, kCoreMask } from "./filters.js";
import { withItemTags } from "./item-tags.js";
import type { DatasetReader, RawData, TagEvent, TimeKind } from "./raw-data.js";
import { genericReader } from "./readers/generic.js";
import { movieLens1mReader } from "./readers/movielens-1m.js";
import { movieLens100kReader } from "./readers/movielens-100k.js";
import { movieLensLatestReader } from "./readers/movielens-latest.js";
import type { SkipReport } from "./row-errors.js";
import { orderWarnings } from "./row-order.js";
import type { UserItems } from "./user-items.js";
import { userItemsWithRows } from "./user-items-from-columns.js";

export const readers: readonly DatasetReader[] = [
  movieLensLatestReader,
  movieLens100kReader,
  movieLens1mReader,
  genericReader,
];

export interface LoadOptions {
  /** Reader format, or "auto" to detect from the files. Default "auto". */
  format?: string;
  /** k-core thresholds; 0 disables. Default 5 and 5 (the reference protocol). */
  minUserInteractions?: number;
  minItemInteractions?: number;
  /** Implicit feedback: keep rows with value >= threshold; null/undefined keeps all. */
  ratingThreshold?: number | null;
  /** Skip malformed rows (reported) instead of throwing. Default false. */
  skipMalformed?: boolean;
  /** Keep every row of a (user, item) pair (repeat consumption) instead of only the latest. Default false. */
  keepRepeats?: boolean;
}

/** One step of the filtering pipeline and what was left after it. */
export interface FilterStep {
  step: string;
  users: number;
  items: number;
  interactions: number;
}

export interface Dataset {
  name: string;
  format: string;
  users: IdMap;
  /** Items that survived filtering; model indexes are indexes of this map. */
  items: IdMap;
  /** Catalogue aligned with `items` (index i describes items.id(i)). */
  itemInfo: Item[];
  /** The whole catalogue as read, including items with no interactions (cold items). */
  catalogue: Map<string, Item>;
  /** All kept interactions, per user in time order. */
  interactions: UserItems;
  steps: FilterStep[];
  skipped: SkipReport;
  /**
   * User-written tags on kept items by users of the interaction log as read (so a user erased from the
   * log before preparation takes their tags along). `itemInfo` text holds all of them; evaluation
   * rebuilds item text from these under a time-correct `TagRule`.
   */
  tags?: TagEvent[];
  /** Row of each entry of `interactions` (CSR order) in the files as read: the "file" tie order. */
  fileOrder?: Int32Array;
  /** "order" when the files had no timestamps: times are row positions. Absent: real timestamps. */
  time?: TimeKind;
  /** True when repeats were kept: a user's history may hold one item several times. */
  repeats?: boolean;
  /** Things about the data a user must hear before trusting a number (printed with the dataset report). */
  warnings?: string[];
}

export function detectReader(dir: string, format = "auto"): DatasetReader {
  if (!existsSync(dir)) throw new NotFoundError("dataset", dir);
  if (format !== "auto") {
    const reader = readers.find((r) => r.format === format);
    if (!reader)
      throw new InvalidArgumentError(`unknown format ${format}; known: ${readers.map((r) => r.format)}`);
    return reader;
  }
  const reader = readers.find((r) => r.detect(dir));
  if (!reader) {
    throw new InvalidArgumentError(
      `no known dataset files in ${dir} (expected movies.csv+ratings.csv, u.data+u.item, ratings.dat+movies.dat, or interactions.csv/jsonl)`,
    );
  }
  return reader;
}

/** A copy of `mask` that also drops the rows failing `keep` (a plain loop: 25M rows). */
function keepWhere(mask: Uint8Array, keep: (row: number) => boolean): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let r = 0; r < mask.length; r++) out[r] = mask[r] && keep(r) ? 1 : 0;
  return out;
}

/** `index[column[r]]` per row; -1 where `mask` drops the row. */
function remap(column: Int32Array, index: Int32Array, mask?: Uint8Array): Int32Array {
  const out = new Int32Array(column.length);
  for (let r = 0; r < column.length; r++) out[r] = !mask || mask[r] ? index[column[r]!]! : -1;
  return out;
}

/** Which users and items have at least one kept row (marks over the log's own indexes). */
function presentIn(log: RawData["log"], mask: Uint8Array): { users: Uint8Array; items: Uint8Array } {
  const users = new Uint8Array(log.users.size);
  const items = new Uint8Array(log.items.size);
  for (let r = 0; r < log.length; r++) {
    if (!mask[r]) continue;
    users[log.user[r]!] = 1;
    items[log.item[r]!] = 1;
  }
  return { users, items };
}

/** Reads, cleans and filters a dataset directory. Every dropped row is counted in `steps` or `skipped`. */
export async function loadDataset(dir: string, options: LoadOptions = {}): Promise<Dataset> {
  const reader = detectReader(dir, options.format);
  const raw = await reader.read(dir, { skipMalformed: options.skipMalformed ?? false });
  return prepareDataset(raw, basename(resolve(dir)), options);
}

/** The filtering pipeline on data already read: catalogue join, threshold, dedupe, k-core, re-index. */
export function prepareDataset(raw: RawData, name: string, options: LoadOptions = {}): Dataset {
  const { log, items: catalogue } = raw;
  const steps: FilterStep[] = [];
  const record = (step: string, mask: Uint8Array) => {
    const { users, items } = presentIn(log, mask);
    steps.push({ step, users: countMask(users), items: countMask(items), interactions: countMask(mask) });
  };

  let mask: Uint8Array = new Uint8Array(log.length).fill(1);
  record("read", mask);
  const known = log.items.ids().map((id) => catalogue.has(id));
  mask = keepWhere(mask, (r) => known[log.item[r]!] === true);
  record("item in catalogue", mask);
  const threshold = options.ratingThreshold;
  if (threshold !== null && threshold !== undefined) {
    mask = keepWhere(mask, (r) => log.value[r]! >= threshold);
    record(`value >= ${threshold}`, mask);
  }
  if (!options.keepRepeats) {
    mask = dedupeMask(log, mask);
    record("one per user-item", mask);
  }
  const minUser = options.minUserInteractions ?? 5;
  const minItem = options.minItemInteractions ?? 5;
  if (minUser > 0 || minItem > 0) {
    mask = kCoreMask(log, minUser, minItem, mask);
    record(`${minUser}-core users, ${minItem}-core items`, mask);
  }
  if (countMask(mask) === 0) {
    throw new EmptyDataError(`no interactions left after filtering ${name}: ${JSON.stringify(steps)}`);
  }

  // Dense indexes in external-id order, so "sort by (time, item id)" is "sort by (time, index)".
  const present = presentIn(log, mask);
  const users = new IdMap(
    "user",
    log.users
      .ids()
      .filter((_, u) => present.users[u])
      .sort(compareIds),
  );
  const items = new IdMap(
    "item",
    log.items
      .ids()
      .filter((_, i) => present.items[i])
      .sort(compareIds),
  );
  const userIndex = Int32Array.from(log.users.ids(), (id, u) => (present.users[u] ? users.index(id) : -1));
  const itemIndex = Int32Array.from(log.items.ids(), (id, i) => (present.items[i] ? items.index(id) : -1));
  const { matrix: interactions, rows: fileOrder } = userItemsWithRows({
    numUsers: users.size,
    numItems: items.size,
    user: remap(log.user, userIndex, mask),
    item: remap(log.item, itemIndex),
    time: log.timestamp,
    value: log.value,
  });
  const tags = (raw.tags ?? []).filter((t) => items.has(t.item) && log.users.has(t.user));
  const kept = items.ids().map((id) => catalogue.get(id)!);
  return {
    name,
    format: raw.format,
    users,
    items,
    itemInfo: raw.tags ? withItemTags(kept, tags, "all") : kept,
    catalogue,
    interactions,
    steps,
    skipped: raw.skipped,
    tags,
    fileOrder,
    ...(options.keepRepeats && { repeats: true }),
    ...(raw.time === "order" && { time: "order" as const, warnings: orderWarnings(interactions) }),
  };
}
