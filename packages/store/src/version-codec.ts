import { ArtifactError, InvalidArgumentError } from "@tandem/core";
import { decodeScoredList, decodeUserVector, encodeScoredList, encodeUserVector } from "./codec.js";
import { assertSafeName } from "./keys.js";
import type {
  CandidateList,
  StoreEncoding,
  UserFeatures,
  UserRecord,
  UserRow,
  VersionInfo,
  VersionSpec,
} from "./types.js";

const ENCODINGS: readonly StoreEncoding[] = ["f32", "compact"];

/** A user record as bytes, ready for either backend. */
export interface EncodedRecord {
  userId: string;
  candidates?: Buffer;
  vectors: [kind: string, bytes: Buffer][];
  scalars?: string;
}

/** Raw bytes of one user's entry in one version, as a backend read them. */
export interface RawUser {
  candidates: Buffer | null;
  scalars: Buffer | null;
  vectors: [kind: string, bytes: Buffer | null][];
}

export function validateSpec(version: string, spec: VersionSpec): void {
  assertSafeName("version", version);
  if (spec.encoding !== undefined && !ENCODINGS.includes(spec.encoding)) {
    throw new InvalidArgumentError(`version ${version}: encoding must be one of ${ENCODINGS.join(", ")}`);
  }
  if (new Set(spec.itemIds).size !== spec.itemIds.length) {
    throw new InvalidArgumentError(`version ${version}: item ids must be unique`);
  }
  if (new Set(spec.columns).size !== spec.columns.length) {
    throw new InvalidArgumentError(`version ${version}: feature columns must be unique`);
  }
  for (const kinds of [spec.itemKinds ?? {}, spec.userKinds ?? {}]) {
    for (const [kind, dims] of Object.entries(kinds)) {
      assertSafeName("kind", kind);
      if (!Number.isInteger(dims) || dims <= 0)
        throw new InvalidArgumentError(`kind ${kind}: dims must be > 0`);
    }
  }
}

/** The version's info; its encoding is the spec's, else the store's default (`store.encoding`). */
export function infoFromSpec(
  version: string,
  spec: VersionSpec,
  createdAt: number,
  defaultEncoding: StoreEncoding = "f32",
): VersionInfo {
  return {
    version,
    createdAt,
    itemCount: spec.itemIds.length,
    columns: [...spec.columns],
    itemKinds: { ...(spec.itemKinds ?? {}) },
    userKinds: { ...(spec.userKinds ?? {}) },
    encoding: spec.encoding ?? defaultEncoding,
  };
}

/**
 * Same spec as an existing version? (Re-opening a version must not change its shape.) The encoding is
 * not part of the shape: a re-opened version keeps the one it began with, so its users never mix two.
 */
export function sameShape(a: VersionInfo, b: VersionInfo): boolean {
  const { createdAt: _a, encoding: _ea, ...restA } = a;
  const { createdAt: _b, encoding: _eb, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

/**
 * Validates and encodes records against one version's declared shape, and decodes them back.
 * Shared by both backends, so both store exactly the same bytes.
 */
export class VersionCodec {
  private readonly index: Map<string, number>;
  /** How this version's users are written (versions from before encodings existed: f32). */
  readonly encoding: StoreEncoding;

  constructor(
    readonly info: VersionInfo,
    readonly itemIds: readonly string[],
  ) {
    this.index = new Map(itemIds.map((id, i) => [id, i]));
    this.encoding = info.encoding ?? "f32";
  }

  itemIndexes(items: readonly string[]): Uint32Array {
    const out = new Uint32Array(items.length);
    items.forEach((id, i) => {
      const index = this.index.get(id);
      if (index === undefined) {
        throw new InvalidArgumentError(`version ${this.info.version}: item ${id} is not in its catalogue`);
      }
      out[i] = index;
    });
    return out;
  }

  itemVectorDims(kind: string): number {
    const dims = this.info.itemKinds[kind];
    if (dims === undefined) {
      throw new InvalidArgumentError(`version ${this.info.version} declares no item vectors of kind ${kind}`);
    }
    return dims;
  }

  encodeRecord(record: UserRecord): EncodedRecord {
    if (typeof record.userId !== "string" || record.userId === "") {
      throw new InvalidArgumentError("user id must be a non-empty string");
    }
    const out: EncodedRecord = { userId: record.userId, vectors: [] };
    if (record.candidates) out.candidates = this.encodeCandidates(record.candidates);
    for (const [kind, v] of Object.entries(record.vectors ?? {})) {
      const dims = this.info.userKinds[kind];
      if (dims === undefined) {
        throw new InvalidArgumentError(
          `version ${this.info.version} declares no user vectors of kind ${kind}`,
        );
      }
      if (v.length !== dims)
        throw new InvalidArgumentError(`user vector ${kind} has ${v.length} dims, not ${dims}`);
      out.vectors.push([kind, encodeUserVector(v, this.encoding)]);
    }
    if (record.scalars) {
      for (const [name, value] of Object.entries(record.scalars)) {
        if (!Number.isFinite(value)) throw new InvalidArgumentError(`scalar ${name} must be a finite number`);
      }
      out.scalars = JSON.stringify(record.scalars);
    }
    return out;
  }

  encodeCandidates(list: CandidateList): Buffer {
    const columns = this.info.columns.length;
    if (list.features.length !== list.items.length * columns) {
      throw new InvalidArgumentError(
        `candidate features must be ${list.items.length} × ${columns} (${this.info.columns.join(", ")}), got ${list.features.length} floats`,
      );
    }
    return encodeScoredList(
      this.itemIndexes(list.items),
      list.features,
      columns,
      this.encoding,
      this.itemIds.length,
    );
  }

  decodeCandidates(b: Buffer): CandidateList {
    const { indexes, features } = decodeScoredList(b);
    return { items: Array.from(indexes, (i) => this.itemIds[i] ?? ""), features };
  }

  /** User vectors of either encoding (each form has its own length), by kind. */
  private decodeVectors(raw: RawUser): Record<string, Float32Array> {
    const vectors: Record<string, Float32Array> = {};
    for (const [kind, bytes] of raw.vectors) {
      const dims = this.info.userKinds[kind];
      if (dims === undefined)
        throw new ArtifactError(`version ${this.info.version} has no user kind ${kind}`);
      if (bytes) vectors[kind] = decodeUserVector(bytes, dims);
    }
    return vectors;
  }

  decodeUser(userId: string, raw: RawUser): UserFeatures | null {
    const vectors = this.decodeVectors(raw);
    if (!raw.candidates && !raw.scalars && Object.keys(vectors).length === 0) return null;
    return {
      version: this.info.version,
      userId,
      columns: this.info.columns,
      candidates: raw.candidates ? this.decodeCandidates(raw.candidates) : null,
      vectors,
      scalars: raw.scalars ? (JSON.parse(raw.scalars.toString("utf8")) as Record<string, number>) : {},
    };
  }

  /** The lean form of a user's bytes: candidate indexes kept as they are stored. */
  decodeRow(live: string, raw: RawUser): UserRow {
    const vectors = this.decodeVectors(raw);
    const candidates = raw.candidates ? decodeScoredList(raw.candidates) : null;
    return {
      version: this.info.version,
      live,
      known: raw.candidates !== null || raw.scalars !== null || Object.keys(vectors).length > 0,
      candidates: candidates && { indexes: candidates.indexes, features: candidates.features },
      vectors,
      scalars: raw.scalars ? (JSON.parse(raw.scalars.toString("utf8")) as Record<string, number>) : {},
    };
  }
}
