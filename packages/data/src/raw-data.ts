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
  /** User-written tags with their authors and times (MovieLens tags.csv), when the format has them. */
  tags?: TagEvent[];
}

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
