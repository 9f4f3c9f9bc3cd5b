import { createHash } from "node:crypto";
import {
  closeSync,
  createReadStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { ArtifactError, type TandemConfig } from "@tandem/core";
import { type Dataset, detectReader, InteractionLogBuilder, prepareDataset } from "@tandem/data";
import type { ErasureLog, FeatureStore, StoredEvent } from "@tandem/store";
import { readJson, writeJson } from "./json-file.js";

/**
 * The exact training data of one version, so any process can rebuild it later: the source folder
 * (checked by content hash), every event accepted up to `eventWatermark` (a file of its own, carried
 * forward from the previous snapshot so trimmed or lost Redis streams lose nothing), minus the first
 * `erasures` entries of the erasure log.
 */
export interface DataSnapshot {
  source: string;
  sourceFingerprint: string;
  /** JSONL of the events this snapshot adds to the source, erased users removed. */
  events: string;
  eventsFingerprint: string;
  eventCount: number;
  /** Newest stream id included (events after it belong to the next snapshot). */
  eventWatermark: string;
  /** Erasure-log entries applied (the log is append-only: a prefix is a stable reference). */
  erasures: number;
}

export const SNAPSHOT_FILE = "snapshot.json";
const EVENTS_FILE = "events.jsonl";

/** sha256 over the source folder's files (names and bytes), streamed. */
async function folderFingerprint(dir: string): Promise<string> {
  const hash = createHash("sha256");
  const files = readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    for await (const chunk of createReadStream(join(dir, file))) hash.update(chunk as Buffer);
  }
  return `sha256:${hash.digest("hex")}`;
}

async function* eventLines(path: string): AsyncIterable<StoredEvent> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) if (line.trim() !== "") yield JSON.parse(line) as StoredEvent;
}

/**
 * Makes Redis's erasure set and the durable log agree (the union), so an erasure recorded only in
 * Redis becomes durable and one Redis lost (a restart without persistence) is applied again there.
 * Returns the log's ids in order.
 */
export async function syncErasures(store: FeatureStore, log: ErasureLog): Promise<string[]> {
  log.append(await store.erasedUsers());
  const ids = log.read();
  const inStore = new Set(await store.erasedUsers());
  for (const id of ids) if (!inStore.has(id)) await store.deleteUser(id);
  return ids;
}

/**
 * Takes the data snapshot of a new version into `dir`: the previous snapshot's events plus the
 * store's events accepted since its watermark, erased users removed. Streams in bounded memory.
 */
export async function takeSnapshot(
  config: TandemConfig,
  store: FeatureStore,
  log: ErasureLog,
  dir: string,
  previous: DataSnapshot | null,
): Promise<DataSnapshot> {
  const erasedIds = await syncErasures(store, log);
  const erased = new Set(erasedIds);
  const until = await store.eventClock();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, EVENTS_FILE);
  const hash = createHash("sha256");
  const fd = openSync(path, "w");
  let count = 0;
  const write = (e: StoredEvent) => {
    if (erased.has(e.user)) return;
    const { id, user, item, value, timestamp, kind } = e;
    const line = `${JSON.stringify({ id, user, item, value, timestamp, kind })}\n`;
    hash.update(line);
    writeSync(fd, line);
    count++;
  };
  try {
    const carried = previous !== null && existsSync(previous.events);
    if (carried) for await (const e of eventLines(previous.events)) write(e);
    const after = carried ? { after: previous.eventWatermark } : {};
    for await (const batch of store.scanEvents({ ...after, until })) for (const e of batch) write(e);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const source = resolve(config.data.dir);
  const snapshot: DataSnapshot = {
    source,
    sourceFingerprint: await folderFingerprint(source),
    events: resolve(path),
    eventsFingerprint: `sha256:${hash.digest("hex")}`,
    eventCount: count,
    eventWatermark: until,
    erasures: erasedIds.length,
  };
  writeJson(join(dir, SNAPSHOT_FILE), snapshot);
  return snapshot;
}

/** The snapshot recorded in `dir`, or null. */
export function readSnapshot(dir: string): DataSnapshot | null {
  const file = join(dir, SNAPSHOT_FILE);
  return existsSync(file) ? readJson<DataSnapshot>(file) : null;
}

/**
 * The dataset a snapshot names: the source (refused if its files changed), its events, minus its
 * erasures, through the configured filters. Same snapshot, same dataset, in any process.
 */
export async function snapshotDataset(
  config: TandemConfig,
  snapshot: DataSnapshot,
  log: ErasureLog,
): Promise<Dataset> {
  const found = await folderFingerprint(snapshot.source);
  if (found !== snapshot.sourceFingerprint)
    throw new ArtifactError(
      `${snapshot.source}: the data changed since this snapshot was taken (${snapshot.sourceFingerprint}, now ${found}); run the nightly on the new data`,
    );
  const erased = new Set(log.read().slice(0, snapshot.erasures));
  const raw = await detectReader(snapshot.source, config.data.format).read(snapshot.source, {
    skipMalformed: config.data.skipMalformed,
  });
  const builder = new InteractionLogBuilder();
  let dropped = 0;
  const { log: rows } = raw;
  for (let i = 0; i < rows.length; i++) {
    const user = rows.users.id(rows.user[i]!);
    if (erased.has(user)) dropped++;
    else builder.push(user, rows.items.id(rows.item[i]!), rows.value[i]!, rows.timestamp[i]!);
  }
  const hash = createHash("sha256");
  let events = 0;
  for await (const e of eventLines(snapshot.events)) {
    const { id, user, item, value, timestamp, kind } = e;
    hash.update(`${JSON.stringify({ id, user, item, value, timestamp, kind })}\n`);
    events++;
    if (!erased.has(user)) builder.push(user, item, value, timestamp);
  }
  if (`sha256:${hash.digest("hex")}` !== snapshot.eventsFingerprint || events !== snapshot.eventCount)
    throw new ArtifactError(`${snapshot.events}: not the events file this snapshot recorded`);
  if (dropped > 0) {
    raw.skipped.byReason["erased user"] = dropped;
    raw.skipped.total += dropped;
  }
  return prepareDataset({ ...raw, log: builder.build() }, basename(snapshot.source), config.data);
}
