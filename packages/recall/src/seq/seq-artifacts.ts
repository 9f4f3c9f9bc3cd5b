import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { endianness } from "node:os";
import { join } from "node:path";
import { ArtifactError } from "@tandem/core";
import type { UserItems } from "@tandem/data";
import { tf, tfReady } from "@tandem/tf";
import { dataFingerprint } from "../mf/fingerprint.js";
import { SeqModel, type SeqModelInfo } from "./seq-model.js";
import { type SeqShape, type SeqWeights, weightShapes } from "./seq-weights.js";

export const SEQ_ARTIFACT_FORMAT = "tandem-seq";
export const SEQ_ARTIFACT_VERSION = 1;
const WEIGHTS = "weights.f32";

/** meta.json of a sequential model: its shape, what trained it, and the layout of weights.f32. */
export interface SeqMeta extends SeqModelInfo {
  format: typeof SEQ_ARTIFACT_FORMAT;
  version: number;
  shape: SeqShape;
  /** Weight tables in file order (little-endian float32, concatenated). */
  tables: { name: string; shape: number[] }[];
  bytes: number;
  libraries: Record<string, string>;
  createdAt: string;
}

/** Writes meta.json and weights.f32 (the item index i of the model is the dataset's item index i). */
export function saveSeqModel(dir: string, model: SeqModel): SeqMeta {
  mkdirSync(dir, { recursive: true });
  const tables = weightShapes(model.shape).map(([name, shape]) => ({ name, shape }));
  const parts = tables.map(({ name }) => model.weights.get(name)!.values);
  const bytes = parts.reduce((n, p) => n + p.byteLength, 0);
  const buffer = Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  writeFileSync(join(dir, WEIGHTS), endianness() === "LE" ? buffer : buffer.swap32());
  const meta: SeqMeta = {
    format: SEQ_ARTIFACT_FORMAT,
    version: SEQ_ARTIFACT_VERSION,
    shape: model.shape,
    ...model.info,
    tables,
    bytes,
    libraries: { node: process.version, "@tensorflow/tfjs-core": tf.version_core },
    createdAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, "meta.json"), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

/** Reads a model directory; every inconsistency is an ArtifactError naming the file. */
export async function loadSeqModel(dir: string, options: { history?: UserItems } = {}): Promise<SeqModel> {
  await tfReady();
  const metaPath = join(dir, "meta.json");
  if (!existsSync(metaPath)) throw new ArtifactError(`${metaPath}: missing`);
  let meta: SeqMeta;
  try {
    meta = JSON.parse(readFileSync(metaPath, "utf8")) as SeqMeta;
  } catch (cause) {
    throw new ArtifactError(`${metaPath}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (meta.format !== SEQ_ARTIFACT_FORMAT || meta.version !== SEQ_ARTIFACT_VERSION)
    throw new ArtifactError(`${metaPath}: not a ${SEQ_ARTIFACT_FORMAT} v${SEQ_ARTIFACT_VERSION} artifact`);
  const expected = weightShapes(meta.shape);
  if (JSON.stringify(expected.map(([name, shape]) => ({ name, shape }))) !== JSON.stringify(meta.tables))
    throw new ArtifactError(`${metaPath}: weight tables do not match the model shape`);
  if (options.history && dataFingerprint(options.history) !== meta.fingerprint)
    throw new ArtifactError(`${dir}: trained on data ${meta.fingerprint}, not on the current data; retrain`);
  const path = join(dir, WEIGHTS);
  if (!existsSync(path)) throw new ArtifactError(`${path}: missing`);
  const bytes = Buffer.from(readFileSync(path));
  const floats = expected.reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
  if (bytes.length !== floats * 4)
    throw new ArtifactError(`${path}: expected ${floats * 4} bytes, found ${bytes.length}`);
  if (endianness() !== "LE") bytes.swap32();
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, floats);
  const weights: SeqWeights = new Map();
  let offset = 0;
  for (const [name, shape] of expected) {
    const size = shape.reduce((a, b) => a * b, 1);
    weights.set(name, { shape, values: all.slice(offset, offset + size) });
    offset += size;
  }
  const { hyperparameters, fingerprint, validation, epochs } = meta;
  return new SeqModel(meta.shape, weights, { hyperparameters, fingerprint, validation, epochs });
}
