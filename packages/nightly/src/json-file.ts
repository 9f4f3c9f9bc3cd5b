import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { ArtifactError } from "@tandem/core";

/** Writes JSON atomically (temp file + rename): a crash never leaves half a checkpoint. */
export function writeJson(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (error) {
    throw new ArtifactError(`${file} is missing or corrupt`, { cause: error });
  }
}
