import type { Item } from "@tandem/core";
import type { InteractionLog } from "./interaction-log.js";
import type { SkipReport } from "./row-errors.js";

/** What a reader returns: the catalogue and the interactions as they were in the files. */
export interface RawData {
  format: string;
  /** Catalogue by external item id. Items may have no interactions; interactions may name unknown items. */
  items: Map<string, Item>;
  log: InteractionLog;
  skipped: SkipReport;
  /**
   * "order" when the files had no timestamps and each row's time is its position in the log; absent means
   * real timestamps.
   */
  time?: TimeKind;
  /** User-written tags with their authors and times (MovieLens tags.csv), when the format has them. */
  tags?: TagEvent[];
}

/** Whether interaction times are real seconds or row positions (a log without timestamps). */
export type TimeKind = "timestamps" | "order";

/**
 * What one "day" of a time setting (a half-life, a recency window) is in the data's time unit: 86,400
 * seconds, or one row position when the data has no time (so a 30-"day" half-life is 30 positions).
 */
export const dayUnit = (time: TimeKind | undefined): number => (time === "order" ? 1 : 86_400);

/** One user-written tag on an item. */
export interface TagEvent {
  user: string;
  item: string;
  tag: string;
  /** Seconds since the Unix epoch. */
  timestamp: number;
}

export interface ReadOptions {
  /** Skip malformed rows (reported in `skipped`) instead of throwing DataFormatError. Default false. */
  skipMalformed?: boolean;
}

/** One file format family. `detect` looks at the files present; `read` streams them. */
export interface DatasetReader {
  readonly format: string;
  detect(dir: string): boolean;
  read(dir: string, options?: ReadOptions): Promise<RawData>;
}
