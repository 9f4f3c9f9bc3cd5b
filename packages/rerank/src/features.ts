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

const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/**
 * Fills one feature row for an item from vectors alone (request time). Vectors are L2-normalised for
 * text, raw for MF; a missing vector contributes 0, as an unknown signal does in training.
 */
export function vectorFeatures(
  row: Float32Array,
  user: { mf?: Float32Array; textProfile?: Float32Array; textLast?: Float32Array },
  item: { mf?: Float32Array | null; text?: Float32Array | null },
  stats: ItemStats | undefined,
): void {
  row.fill(0);
  if (user.mf && item.mf) row[FEATURE_INDEX.mf] = dot(user.mf, item.mf);
  if (user.textProfile && item.text) row[FEATURE_INDEX.textProfile] = dot(user.textProfile, item.text);
  if (user.textLast && item.text) row[FEATURE_INDEX.textLast] = dot(user.textLast, item.text);
  if (stats) {
    row[FEATURE_INDEX.logPop] = stats.logPop;
    row[FEATURE_INDEX.recentPop] = stats.recentPop;
    row[FEATURE_INDEX.age] = stats.age;
  }
}

/** Metadata a published version carries, by name: written by the nightly job, read by serving and the gate. */
export const VERSION_METADATA = { fusion: "fusion", itemTags: "itemTags", evaluation: "evaluation" } as const;
