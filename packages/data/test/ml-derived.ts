import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ml = join(import.meta.dirname, "..", "..", "..", "data", "ml-latest-small");

/** One ml-latest-small rating, as read. */
export interface MlRating {
  user: string;
  item: string;
  rating: string;
  time: number;
}

/** The ratings of users 1..users, in the file's order (by user, then by movie id). */
export function mlRatings(users: number): MlRating[] {
  const out: MlRating[] = [];
  for (const line of readFileSync(join(ml, "ratings.csv"), "utf8").trim().split("\n").slice(1)) {
    const [user, item, rating, time] = line.split(",") as [string, string, string, string];
    if (Number(user) > users) break;
    out.push({ user, item, rating, time: Number(time) });
  }
  return out;
}

/** Each user's ratings in time order (ties by movie id): a log whose row order is time. */
export const inTimeOrder = (rows: readonly MlRating[]) =>
  [...rows].sort(
    (a, b) => Number(a.user) - Number(b.user) || a.time - b.time || Number(a.item) - Number(b.item),
  );

/** A generic-format directory: `header` and one CSV line per row. */
export function genericDir(header: string, lines: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "tandem-data-"));
  writeFileSync(join(dir, "interactions.csv"), `${[header, ...lines].join("\n")}\n`);
  return dir;
}

/** ml-latest-small tags.csv as an interaction log: users tag the same movie several times (repeats). */
export function mlTagEvents(): string[] {
  return readFileSync(join(ml, "tags.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const fields = line.split(",");
      return `${fields[0]},${fields[1]},1,${fields[fields.length - 1]}`;
    });
}
