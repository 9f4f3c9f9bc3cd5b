import type { FeatureStore, StoredEvent, UserRecord } from "@tandem/store";

/**
 * The heavy compute the processors run, behind small interfaces: the recall and semantic packages
 * provide the production implementations; this package ships cheap real ones for tests and benchmarks.
 */

/** Turns item texts into vectors (a text encoder). */
export interface Embedder {
  /** Stable id of the encoder and its settings, stored as the version's `encoder` metadata. */
  readonly id: string;
  readonly dims: number;
  /** One vector per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Candidate generation for a batch of users, with one float per named feature column. */
export interface CandidateSource {
  readonly columns: readonly string[];
  /** One record per user it knows (unknown users may be left out); candidates and optionally profiles. */
  candidates(userIds: readonly string[], context: { version: string }): Promise<UserRecord[]>;
}

/** What training a collaborative-filtering model produced for one version. */
export interface TrainedModel {
  /** Vector kind, e.g. "mf". */
  kind: string;
  dims: number;
  itemIds: readonly string[];
  /** `itemIds.length × dims`, row-major. */
  itemVectors: Float32Array;
  userIds?: readonly string[];
  userVectors?: Float32Array;
  /** JSON metadata (hyper-parameters, metrics), stored as the version's `model` metadata. */
  meta: Record<string, unknown>;
  /** Optional popularity list for cold-start answers. */
  popularity?: { items: readonly string[]; scores: Float32Array };
}

export interface Trainer {
  train(context: { version: string }): Promise<TrainedModel>;
}

/** Builds a user's profile from their recent events (run by update-user after new events). */
export interface ProfileBuilder {
  build(userId: string, events: readonly StoredEvent[], store: FeatureStore): Promise<UserRecord | null>;
}
