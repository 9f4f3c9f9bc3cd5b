import { endianness } from "node:os";
import { ArtifactError } from "@tandem/core";

// Vectors are stored as the raw bytes of a Float32Array; that is little-endian only on LE hosts.
if (endianness() !== "LE") throw new Error("@tandem/store stores little-endian float32 and needs an LE host");

/** Float32 vector → its little-endian bytes (a copy, safe to keep). */
export function encodeVector(v: Float32Array): Buffer {
  return Buffer.from(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

/** Bytes → Float32Array (copied, because ioredis buffers may be unaligned slices of a pool). */
export function decodeVector(b: Buffer, expectedDims?: number): Float32Array {
  if (b.length % 4 !== 0 || (expectedDims !== undefined && b.length !== expectedDims * 4)) {
    throw new ArtifactError(`stored vector has ${b.length} bytes, expected ${(expectedDims ?? 0) * 4}`);
  }
  const out = new Float32Array(b.length / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** Many stored vectors of `dims` floats → views of one Float32Array (one allocation, one copy each). */
export function decodeVectors(
  values: readonly (Buffer | null | undefined)[],
  dims: number,
): (Float32Array | null)[] {
  const slab = new Float32Array(values.length * dims);
  const bytes = new Uint8Array(slab.buffer);
  return values.map((b, i) => {
    if (!b) return null;
    if (b.length !== dims * 4)
      throw new ArtifactError(`stored vector has ${b.length} bytes, expected ${dims * 4}`);
    bytes.set(b, i * dims * 4);
    return slab.subarray(i * dims, (i + 1) * dims);
  });
}

/**
 * A scored item list: `u32 n | u32 columns | u32 itemIndex × n | f32 feature × n × columns`, LE.
 * 200 candidates × 8 columns is 7,208 bytes. Used for candidate lists and the popularity list.
 */
export function encodeScoredList(indexes: Uint32Array, features: Float32Array, columns: number): Buffer {
  const n = indexes.length;
  const out = Buffer.allocUnsafe(8 + 4 * n + 4 * n * columns);
  out.writeUInt32LE(n, 0);
  out.writeUInt32LE(columns, 4);
  new Uint8Array(out.buffer, out.byteOffset + 8, 4 * n).set(
    new Uint8Array(indexes.buffer, indexes.byteOffset, 4 * n),
  );
  new Uint8Array(out.buffer, out.byteOffset + 8 + 4 * n, 4 * n * columns).set(
    new Uint8Array(features.buffer, features.byteOffset, 4 * n * columns),
  );
  return out;
}

export function decodeScoredList(b: Buffer): {
  indexes: Uint32Array;
  features: Float32Array;
  columns: number;
} {
  if (b.length < 8) throw new ArtifactError(`stored list has ${b.length} bytes, expected a header`);
  const n = b.readUInt32LE(0);
  const columns = b.readUInt32LE(4);
  if (b.length !== 8 + 4 * n + 4 * n * columns) {
    throw new ArtifactError(`stored list of ${n}×${columns} has ${b.length} bytes`);
  }
  const indexes = new Uint32Array(n);
  new Uint8Array(indexes.buffer).set(b.subarray(8, 8 + 4 * n));
  const features = new Float32Array(n * columns);
  new Uint8Array(features.buffer).set(b.subarray(8 + 4 * n));
  return { indexes, features, columns };
}
