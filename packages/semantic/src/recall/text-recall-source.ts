import { InvalidArgumentError } from "@tandem/core";
import {
  type CandidateSource,
  FlatIndex,
  type Proposals,
  type SearchHits,
  searchEach,
  type VectorIndex,
} from "@tandem/recall";
import { l2Normalize } from "../encoder/text-encoder.js";
import { ItemNeighborMemo } from "./item-neighbor-memo.js";

const checkK = (k: number) => {
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`k must be a positive integer, got ${k}`);
};

export interface TextRecallOptions {
  /** How many of the user's last items also query the index (besides the profile). Default 3. */
  recentItems?: number;
  /**
   * Recent-item hits are scaled by this, so an item close to the whole profile outranks one close to a
   * single recent item at equal cosine. Default 0.9.
   */
  recentWeight?: number;
  /** Known users' unit profiles, numUsers × dim (from buildProfiles); unknown users use their history. */
  profiles?: Float32Array;
}

/**
 * Candidate source by text similarity: the items nearest (inner product of unit embeddings = cosine) to
 * the user's semantic profile and to each of their last few items, through a VectorIndex. Items enter the
 * index from their text alone, so a brand-new item nobody has interacted with can be recalled as soon as
 * it is added: this is the cold-start path the collaborative sources cannot offer.
 */
export class TextRecallSource implements CandidateSource {
  readonly name = "text" as const;
  private readonly vectors = new Map<number, Float32Array>();
  private readonly recentItems: number;
  private readonly recentWeight: number;
  private readonly profiles: Float32Array | undefined;
  private readonly memo: ItemNeighborMemo;

  constructor(
    readonly index: VectorIndex,
    options: TextRecallOptions = {},
  ) {
    this.recentItems = options.recentItems ?? 3;
    this.recentWeight = options.recentWeight ?? 0.9;
    this.profiles = options.profiles;
    this.memo = new ItemNeighborMemo(index, (item) => this.vectors.get(item));
  }

  /** A source over `keys` with row-major unit `vectors` in an exact flat index (or `index` if given). */
  static build(
    dim: number,
    keys: ArrayLike<number>,
    vectors: Float32Array,
    options: TextRecallOptions & { index?: VectorIndex } = {},
  ): TextRecallSource {
    const source = new TextRecallSource(options.index ?? new FlatIndex(dim, keys.length), options);
    source.addItems(keys, vectors);
    return source;
  }

  /**
   * A source over an index that already holds `vectors` under `keys` (e.g. loaded from another thread's
   * save): nothing is re-added, so an HNSW graph stays exactly the one that was saved.
   */
  static over(
    index: VectorIndex,
    keys: ArrayLike<number>,
    vectors: Float32Array,
    options: TextRecallOptions = {},
  ): TextRecallSource {
    if (index.size !== keys.length || vectors.length !== keys.length * index.dim)
      throw new InvalidArgumentError(
        `text index holds ${index.size} × ${index.dim}, given ${keys.length} keys and ${vectors.length} floats`,
      );
    const source = new TextRecallSource(index, options);
    const dim = index.dim;
    for (let i = 0; i < keys.length; i++)
      source.vectors.set(keys[i]!, vectors.subarray(i * dim, (i + 1) * dim));
    return source;
  }

  get dim(): number {
    return this.index.dim;
  }

  /** Adds (or replaces) items: new catalogue entries become recallable immediately. */
  addItems(keys: ArrayLike<number>, vectors: Float32Array): void {
    this.index.add(keys, vectors);
    this.memo.clear();
    const dim = this.index.dim;
    for (let i = 0; i < keys.length; i++) this.vectors.set(keys[i]!, vectors.slice(i * dim, (i + 1) * dim));
  }

  removeItems(keys: ArrayLike<number>): void {
    this.index.remove(keys);
    this.memo.clear();
    for (let i = 0; i < keys.length; i++) this.vectors.delete(keys[i]!);
  }

  /**
   * Up to `k` items for a user with this time-ordered `history`, none in `exclude`. `user` is the index
   * into `profiles`, or -1 for a user without one: their profile is the mean of their history vectors.
   */
  propose(user: number, history: Int32Array, k: number, exclude: ReadonlySet<number>): Proposals {
    return this.proposeMany([user], [history], k, [exclude])[0]!;
  }

  /** `propose` for a block of users: their profiles go to the index as one search (one scan per four). */
  proposeMany(
    users: ArrayLike<number>,
    histories: readonly Int32Array[],
    k: number,
    excludes: readonly ReadonlySet<number>[],
  ): Proposals[] {
    checkK(k);
    const n = users.length;
    const profiles = Array.from({ length: n }, (_, b) => this.profileOf(users[b]!, histories[b]!));
    const hits = this.profileHits(profiles, k, excludes);
    return Array.from({ length: n }, (_, b) => {
      const history = histories[b]!;
      const recent = history.subarray(Math.max(0, history.length - this.recentItems));
      return this.mergeHits(hits[b] ?? null, recent, k, excludes[b]!);
    });
  }

  /** Nearest items to `profile` and to each of `recent`, merged by best (weighted) score. */
  proposeFor(
    profile: Float32Array | null,
    recent: ArrayLike<number>,
    k: number,
    exclude: ReadonlySet<number>,
  ): Proposals {
    checkK(k);
    return this.mergeHits(this.profileHits([profile], k, [exclude])[0] ?? null, recent, k, exclude);
  }

  /** `user`'s profile, or the mean of their history vectors for a user without one. */
  private profileOf(user: number, history: Int32Array): Float32Array | null {
    const dim = this.index.dim;
    return user >= 0 && this.profiles && (user + 1) * dim <= this.profiles.length
      ? this.profiles.subarray(user * dim, (user + 1) * dim)
      : this.meanOf(history);
  }

  /** Each non-zero profile's hits (one searchEach), undefined for a missing or zero profile. */
  private profileHits(
    profiles: readonly (Float32Array | null)[],
    k: number,
    excludes: readonly ReadonlySet<number>[],
  ): (SearchHits | undefined)[] {
    const out: (SearchHits | undefined)[] = profiles.map(() => undefined);
    if (this.index.size === 0) return out;
    const asked = profiles.flatMap((p, b) => (p?.some((x) => x !== 0) ? [b] : []));
    if (asked.length === 0) return out;
    const dim = this.index.dim;
    const queries = new Float32Array(asked.length * dim);
    asked.forEach((b, i) => {
      queries.set(profiles[b]!, i * dim);
    });
    const hits = searchEach(
      this.index,
      queries,
      k,
      asked.map((b) => excludes[b]!),
    );
    hits.forEach((h, i) => {
      out[asked[i]!] = h;
    });
    return out;
  }

  private mergeHits(
    profileHits: SearchHits | null,
    recent: ArrayLike<number>,
    k: number,
    exclude: ReadonlySet<number>,
  ): Proposals {
    if (this.index.size === 0) return { items: new Int32Array(0), scores: new Float32Array(0) };
    const best = new Map<number, number>();
    const merge = (hits: { keys: Int32Array; scores: Float32Array }, weight: number) => {
      for (let r = 0; r < hits.keys.length; r++) {
        const key = hits.keys[r]!;
        const score = hits.scores[r]! * weight;
        if (!(score <= (best.get(key) ?? Number.NEGATIVE_INFINITY))) best.set(key, score);
      }
    };
    if (profileHits) merge(profileHits, 1);
    // Recent items' neighbour lists are the same for every user: searched once per run (the memo).
    for (let i = 0; i < recent.length; i++) {
      const hits = this.memo.topFor(recent[i]!, k, exclude);
      if (hits) merge(hits, this.recentWeight);
    }
    const top = [...best].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k);
    return { items: Int32Array.from(top, (t) => t[0]), scores: Float32Array.from(top, (t) => t[1]) };
  }

  private meanOf(history: Int32Array): Float32Array | null {
    const sum = new Float32Array(this.index.dim);
    let n = 0;
    for (const item of history) {
      const v = this.vectors.get(item);
      if (!v) continue;
      for (let d = 0; d < v.length; d++) sum[d]! += v[d]!;
      n++;
    }
    return n > 0 ? l2Normalize(sum) : null;
  }
}
