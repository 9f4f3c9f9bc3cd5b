import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Item } from "@tandem/core";
import { InteractionLogBuilder } from "../interaction-log.js";
import { readLines } from "../line-reader.js";
import type { DatasetReader, RawData, ReadOptions } from "../raw-data.js";
import { parseNumber, RowErrors } from "../row-errors.js";
import { splitTitleYear } from "./title.js";

/** The 19 genre flags of u.item, in file order (u.genre, when present, says the same). */
const GENRES = [
  "unknown",
  "Action",
  "Adventure",
  "Animation",
  "Children's",
  "Comedy",
  "Crime",
  "Documentary",
  "Drama",
  "Fantasy",
  "Film-Noir",
  "Horror",
  "Musical",
  "Mystery",
  "Romance",
  "Sci-Fi",
  "Thriller",
  "War",
  "Western",
];

/** MovieLens 100K: tab-separated u.data (user item rating timestamp) and pipe-separated latin-1 u.item. */
export const movieLens100kReader: DatasetReader = {
  format: "ml-100k",
  detect: (dir) => existsSync(join(dir, "u.data")) && existsSync(join(dir, "u.item")),
  async read(dir: string, options: ReadOptions = {}): Promise<RawData> {
    const errors = new RowErrors(options.skipMalformed ?? false);
    const items = new Map<string, Item>();
    const itemFile = join(dir, "u.item");
    for await (const { text, number } of readLines(itemFile, "latin1")) {
      if (text.trim() === "") continue;
      const f = text.split("|");
      if (f.length !== 5 + GENRES.length) {
        errors.reject(
          itemFile,
          number,
          `expected ${5 + GENRES.length} '|'-separated fields, got ${f.length}`,
        );
        continue;
      }
      const { title, year } = splitTitleYear(f[1]!);
      const tags = GENRES.filter((_, g) => f[5 + g] === "1" && g > 0);
      items.set(f[0]!, { id: f[0]!, title, tags, attributes: year === undefined ? {} : { year } });
    }
    const builder = new InteractionLogBuilder();
    const dataFile = join(dir, "u.data");
    for await (const { text, number } of readLines(dataFile)) {
      if (text.trim() === "") continue;
      const f = text.split("\t");
      if (f.length !== 4) {
        errors.reject(dataFile, number, `expected 4 tab-separated fields, got ${f.length}`);
        continue;
      }
      const rating = parseNumber(errors, dataFile, number, f[2], "rating");
      const time = rating === null ? null : parseNumber(errors, dataFile, number, f[3], "timestamp");
      if (rating === null || time === null) continue;
      builder.push(f[0]!, f[1]!, rating, time);
    }
    return { format: "ml-100k", items, log: builder.build(), skipped: errors.report };
  },
};
