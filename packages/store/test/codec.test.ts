import { ArtifactError, Rng } from "@tandem/core";
import { describe, expect, it } from "vitest";
import {
  COMPACT_TAG,
  decodeScoredList,
  decodeUserVector,
  encodeScoredList,
  encodeUserVector,
  VersionCodec,
} from "../src/index.js";

const rng = new Rng(13);
const N = 200;
/** Columns shaped like the rerank features: dense scores, heavy tails, mostly-zero, flags, a constant. */
const SHAPES: ((r: number) => number)[] = [
  () => rng.normal() * 0.3 + 1, // mf
  () => rng.next() * 0.6 + 0.2, // textProfile
  () => rng.next() * 0.6 - 0.1, // textLast
  () => (rng.next() < 0.7 ? 0 : Math.exp(rng.normal() * 2)), // cooc: mostly 0, lognormal tail
  () => (rng.next() < 0.9 ? 0 : Math.exp(rng.normal())), // next
  () => Math.log1p(Math.floor(Math.exp(rng.next() * 6))), // logPop
  () => 2.5, // a constant column
  (r) => Math.log1p(r), // age
  () => (rng.next() < 0.5 ? 1 : 0), // fromMf
  () => 0, // a flag no candidate has
  () => 1, // a flag every candidate has
];
const COLUMNS = SHAPES.length;

function list(n = N, itemCount = 3650) {
  const indexes = Uint32Array.from({ length: n }, () => rng.int(itemCount));
  const features = new Float32Array(n * COLUMNS);
  for (let r = 0; r < n; r++) for (let c = 0; c < COLUMNS; c++) features[r * COLUMNS + c] = SHAPES[c]!(r);
  return { indexes, features };
}

const column = (f: Float32Array, c: number) =>
  Array.from({ length: f.length / COLUMNS }, (_, r) => f[r * COLUMNS + c]!);

describe("compact candidate lists", () => {
  it("round-trip within half a quantisation step per column; flags, constants and indexes exact", () => {
    for (let trial = 0; trial < 20; trial++) {
      const { indexes, features } = list();
      const bytes = encodeScoredList(indexes, features, COLUMNS, "compact", 3650);
      expect(bytes.readUInt32LE(0)).toBe(COMPACT_TAG);
      const got = decodeScoredList(bytes);
      expect(got.columns).toBe(COLUMNS);
      expect(Array.from(got.indexes)).toEqual(Array.from(indexes));
      for (let c = 0; c < COLUMNS; c++) {
        const want = column(features, c);
        const have = column(got.features, c);
        const lo = Math.min(...want);
        const hi = Math.max(...want);
        // Half a step, plus float32 rounding of the decoded value.
        const bound = (hi - lo) / 510 + Math.max(Math.abs(lo), Math.abs(hi)) * 2 ** -23;
        const worst = Math.max(...want.map((v, r) => Math.abs(v - have[r]!)));
        expect(worst, `column ${c}`).toBeLessThanOrEqual(bound);
        // The extremes are exact, so the range (and a copy's quantisation grid) is preserved.
        expect(Math.min(...have)).toBe(lo);
        expect(Math.max(...have)).toBe(hi);
        if (c >= 8 || c === 6) expect(have).toEqual(want);
      }
    }
  });

  it("is ~5x smaller than f32: 11 columns of 200 rows in ~1.5 KB", () => {
    const { indexes, features } = list();
    const f32 = encodeScoredList(indexes, features, COLUMNS);
    const compact = encodeScoredList(indexes, features, COLUMNS, "compact", 3650);
    expect(f32.length).toBe(8 + 4 * N + 4 * N * COLUMNS);
    // header 12 + modes 11 + params (7 u8 × 2 + 1 constant + 2 constant flags) × 4 + u16 indexes
    // + 7 × 200 bytes + one bit column of 25 bytes.
    expect(compact.length).toBe(12 + 11 + (7 * 2 + 3) * 4 + 2 * N + 7 * N + 25);
  });

  it("decoding and encoding again gives the same bytes (copies of a version are exact)", () => {
    for (let trial = 0; trial < 20; trial++) {
      const { indexes, features } = list();
      const once = encodeScoredList(indexes, features, COLUMNS, "compact", 3650);
      const back = decodeScoredList(once);
      const twice = encodeScoredList(back.indexes, back.features, COLUMNS, "compact", 3650);
      expect(twice.equals(once)).toBe(true);
    }
  });

  it("stores indexes in u16 up to 65,536 catalogue items and u32 beyond", () => {
    const { features } = list(10);
    const top = Uint32Array.from({ length: 10 }, (_, i) => 65_535 - i);
    const u16 = encodeScoredList(top, features, COLUMNS, "compact", 65_536);
    const u32 = encodeScoredList(top, features, COLUMNS, "compact", 65_537);
    expect(u16[10]).toBe(2);
    expect(u32[10]).toBe(4);
    expect(u32.length - u16.length).toBe(2 * 10);
    expect(Array.from(decodeScoredList(u16).indexes)).toEqual(Array.from(top));
    const big = Uint32Array.from({ length: 10 }, (_, i) => 1_000_000 + i);
    expect(
      Array.from(decodeScoredList(encodeScoredList(big, features, COLUMNS, "compact", 2e6)).indexes),
    ).toEqual(Array.from(big));
    expect(() => encodeScoredList(big, features, COLUMNS, "compact", 65_536)).toThrow(ArtifactError);
  });

  it("keeps non-finite values and empty lists as they are", () => {
    const features = Float32Array.from([1, Number.NaN, 3, Number.POSITIVE_INFINITY, 1, -1]);
    const got = decodeScoredList(encodeScoredList(Uint32Array.of(4, 5, 6), features, 2, "compact", 10));
    expect(Array.from(got.features)).toEqual(Array.from(features));
    const empty = decodeScoredList(
      encodeScoredList(new Uint32Array(0), new Float32Array(0), 3, "compact", 10),
    );
    expect(empty).toEqual({ indexes: new Uint32Array(0), features: new Float32Array(0), columns: 3 });
  });

  it("refuses truncated, padded or malformed bytes with an ArtifactError", () => {
    const { indexes, features } = list(20);
    const good = encodeScoredList(indexes, features, COLUMNS, "compact", 3650);
    for (let cut = 0; cut < good.length; cut += 7)
      expect(() => decodeScoredList(good.subarray(0, cut)), `cut at ${cut}`).toThrow(ArtifactError);
    expect(() => decodeScoredList(Buffer.concat([good, Buffer.of(0)]))).toThrow(ArtifactError);
    const badWidth = Buffer.from(good);
    badWidth[10] = 3;
    expect(() => decodeScoredList(badWidth)).toThrow(ArtifactError);
    const badMode = Buffer.from(good);
    badMode[12] = 9;
    expect(() => decodeScoredList(badMode)).toThrow(ArtifactError);
    const f32 = encodeScoredList(indexes, features, COLUMNS);
    expect(() => decodeScoredList(f32.subarray(0, f32.length - 4))).toThrow(ArtifactError);
  });
});

describe("compact user vectors", () => {
  const unit = (dims: number) => {
    const v = Float32Array.from({ length: dims }, () => rng.normal());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };

  it("int8 with one scale: dims + 4 bytes, error at most half a step, idempotent", () => {
    for (const dims of [1, 3, 65, 512]) {
      const v = unit(dims);
      const bytes = encodeUserVector(v, "compact");
      expect(bytes.length).toBe(dims + 4);
      const got = decodeUserVector(bytes, dims);
      const maxAbs = Math.max(...Array.from(v, Math.abs));
      const worst = Math.max(...Array.from(v, (x, i) => Math.abs(x - got[i]!)));
      expect(worst).toBeLessThanOrEqual(maxAbs / 254 + maxAbs * 2 ** -23);
      expect(Math.max(...Array.from(got, Math.abs))).toBe(maxAbs);
      expect(encodeUserVector(got, "compact").equals(bytes)).toBe(true);
    }
  });

  it("decodes f32 vectors by their length, keeps zero and non-finite vectors exact, refuses other lengths", () => {
    const v = unit(8);
    expect(Array.from(decodeUserVector(encodeUserVector(v), 8))).toEqual(Array.from(v));
    expect(Array.from(decodeUserVector(encodeUserVector(new Float32Array(8), "compact"), 8))).toEqual(
      new Array(8).fill(0),
    );
    const nan = Float32Array.of(1, Number.NaN, 2);
    expect(encodeUserVector(nan, "compact").length).toBe(12);
    expect(Array.from(decodeUserVector(encodeUserVector(nan, "compact"), 3))).toEqual([1, Number.NaN, 2]);
    expect(() => decodeUserVector(Buffer.alloc(11), 8)).toThrow(ArtifactError);
    const negativeScale = encodeUserVector(v, "compact");
    negativeScale.writeFloatLE(-1, 0);
    expect(() => decodeUserVector(negativeScale, 8)).toThrow(ArtifactError);
  });
});

describe("VersionCodec encodings", () => {
  const itemIds = Array.from({ length: 50 }, (_, i) => `i${i}`);
  const info = (encoding?: "f32" | "compact") => ({
    version: "v",
    createdAt: 0,
    itemCount: itemIds.length,
    columns: ["a", "b"],
    itemKinds: {},
    userKinds: { text: 4 },
    ...(encoding && { encoding }),
  });
  const record = {
    userId: "u",
    candidates: { items: ["i3", "i7", "i9"], features: Float32Array.of(0.1, 1, 0.9, 0, 0.1, 1) },
    vectors: { text: Float32Array.of(0.5, -0.5, 0.5, 0.5) },
  };

  it("writes the version's encoding and reads both, so versions from before encodings still decode", () => {
    const old = new VersionCodec(info(), itemIds); // stored info without an encoding: f32
    const compact = new VersionCodec(info("compact"), itemIds);
    expect(old.encoding).toBe("f32");
    const oldBytes = old.encodeRecord(record);
    const newBytes = compact.encodeRecord(record);
    expect(newBytes.candidates!.length).toBeLessThan(oldBytes.candidates!.length);
    const raw = (r: typeof oldBytes) => ({ candidates: r.candidates!, scalars: null, vectors: r.vectors });
    for (const codec of [old, compact]) {
      const exact = codec.decodeUser("u", raw(oldBytes))!;
      expect(exact.candidates).toEqual(record.candidates);
      expect(exact.vectors).toEqual(record.vectors);
      const approx = codec.decodeRow("v", raw(newBytes));
      expect(Array.from(approx.candidates!.indexes)).toEqual([3, 7, 9]);
      expect(Array.from(approx.candidates!.features)).toEqual(
        Array.from(Float32Array.of(0.1, 1, 0.9, 0, 0.1, 1)),
      );
      expect(Array.from(approx.vectors["text"]!)).toEqual([0.5, -0.5, 0.5, 0.5]);
    }
  });
});
