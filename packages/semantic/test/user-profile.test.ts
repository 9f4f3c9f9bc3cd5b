import { InvalidArgumentError } from "@tandem/core";
import { userItemsFromRows } from "@tandem/data";
import { describe, expect, it } from "vitest";
import { buildProfiles, buildProfilesThreaded, l2Normalize, UserProfile } from "../src/index.js";
import { maxAbsDiff } from "./helpers.js";

const DAY = 86_400;

function randomVectors(n: number, dim: number, seed: number): Float32Array[] {
  let s = seed;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  return Array.from({ length: n }, () => l2Normalize(Float32Array.from({ length: dim }, next)));
}

/** The definition, computed from scratch. */
function direct(events: { vector: Float32Array; time: number }[], halfLifeDays: number): Float32Array {
  const tLast = Math.max(...events.map((e) => e.time));
  const sum = new Float64Array(events[0]!.vector.length);
  for (const e of events) {
    const w = 2 ** (-(tLast - e.time) / (halfLifeDays * DAY));
    e.vector.forEach((x, d) => {
      sum[d]! += w * x;
    });
  }
  return l2Normalize(Float32Array.from(sum));
}

describe("UserProfile", () => {
  const dim = 32;
  const vectors = randomVectors(40, dim, 7);
  const times = vectors.map((_, i) => 1_500_000_000 + i * 11 * DAY + (i % 3) * 3600);
  const events = vectors.map((vector, i) => ({ vector, time: times[i]! }));

  it("equals the recency-weighted mean of the definition", () => {
    const profile = UserProfile.fromEvents(dim, 30, events);
    expect(maxAbsDiff(profile.vector(), direct(events, 30))).toBeLessThan(1e-5);
  });

  it("incremental updates equal a full recompute within 1e-5", () => {
    const profile = UserProfile.fromEvents(dim, 30, events.slice(0, 25));
    for (const e of events.slice(25)) profile.add(e.vector, e.time);
    const full = UserProfile.fromEvents(dim, 30, events);
    expect(maxAbsDiff(profile.vector(), full.vector())).toBeLessThan(1e-5);
    expect(maxAbsDiff(profile.vector(), direct(events, 30))).toBeLessThan(1e-5);
    expect(profile.referenceTime).toBe(times[times.length - 1]);
  });

  it("accepts late (out-of-order) events with their own decayed weight", () => {
    const shuffled = [...events].reverse();
    const profile = UserProfile.fromEvents(dim, 30, shuffled);
    expect(maxAbsDiff(profile.vector(), direct(events, 30))).toBeLessThan(1e-5);
  });

  it("weights recent items more: an item one half-life older counts half", () => {
    const a = Float32Array.of(1, 0);
    const b = Float32Array.of(0, 1);
    const profile = new UserProfile(2, 10);
    profile.add(a, 0);
    profile.add(b, 10 * DAY);
    expect(profile.sum[0]).toBeCloseTo(0.5, 6);
    expect(profile.sum[1]).toBeCloseTo(1, 6);
    expect(profile.weight).toBeCloseTo(1.5, 6);
  });

  it("builds every user's profile from CSR history", () => {
    const items = Float32Array.from(vectors.slice(0, 3).flatMap((v) => Array.from(v)));
    const history = userItemsFromRows(2, 3, [
      { user: 0, item: 0, time: 0, value: 1 },
      { user: 0, item: 2, time: 5 * DAY, value: 1 },
    ]);
    const profiles = buildProfiles(history, items, dim, 30);
    const expected = direct(
      [
        { vector: vectors[0]!, time: 0 },
        { vector: vectors[2]!, time: 5 * DAY },
      ],
      30,
    );
    expect(maxAbsDiff(profiles.subarray(0, dim), expected)).toBeLessThan(1e-5);
    expect(Array.from(profiles.subarray(dim)).every((x) => x === 0)).toBe(true);
  });

  it("builds the same profiles on worker threads as on one", async () => {
    const numItems = 40;
    const items = Float32Array.from(randomVectors(numItems, dim, 11).flatMap((v) => Array.from(v)));
    const rows = Array.from({ length: 600 }, (_, k) => ({
      user: (k * 7) % 53, // user 53 and above stay empty
      item: (k * 13) % numItems,
      time: k * 3_600,
      value: 1,
    }));
    const history = userItemsFromRows(60, numItems, rows);
    const one = buildProfiles(history, items, dim, 2);
    const threaded = await buildProfilesThreaded(history, items, dim, 2, DAY, 2, 0);
    expect(threaded.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(threaded)).toEqual(Array.from(one));
    expect(Array.from(one.subarray(53 * dim)).every((x) => x === 0)).toBe(true);
  });

  it("rejects a non-positive half-life and wrong-sized vectors", () => {
    expect(() => new UserProfile(2, 0)).toThrow(InvalidArgumentError);
    expect(() => new UserProfile(2, 1).add(Float32Array.of(1), 0)).toThrow(InvalidArgumentError);
  });
});

describe("profiles of a log without timestamps", () => {
  it("measure the half-life in row positions when a day is one position", () => {
    const [a, b] = randomVectors(2, 8, 3) as [Float32Array, Float32Array];
    // Positions 10 and 11 with a 1-position half-life: weights 0.5 and 1, far from the per-day profile.
    const profile = new UserProfile(8, 1, 1);
    profile.add(a, 10);
    profile.add(b, 11);
    expect(profile.weight).toBeCloseTo(1.5, 6);
    const daily = new UserProfile(8, 1);
    daily.add(a, 10);
    daily.add(b, 11);
    expect(daily.weight).toBeCloseTo(2, 4);
  });
});
