import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ml = join(import.meta.dirname, "..", "..", "..", "data", "ml-latest-small");

/** ml-latest-small ratings of the first `users` users: [user, item, rating, timestamp] in file order. */
export function mlRatings(users = 120): [string, string, string, string][] {
  const rows = readFileSync(join(ml, "ratings.csv"), "utf8").trim().split("\n").slice(1);
  const out: [string, string, string, string][] = [];
  for (const line of rows) {
    const [u, i, r, t] = line.split(",") as [string, string, string, string];
    if (Number(u) > users) break;
    out.push([u, i, r, t]);
  }
  return out;
}

/** A generic-format dataset directory holding `rows` under `header`. */
export function genericDir(header: string, rows: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "tandem-byod-"));
  writeFileSync(join(dir, "interactions.csv"), `${[header, ...rows].join("\n")}\n`);
  return dir;
}

/** A weighted log: the ratings as `value` (a weight), with their timestamps. */
export const weightedLog = (users = 120) =>
  genericDir(
    "user,item,value,timestamp",
    mlRatings(users).map((r) => r.join(",")),
  );

/** ml-latest-small tags.csv as an interaction log with repeats (several tags on one movie by one user). */
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
