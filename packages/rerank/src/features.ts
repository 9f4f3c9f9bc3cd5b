/**
 * The fusion's feature columns, in order: the one definition shared by training, precompute (which
 * stores them per candidate) and request time (which derives the vector-based ones for items the
 * caller brings). Sources that cannot be derived from vectors (co-occurrence, next-item) are 0 for
 * items no source proposed, exactly as in training.
 */
export const FEATURES = [
  /** MF user factor · item factor. */
  "mf",
  /** Cosine of the user's recency-weighted text profile and the item's text embedding. */
  "textProfile",
  /** Cosine of the mean embedding of the user's last few items and the item's embedding. */
  "textLast",
  /**
   * MF user factor · the item's text projected into MF space (a linear map fitted on the stage's history
   * from text to MF item factors): an MF-style score even for items MF saw little of. 0 when off.
   */
  "textMf",
  /** Sequential model: the user's sequence state · the item's embedding. 0 when the model is off. */
  "seq",
  /** Co-occurrence with the user's history (sum of normalised co-counts). */
  "cooc",
  /** "What comes next": transition score from the user's last items. */
  "next",
  /** log(1 + interactions with the item). */
  "logPop",
  /** log(1 + interactions in the most recent window of the data). */
  "recentPop",
  /** log(1 + days since the item's first interaction), at the data's end. */
  "age",
  /** 1 when the source proposed the item, else 0. */
  "fromMf",
  "fromPop",
  "fromCooc",
  "fromNext",
  "fromText",
  "fromSeq",
] as const;

export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_INDEX = Object.fromEntries(FEATURES.map((f, i) => [f, i])) as Record<
  FeatureName,
  number
>;

/** Per-item numbers the request path needs for items outside the precomputed candidates. */
export interface ItemStats {
  logPop: number;
  recentPop: number;
  age: number;
}

// Request-time dot products run up to 300 × 2 × 512 multiply-adds per /v1/rank call: four independent
// lanes (V8 does not vectorise) and one pass over the item's text vector for both text features.

function dot(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

/** [a·c, b·c] in one pass over c. */
function dotPair(a: Float32Array, b: Float32Array, c: Float32Array): [number, number] {
  const n = Math.min(a.length, b.length, c.length);
  let a0 = 0;
  let a1 = 0;
  let b0 = 0;
  let b1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const c0 = c[i]!;
    const c1 = c[i + 1]!;
    a0 += a[i]! * c0;
    a1 += a[i + 1]! * c1;
    b0 += b[i]! * c0;
    b1 += b[i + 1]! * c1;
  }
  for (; i < n; i++) {
    a0 += a[i]! * c[i]!;
    b0 += b[i]! * c[i]!;
  }
  return [a0 + a1, b0 + b1];
}

/** The user vectors request-time features read (kinds of a version; absent ones count 0). */
export interface UserFeatureVectors {
  mf?: Float32Array;
  textProfile?: Float32Array;
  textLast?: Float32Array;
  seq?: Float32Array;
}

/** The item vectors request-time features read (absent ones count 0). */
export interface ItemFeatureVectors {
  mf?: Float32Array | null;
  text?: Float32Array | null;
  textMf?: Float32Array | null;
  seq?: Float32Array | null;
}

/**
 * Fills one feature row for an item from vectors alone (request time). Vectors are L2-normalised for
 * text, raw for MF and seq; a missing vector contributes 0, as an unknown signal does in training. The
 * MF user vector pairs with both `mf` (bias as its last entry) and `textMf` (last entry 0) item vectors.
 */
export function vectorFeatures(
  row: Float32Array,
  user: UserFeatureVectors,
  item: ItemFeatureVectors,
  stats: ItemStats | undefined,
): void {
  row.fill(0);
  if (user.mf && item.mf) row[FEATURE_INDEX.mf] = dot(user.mf, item.mf);
  if (user.mf && item.textMf) row[FEATURE_INDEX.textMf] = dot(user.mf, item.textMf);
  if (user.seq && item.seq) row[FEATURE_INDEX.seq] = dot(user.seq, item.seq);
  if (item.text && user.textProfile && user.textLast) {
    const [profile, last] = dotPair(user.textProfile, user.textLast, item.text);
    row[FEATURE_INDEX.textProfile] = profile;
    row[FEATURE_INDEX.textLast] = last;
  } else if (item.text) {
    if (user.textProfile) row[FEATURE_INDEX.textProfile] = dot(user.textProfile, item.text);
    if (user.textLast) row[FEATURE_INDEX.textLast] = dot(user.textLast, item.text);
  }
  if (stats) {
    row[FEATURE_INDEX.logPop] = stats.logPop;
    row[FEATURE_INDEX.recentPop] = stats.recentPop;
    row[FEATURE_INDEX.age] = stats.age;
  }
}
