import { endianness } from "node:os";
import { ArtifactError } from "@tandem/core";
import type { StoreEncoding } from "./types.js";

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
 * A user vector in a version's encoding. `compact`: `f32 maxAbs | int8 × dims`, value = q · maxAbs / 127
 * (dims + 4 bytes: a 512-d text profile is 516 bytes, not 2,048). The stored maxAbs is the vector's own
 * largest |value|, so decoding and encoding again gives back the same bytes (copies stay exact). Vectors
 * with a non-finite value stay f32: nothing is lost. The two forms differ in length for every dims.
 */
export function encodeUserVector(v: Float32Array, encoding: StoreEncoding = "f32"): Buffer {
  if (encoding === "f32") return encodeVector(v);
  let maxAbs = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (!(a <= Number.MAX_VALUE)) return encodeVector(v); // NaN or ±Infinity
    if (a > maxAbs) maxAbs = a;
  }
  const out = Buffer.allocUnsafe(4 + v.length);
  out.writeFloatLE(maxAbs, 0);
  const k = maxAbs > 0 ? 127 / maxAbs : 0;
  for (let i = 0; i < v.length; i++) out.writeInt8(Math.round(v[i]! * k), 4 + i);
  return out;
}

/** Either form of encodeUserVector → floats; the length tells which (f32 versions decode as before). */
export function decodeUserVector(b: Buffer, dims: number): Float32Array {
  if (b.length === dims * 4) return decodeVector(b, dims);
  if (b.length !== dims + 4)
    throw new ArtifactError(`stored vector has ${b.length} bytes, expected ${dims * 4} or ${dims + 4}`);
  const step = b.readFloatLE(0) / 127;
  if (!Number.isFinite(step) || step < 0) throw new ArtifactError(`stored int8 vector has scale ${step}`);
  const q = new Int8Array(b.buffer, b.byteOffset + 4, dims);
  const out = new Float32Array(dims);
  for (let i = 0; i < dims; i++) out[i] = q[i]! * step;
  return out;
}

/**
 * A scored item list: `u32 n | u32 columns | u32 itemIndex × n | f32 feature × n × columns`, LE.
 * 200 candidates × 8 columns is 7,208 bytes. Used for candidate lists and the popularity list.
 * `compact` writes the self-describing quantised form of encodeCompactList instead.
 */
export function encodeScoredList(
  indexes: Uint32Array,
  features: Float32Array,
  columns: number,
  encoding: StoreEncoding = "f32",
  itemCount = 2 ** 32,
): Buffer {
  if (encoding === "compact") return encodeCompactList(indexes, features, columns, itemCount);
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

/** Either form of encodeScoredList → indexes and row-major float32 features (dequantised). */
export function decodeScoredList(b: Buffer): {
  indexes: Uint32Array;
  features: Float32Array;
  columns: number;
} {
  if (b.length < 8) throw new ArtifactError(`stored list has ${b.length} bytes, expected a header`);
  if (b.readUInt32LE(0) === COMPACT_TAG) return decodeCompactList(b);
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

// --- the compact list --------------------------------------------------------------------------------

/**
 * "TQL1" as a little-endian u32. An f32 list starts with its length n, and one that long would be
 * gigabytes, so the tag cannot be mistaken for an f32 header.
 */
export const COMPACT_TAG = 0x314c5154;
const HEADER = 12;

/** How one feature column of one list is stored. */
export const ColumnMode = {
  /** Every value equal: one f32, no per-row bytes. */
  constant: 0,
  /** Every value 0 or 1 (the fromX flags): one bit per row. */
  bits: 1,
  /** Affine uint8 between the column's f32 min and max in this list: one byte per row. */
  u8: 2,
  /** A non-finite value is present: raw f32, nothing lost. */
  f32: 3,
} as const;
type Mode = (typeof ColumnMode)[keyof typeof ColumnMode];

/** The mode a column's values get, and its f32 parameters (min, max). */
function columnMode(features: Float32Array, n: number, columns: number, c: number): [Mode, number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let binary = true;
  for (let r = 0; r < n; r++) {
    const v = features[r * columns + c]!;
    if (!Number.isFinite(v)) return [ColumnMode.f32, 0, 0];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v !== 0 && v !== 1) binary = false;
  }
  if (n === 0 || lo === hi) return [ColumnMode.constant, n === 0 ? 0 : lo, 0];
  return binary ? [ColumnMode.bits, 0, 0] : [ColumnMode.u8, lo, hi];
}

const paramFloats = (mode: Mode) => (mode === ColumnMode.constant ? 1 : mode === ColumnMode.u8 ? 2 : 0);
const rowBytes = (mode: Mode, n: number) =>
  mode === ColumnMode.bits
    ? Math.ceil(n / 8)
    : mode === ColumnMode.u8
      ? n
      : mode === ColumnMode.f32
        ? 4 * n
        : 0;

/**
 * `u32 tag | u32 n | u16 columns | u8 indexBytes | u8 0 | u8 mode × columns | f32 params (per column:
 * constant → value, u8 → min, max) | index × n (u16 when the catalogue has ≤ 65,536 items, else u32) |
 * each column's rows`, LE. 200 candidates × 13 columns (8 quantised, 5 flags) is ~2.2 KB instead of
 * 11.2 KB. u8 values decode as min + q·(max − min)/255 with the list's exact min and max, so a decoded
 * list encodes to the same bytes again and the error is at most half a step, (max − min)/510.
 */
export function encodeCompactList(
  indexes: Uint32Array,
  features: Float32Array,
  columns: number,
  itemCount: number,
): Buffer {
  const n = indexes.length;
  if (columns > 65_535)
    throw new ArtifactError(`a compact list holds at most 65,535 columns, not ${columns}`);
  const indexBytes = itemCount <= 65_536 ? 2 : 4;
  const modes = Array.from({ length: columns }, (_, c) => columnMode(features, n, columns, c));
  const params = modes.reduce((s, [mode]) => s + paramFloats(mode), 0);
  const size = modes.reduce(
    (s, [mode]) => s + rowBytes(mode, n),
    HEADER + columns + 4 * params + indexBytes * n,
  );
  const out = Buffer.alloc(size);
  out.writeUInt32LE(COMPACT_TAG, 0);
  out.writeUInt32LE(n, 4);
  out.writeUInt16LE(columns, 8);
  out.writeUInt8(indexBytes, 10);
  let at = HEADER;
  for (const [mode] of modes) out.writeUInt8(mode, at++);
  for (const [mode, lo, hi] of modes) {
    if (paramFloats(mode) >= 1) at = out.writeFloatLE(lo, at);
    if (paramFloats(mode) === 2) at = out.writeFloatLE(hi, at);
  }
  for (let r = 0; r < n; r++) {
    const index = indexes[r]!;
    if (indexBytes === 2) {
      if (index >= 65_536) throw new ArtifactError(`item index ${index} does not fit a u16 catalogue`);
      at = out.writeUInt16LE(index, at);
    } else at = out.writeUInt32LE(index, at);
  }
  modes.forEach(([mode, lo, hi], c) => {
    if (mode === ColumnMode.bits) {
      for (let r = 0; r < n; r++) if (features[r * columns + c] === 1) out[at + (r >> 3)]! |= 1 << (r & 7);
    } else if (mode === ColumnMode.u8) {
      // The bounds as stored (f32), so decoding sees exactly the grid the rows were rounded to.
      const min = Math.fround(lo);
      const k = 255 / (Math.fround(hi) - min);
      for (let r = 0; r < n; r++) out[at + r] = Math.round((features[r * columns + c]! - min) * k);
    } else if (mode === ColumnMode.f32) {
      for (let r = 0; r < n; r++) out.writeFloatLE(features[r * columns + c]!, at + 4 * r);
    }
    at += rowBytes(mode, n);
  });
  return out;
}

export function decodeCompactList(b: Buffer): {
  indexes: Uint32Array;
  features: Float32Array;
  columns: number;
} {
  const bad = (why: string): never => {
    throw new ArtifactError(`stored compact list: ${why}`);
  };
  if (b.length < HEADER) bad(`${b.length} bytes, shorter than its header`);
  const n = b.readUInt32LE(4);
  const columns = b.readUInt16LE(8);
  const indexBytes = b[10]!;
  if (indexBytes !== 2 && indexBytes !== 4) bad(`index width ${indexBytes}`);
  if (b.length < HEADER + columns) bad(`${b.length} bytes, shorter than its column modes`);
  const modes = Array.from(b.subarray(HEADER, HEADER + columns)) as Mode[];
  let size = HEADER + columns + indexBytes * n;
  for (const mode of modes) {
    if (mode > ColumnMode.f32) bad(`column mode ${mode}`);
    size += 4 * paramFloats(mode) + rowBytes(mode, n);
  }
  if (b.length !== size) bad(`${n}×${columns} needs ${size} bytes, has ${b.length}`);
  // Typed locals and a plain Uint8Array view: this runs on every request (Buffer indexing, closures and
  // destructuring each cost several x here).
  const u8 = new Uint8Array(b.buffer, b.byteOffset, b.length);
  const lows = new Float64Array(columns);
  const steps = new Float64Array(columns);
  let at = HEADER + columns;
  for (let c = 0; c < columns; c++) {
    const floats = paramFloats(modes[c]!);
    if (floats >= 1) lows[c] = b.readFloatLE(at);
    if (floats === 2) steps[c] = (b.readFloatLE(at + 4) - lows[c]!) / 255;
    at += 4 * floats;
  }
  const indexes = new Uint32Array(n);
  if (indexBytes === 2) for (let r = 0; r < n; r++) indexes[r] = u8[at + 2 * r]! | (u8[at + 2 * r + 1]! << 8);
  else for (let r = 0; r < n; r++) indexes[r] = b.readUInt32LE(at + 4 * r);
  at += indexBytes * n;
  const features = new Float32Array(n * columns);
  for (let c = 0; c < columns; c++) {
    const mode = modes[c]!;
    const lo = lows[c]!;
    const step = steps[c]!;
    const start = at;
    if (mode === ColumnMode.constant) for (let r = 0; r < n; r++) features[r * columns + c] = lo;
    else if (mode === ColumnMode.bits)
      for (let r = 0; r < n; r++) features[r * columns + c] = (u8[start + (r >> 3)]! >> (r & 7)) & 1;
    else if (mode === ColumnMode.u8)
      for (let r = 0; r < n; r++) features[r * columns + c] = lo + u8[start + r]! * step;
    else for (let r = 0; r < n; r++) features[r * columns + c] = b.readFloatLE(start + 4 * r);
    at += rowBytes(mode, n);
  }
  return { indexes, features, columns };
}
