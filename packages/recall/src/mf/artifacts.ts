import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { endianness } from "node:os";
import { dirname, join } from "node:path";
import { ArtifactError, IdMap } from "@tandem/core";
import type { UserItems } from "@tandem/data";
import { tf, tfReady } from "@tandem/tf";
import { dataFingerprint } from "./fingerprint.js";
import { type MfAlgorithm, MfModel, type MfModelParts } from "./mf-model.js";

export const ARTIFACT_FORMAT = "tandem-mf";
export const ARTIFACT_VERSION = 1;

/** meta.json: everything needed to trust and reload the binary tables. */
export interface MfMeta {
  format: typeof ARTIFACT_FORMAT;
  version: number;
  algorithm: MfAlgorithm;
  dim: number;
  numUsers: number;
  numItems: number;
  hyperparameters: Record<string, number | string>;
  foldIn: MfModelParts["foldIn"];
  bm25AvgLength: number;
  fingerprint: string;
  validation: Record<string, number>;
  epochs: number;
  libraries: Record<string, string>;
  createdAt: string;
  /** Binary files (little-endian float32) and their exact sizes in bytes. */
  files: Record<string, { bytes: number }>;
}

const FILES = {
  userFactors: "user-factors.f32",
  itemFactors: "item-factors.f32",
  itemBias: "item-bias.f32",
  idf: "item-idf.f32",
} as const;

/** Versions of what produced the numbers: TF.js (from the runtime) and usearch (its package.json). */
function libraryVersions(): Record<string, string> {
  let usearch = "unknown";
  try {
    // Walk up to usearch's own package.json (its dist folders hold bare {"type": ...} ones).
    let dir = dirname(createRequire(import.meta.url).resolve("usearch"));
    for (; dir !== dirname(dir); dir = dirname(dir)) {
      const path = join(dir, "package.json");
      if (!existsSync(path)) continue;
      const pkg = JSON.parse(readFileSync(path, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "usearch" && pkg.version) {
        usearch = pkg.version;
        break;
      }
    }
  } catch {
    // a missing version is recorded as unknown, not fatal
  }
  return { node: process.version, "@tensorflow/tfjs-core": tf.version_core, usearch };
}

const le = (a: Float32Array) => {
  // Typed arrays use host byte order; the format is little-endian, so big-endian hosts byte-swap.
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return endianness() === "LE" ? bytes : Buffer.from(bytes).swap32();
};

/** Writes a model directory: four float32 tables, users.json / items.json id lists, meta.json. */
export function saveModel(dir: string, model: MfModel): MfMeta {
  mkdirSync(dir, { recursive: true });
  const p = model.parts;
  const tables: Record<keyof typeof FILES, Float32Array> = {
    userFactors: p.userFactors,
    itemFactors: p.itemFactors,
    itemBias: p.itemBias,
    idf: p.bm25.idf,
  };
  const files: MfMeta["files"] = {};
  for (const [key, name] of Object.entries(FILES) as [keyof typeof FILES, string][]) {
    writeFileSync(join(dir, name), le(tables[key]));
    files[name] = { bytes: tables[key].byteLength };
  }
  writeFileSync(join(dir, "users.json"), JSON.stringify(p.users.ids()));
  writeFileSync(join(dir, "items.json"), JSON.stringify(p.items.ids()));
  const meta: MfMeta = {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    algorithm: p.algorithm,
    dim: p.dim,
    numUsers: p.users.size,
    numItems: p.items.size,
    hyperparameters: p.hyperparameters,
    foldIn: p.foldIn,
    bm25AvgLength: p.bm25.avgLength,
    fingerprint: p.fingerprint,
    validation: p.validation,
    epochs: p.epochs,
    libraries: libraryVersions(),
    createdAt: new Date().toISOString(),
    files,
  };
  writeFileSync(join(dir, "meta.json"), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

export interface LoadModelOptions {
  /** When given, the artifact must have been trained on exactly this matrix (same fingerprint). */
  history?: UserItems;
}

function readJson<T>(path: string): T {
  if (!existsSync(path)) throw new ArtifactError(`${path}: missing`);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (cause) {
    throw new ArtifactError(`${path}: not valid JSON (${(cause as Error).message})`, { cause });
  }
}

function readTable(dir: string, name: string, floats: number): Float32Array {
  const path = join(dir, name);
  if (!existsSync(path)) throw new ArtifactError(`${path}: missing`);
  const bytes = readFileSync(path);
  if (bytes.length !== floats * 4)
    throw new ArtifactError(
      `${path}: expected ${floats * 4} bytes (${floats} float32), found ${bytes.length}`,
    );
  const copy = Buffer.from(bytes); // own, aligned buffer
  if (endianness() !== "LE") copy.swap32();
  return new Float32Array(copy.buffer, copy.byteOffset, floats);
}

/**
 * Reads and validates a model directory; every inconsistency is an ArtifactError naming the file.
 * Loading a model initialises the TF.js runtime its fold-in runs on (a process that never trained).
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<MfModel> {
  await tfReady();
  const meta = readJson<MfMeta>(join(dir, "meta.json"));
  if (meta.format !== ARTIFACT_FORMAT || meta.version !== ARTIFACT_VERSION)
    throw new ArtifactError(`${dir}/meta.json: not a ${ARTIFACT_FORMAT} v${ARTIFACT_VERSION} artifact`);
  const { dim, numUsers, numItems } = meta;
  for (const [name, v] of Object.entries({ dim, numUsers, numItems }))
    if (!Number.isInteger(v) || v < (name === "dim" ? 1 : 0))
      throw new ArtifactError(`${dir}/meta.json: invalid ${name} ${String(v)}`);
  if (meta.algorithm !== "als" && meta.algorithm !== "bpr")
    throw new ArtifactError(`${dir}/meta.json: unknown algorithm ${String(meta.algorithm)}`);
  if (options.history) {
    const actual = dataFingerprint(options.history);
    if (actual !== meta.fingerprint)
      throw new ArtifactError(
        `${dir}: trained on data ${meta.fingerprint}, but the current data is ${actual}; retrain or load the matching data`,
      );
  }
  const userIds = readJson<unknown>(join(dir, "users.json"));
  const itemIds = readJson<unknown>(join(dir, "items.json"));
  if (!Array.isArray(userIds) || userIds.length !== numUsers)
    throw new ArtifactError(`${dir}/users.json: expected ${numUsers} user ids`);
  if (!Array.isArray(itemIds) || itemIds.length !== numItems)
    throw new ArtifactError(`${dir}/items.json: expected ${numItems} item ids`);
  const users = new IdMap("user", userIds.map(String));
  const items = new IdMap("item", itemIds.map(String));
  if (users.size !== numUsers || items.size !== numItems)
    throw new ArtifactError(`${dir}: duplicate ids in users.json or items.json`);
  return new MfModel({
    algorithm: meta.algorithm,
    dim,
    users,
    items,
    userFactors: readTable(dir, FILES.userFactors, numUsers * dim),
    itemFactors: readTable(dir, FILES.itemFactors, numItems * dim),
    itemBias: readTable(dir, FILES.itemBias, numItems),
    foldIn: meta.foldIn,
    bm25: { idf: readTable(dir, FILES.idf, numItems), avgLength: meta.bm25AvgLength },
    hyperparameters: meta.hyperparameters,
    fingerprint: meta.fingerprint,
    validation: meta.validation,
    epochs: meta.epochs,
  });
}
