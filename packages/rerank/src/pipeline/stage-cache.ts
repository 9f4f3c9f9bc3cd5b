import type { UserItems } from "@tandem/data";
import type { CandidateFeatures } from "../candidate-features.js";
import type { StageModels } from "./stage-models.js";

/**
 * 32-bit FNV-1a over the CSR's words (indptr, items, times, values): two histories with the same key
 * hold the same events, so a stage fitted on one serves the other. Word-wise, not byte-wise: ~1 s at 25M.
 */
export function historyKey(h: UserItems): string {
  let x = 0x811c9dc5;
  const mix = (a: Int32Array | Uint32Array) => {
    for (let i = 0; i < a.length; i++) x = Math.imul(x ^ a[i]!, 0x01000193);
  };
  const words = (v: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }) =>
    new Uint32Array(v.buffer, v.byteOffset, v.byteLength >>> 2);
  mix(Int32Array.of(h.numUsers, h.numItems));
  mix(h.indptr);
  mix(h.items);
  mix(words(h.times));
  mix(words(h.values));
  return `${(x >>> 0).toString(16)}:${h.numUsers}x${h.numItems}:${h.items.length}`;
}

/**
 * What consecutive fits of one run share. The protocol's fits form a chain: each phase's final stage
 * (fit on history H with the tuned epochs) is exactly the inner stage of the next phase, whose history
 * is H plus one newer item per user (tune: train → refit: train + validation → nightly train: all).
 * Keeping the latest fixed-epoch stage lets the next phase take it instead of fitting MF, item-item
 * statistics, profiles and the text index again; and the candidates scored on that stage (the held-out
 * users of the evaluation) are the next phase's fusion examples, so they are built once.
 *
 * Only stages fitted for an exact epoch count are shared (an early-stopped fit depends on its
 * validation targets). One cache per model configuration (same disabled features): the memoised
 * candidates are stored as the model saw them.
 */
export class StageCache {
  private latest: { key: string; epochs: number; stage: Promise<StageModels> } | null = null;
  private readonly scored = new WeakMap<StageModels, Map<number, CandidateFeatures>>();
  /** Stages taken from the cache / fitted, and candidate builds saved, for the run's log. */
  readonly counts = { stageHits: 0, stageFits: 0, candidateHits: 0 };

  /** The stage fitted on `history` for exactly `epochs`, fitted by `fit` unless the latest one matches. */
  stage(history: UserItems, epochs: number, fit: () => Promise<StageModels>): Promise<StageModels> {
    const key = historyKey(history);
    if (this.latest && this.latest.key === key && this.latest.epochs === epochs) {
      this.counts.stageHits++;
      return this.latest.stage;
    }
    this.counts.stageFits++;
    const stage = fit();
    this.latest = { key, epochs, stage };
    stage.catch(() => {
      if (this.latest?.stage === stage) this.latest = null;
    });
    return stage;
  }

  /** Remembers a user's candidates built on `stage` (held-out scoring) for a later fusion pass. */
  remember(stage: StageModels, user: number, features: CandidateFeatures): void {
    let byUser = this.scored.get(stage);
    if (!byUser) {
      byUser = new Map();
      this.scored.set(stage, byUser);
    }
    byUser.set(user, features);
  }

  /** A remembered build of `user` on `stage`, removed as it is taken (each is used once). */
  take(stage: StageModels, user: number): CandidateFeatures | undefined {
    const byUser = this.scored.get(stage);
    const features = byUser?.get(user);
    if (features) {
      byUser!.delete(user);
      this.counts.candidateHits++;
    }
    return features;
  }

  /** Drops what is remembered for `stage` (its fusion pass is over). */
  forget(stage: StageModels): void {
    this.scored.delete(stage);
  }
}
