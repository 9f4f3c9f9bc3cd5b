import { InvalidArgumentError } from "@tandem/core";
import { l2Normalize } from "../encoder/text-encoder.js";

const DAY = 86_400;

/**
 * A user's semantic profile: the recency-weighted mean of the embeddings of items they interacted with,
 * weight 2^(-(tLast - t) / halfLife). It keeps the un-normalised weighted sum relative to the newest event
 * time, so a new event only rescales the sum by 2^(-Δt / halfLife) and adds one vector: O(dim), never a
 * pass over the history. Events older than the newest one are added with their own decayed weight.
 */
export class UserProfile {
  /** Σ w_i v_i with weights relative to `referenceTime`. */
  readonly sum: Float32Array;
  /** Time (unix seconds) of the newest event; -Infinity while empty. */
  referenceTime = Number.NEGATIVE_INFINITY;
  /** Σ w_i, kept for callers that want the true weighted mean rather than the direction. */
  weight = 0;
  count = 0;
  private readonly halfLifeSeconds: number;

  /** `day`: one day in the data's time unit (86,400 s; 1 when times are row positions). */
  constructor(
    readonly dim: number,
    halfLifeDays: number,
    day = DAY,
  ) {
    if (!(halfLifeDays > 0)) throw new InvalidArgumentError(`halfLifeDays must be > 0, got ${halfLifeDays}`);
    this.halfLifeSeconds = halfLifeDays * day;
    this.sum = new Float32Array(dim);
  }

  /** Builds a profile from (vector, time) events in any order. */
  static fromEvents(
    dim: number,
    halfLifeDays: number,
    events: Iterable<{ vector: Float32Array; time: number }>,
  ): UserProfile {
    const profile = new UserProfile(dim, halfLifeDays);
    for (const e of events) profile.add(e.vector, e.time);
    return profile;
  }

  /** Adds one event. */
  add(vector: Float32Array, time: number): void {
    if (vector.length !== this.dim)
      throw new InvalidArgumentError(`vector has ${vector.length} dims, profile has ${this.dim}`);
    if (!Number.isFinite(time)) throw new InvalidArgumentError(`event time must be finite, got ${time}`);
    if (time > this.referenceTime) {
      if (this.count > 0) {
        const scale = 2 ** (-(time - this.referenceTime) / this.halfLifeSeconds);
        for (let d = 0; d < this.dim; d++) this.sum[d]! *= scale;
        this.weight *= scale;
      }
      this.referenceTime = time;
    }
    const w = 2 ** (-(this.referenceTime - time) / this.halfLifeSeconds);
    for (let d = 0; d < this.dim; d++) this.sum[d]! += w * vector[d]!;
    this.weight += w;
    this.count++;
  }

  /** The unit-length profile (a copy); all zeros while empty. */
  vector(): Float32Array {
    return l2Normalize(Float32Array.from(this.sum));
  }
}
