import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Item } from "@tandem/core";
import { InteractionLogBuilder } from "../interaction-log.js";
import { readLines } from "../line-reader.js";
import type { DatasetReader, RawData, ReadOptions } from "../raw-data.js";
import { parseNumber, RowErrors } from "../row-errors.js";
import { splitTitleYear } from "./title.js";

/** MovieLens 1M (and 10M): '::'-separated ratings.dat and movies.dat in latin-1. */
export const movieLens1mReader: DatasetReader = {
  format: "ml-1m",
  detect: (dir) => existsSync(join(dir, "ratings.dat")) && existsSync(join(dir, "movies.dat")),
  async read(dir: string, options: ReadOptions = {}): Promise<RawData> {
    const errors = new RowErrors(options.skipMalformed ?? false);
    const items = new Map<string, Item>();
    const moviesFile = join(dir, "movies.dat");
    for await (const { text, number } of readLines(moviesFile, "latin1")) {
      if (text.trim() === "") continue;
      const f = text.split("::");
      if (f.length !== 3) {
        errors.reject(moviesFile, number, `expected 3 '::'-separated fields, got ${f.length}`);
        continue;
      }
      const { title, year } = splitTitleYear(f[1]!);
      const tags = f[2]!.trim() === "" ? [] : f[2]!.split("|");
      items.set(f[0]!, { id: f[0]!, title, tags, attributes: year === undefined ? {} : { year } });
    }
    const builder = new InteractionLogBuilder();
    const ratingsFile = join(dir, "ratings.dat");
    for await (const { text, number } of readLines(ratingsFile, "latin1")) {
      if (text.trim() === "") continue;
      const f = text.split("::");
      if (f.length !== 4) {
        errors.reject(ratingsFile, number, `expected 4 '::'-separated fields, got ${f.length}`);
        continue;
      }
      const rating = parseNumber(errors, ratingsFile, number, f[2], "rating");
      const time = rating === null ? null : parseNumber(errors, ratingsFile, number, f[3], "timestamp");
      if (rating === null || time === null) continue;
      builder.push(f[0]!, f[1]!, rating, time);
    }
    return { format: "ml-1m", items, log: builder.build(), skipped: errors.report };
  },
};
