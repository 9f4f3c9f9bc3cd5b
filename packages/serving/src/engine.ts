/** What the HTTP layer asks of the ranking core. The routes validate; the engine decides. */
export interface ItemFilter {
  /** Keep items with at least one of these tags. */
  anyTags?: string[];
  /** Drop items with any of these tags. */
  noTags?: string[];
}

export interface RecommendRequest {
  userId: string;
  k: number;
  /** Item ids never to return (e.g. already in the caller's basket). */
  exclude?: string[];
  filter?: ItemFilter;
  /** MMR trade-off in [0, 1]: 0 (default) ranks by relevance only; higher values diversify by text similarity. */
  diversity?: number;
  /** In [0, 1]: 0 (default) leaves scores alone; higher values demote popular items. */
  popularityPenalty?: number;
  /** Add each item's per-signal explanation (default false: the response stays small). They reveal the user's recent items: the API allows them to admin keys only. */
  explain?: boolean;
}

export interface ScoredItem {
  itemId: string;
  score: number;
  /** Each signal's contribution to the score; only when the request asked (`explain: true`). */
  explanation?: Record<string, number>;
  /** Which recall sources proposed the item. */
  sources: string[];
}

export interface RecommendResponse {
  userId: string;
  version: string;
  /**
   * "precomputed" candidates, "fresh" (folded-in from new events), "cold-start" (unknown user), or
   * "fallback": a known user the nightly did not precompute (nightly.precomputeActiveDays) gets the
   * cold-start answer while an update-user job personalises them.
   */
  mode: "precomputed" | "fresh" | "cold-start" | "fallback";
  items: ScoredItem[];
}

export interface RankRequest {
  userId: string;
  itemIds: string[];
  k?: number;
  /** Add each item's per-signal explanation (default false). They reveal the user's recent items: the API allows them to admin keys only. */
  explain?: boolean;
}

export interface RankResponse {
  userId: string;
  version: string;
  items: ScoredItem[];
  /** Ids the catalogue does not know: reported, not fatal. */
  unknownItems: string[];
}

export interface EventInput {
  userId: string;
  itemId: string;
  value?: number;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  kind?: string;
  /** Client id of the event: a retry with the same (userId, eventId) is stored once. */
  eventId?: string;
}

export interface IngestResult {
  /** Events stored by this call. */
  accepted: number;
  /** Events an earlier call had already stored (same userId and eventId): not stored again. */
  duplicates: number;
  /** Item ids the live catalogue does not know (stored all the same: a later catalogue may). */
  unknownItems: string[];
}

export interface RankingEngine {
  recommend(request: RecommendRequest): Promise<RecommendResponse>;
  rank(request: RankRequest): Promise<RankResponse>;
  similar(itemId: string, k: number): Promise<{ itemId: string; version: string; items: ScoredItem[] }>;
  /** ErasedUserError (nothing stored) when an event names an erased user. */
  ingest(events: EventInput[]): Promise<IngestResult>;
  eraseUser(userId: string): Promise<{ erased: boolean }>;
  /** Throws UnavailableError when the store cannot serve. */
  ready(): Promise<{ version: string }>;
}
