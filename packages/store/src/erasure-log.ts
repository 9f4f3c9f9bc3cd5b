import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { DataFormatError } from "@tandem/core";

/**
 * The durable record of privacy erasures, outside Redis: an append-only JSONL file (one
 * `{"user": id, "at": iso}` per line), fsynced on every append, so an erasure outlives a Redis that
 * lost its data. Entries are never rewritten: a run names the erasures it applied by their count.
 */
export class ErasureLog {
  constructor(readonly path: string) {}

  /** Erased user ids in the order they were first recorded. */
  read(): string[] {
    if (!existsSync(this.path)) return [];
    const seen = new Set<string>();
    readFileSync(this.path, "utf8")
      .split("\n")
      .forEach((line, n) => {
        if (line.trim() === "") return;
        let user: unknown;
        try {
          user = (JSON.parse(line) as { user?: unknown }).user;
        } catch {
          // A torn last line (a crash mid-append) is the only damage an append-only file can take.
          return;
        }
        if (typeof user !== "string" || user === "")
          throw new DataFormatError(this.path, n + 1, `an erasure entry needs a "user" string`);
        seen.add(user);
      });
    return [...seen];
  }

  /** Appends the ids not yet recorded; returns how many were new. Durable when it resolves. */
  append(userIds: Iterable<string>): number {
    const known = new Set(this.read());
    const fresh = [...new Set(userIds)].filter((u) => u !== "" && !known.has(u));
    if (fresh.length === 0) return 0;
    mkdirSync(dirname(this.path), { recursive: true });
    const at = new Date().toISOString();
    const fd = openSync(this.path, "a");
    try {
      writeSync(fd, fresh.map((user) => `${JSON.stringify({ user, at })}\n`).join(""));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return fresh.length;
  }
}
