import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Item } from "@tandem/core";
import { readCsv } from "../csv.js";
import { InteractionLogBuilder } from "../interaction-log.js";
import type { DatasetReader, RawData, ReadOptions, TagEvent } from "../raw-data.js";
import { parseNumber, RowErrors } from "../row-errors.js";
import { splitTitleYear } from "./title.js";

const NO_GENRES = "(no genres listed)";

/** GroupLens "latest" CSV layout (ml-latest-small, ml-latest, ml-25m): movies.csv, ratings.csv, tags.csv. */
export const movieLensLatestReader: DatasetReader = {
  format: "ml-latest",
  detect: (dir) => existsSync(join(dir, "movies.csv")) && existsSync(join(dir, "ratings.csv")),
  async read(dir: string, options: ReadOptions = {}): Promise<RawData> {
    const errors = new RowErrors(options.skipMalformed ?? false);
    const items = new Map<string, Item>();

    const moviesFile = join(dir, "movies.csv");
    for await (const { fields, line } of readCsv(moviesFile)) {
      if (line === 1) continue;
      if (fields.length !== 3) {
        errors.reject(moviesFile, line, `expected 3 fields (movieId,title,genres), got ${fields.length}`);
        continue;
      }
      const [id, rawTitle, genres] = fields as [string, string, string];
      if (id.trim() === "") {
        errors.reject(moviesFile, line, "empty movieId");
        continue;
      }
      const { title, year } = splitTitleYear(rawTitle);
      items.set(id, {
        id,
        title,
        tags: genres === NO_GENRES ? [] : genres.split("|"),
        attributes: year === undefined ? {} : { year },
      });
    }

    const tagsFile = join(dir, "tags.csv");
    const tags: TagEvent[] = [];
    if (existsSync(tagsFile)) {
      const seen = new Map<string, Set<string>>();
      for await (const { fields, line } of readCsv(tagsFile)) {
        if (line === 1) continue;
        if (fields.length !== 4) {
          errors.reject(
            tagsFile,
            line,
            `expected 4 fields (userId,movieId,tag,timestamp), got ${fields.length}`,
          );
          continue;
        }
        const item = items.get(fields[1]!);
        const tag = fields[2]!.trim();
        if (!item || tag === "") continue;
        tags.push({ user: fields[0]!, item: item.id, tag, timestamp: Number(fields[3]) });
        const set = seen.get(item.id) ?? new Set<string>();
        seen.set(item.id, set);
        if (set.has(tag.toLowerCase())) continue;
        set.add(tag.toLowerCase());
        item.text = { ...item.text, tags: item.text?.tags ? `${item.text.tags}, ${tag}` : tag };
      }
    }

    const builder = new InteractionLogBuilder();
    const ratingsFile = join(dir, "ratings.csv");
    for await (const { fields, line } of readCsv(ratingsFile)) {
      if (line === 1) continue;
      if (fields.length !== 4) {
        errors.reject(
          ratingsFile,
          line,
          `expected 4 fields (userId,movieId,rating,timestamp), got ${fields.length}`,
        );
        continue;
      }
      const [user, item, rawRating, rawTime] = fields as [string, string, string, string];
      if (user === "" || item === "") {
        errors.reject(ratingsFile, line, "empty userId or movieId");
        continue;
      }
      const rating = parseNumber(errors, ratingsFile, line, rawRating, "rating");
      const time = rating === null ? null : parseNumber(errors, ratingsFile, line, rawTime, "timestamp");
      if (rating === null || time === null) continue;
      builder.push(user, item, rating, time);
    }
    return { format: "ml-latest", items, log: builder.build(), skipped: errors.report, tags };
  },
};
