import type { Rng } from "@tandem/core";
import type { SynthCatalogue } from "./catalogue.js";

/** How a user's next item is chosen; the defaults give first-order and session structure at ML-like levels. */
export interface SequenceOptions {
  /** Take the previous item's sequel when unseen. Default 0.3. */
  pSequel: number;
  /** Stay in the previous item's topic (session coherence). Default 0.3. */
  pSameTopic: number;
  /** Draw from one of the user's favourite topics. Default 0.25; the rest is global popularity. */
  pTaste: number;
  /** Mean items per session. Default 8. */
  sessionLength: number;
  /** Mean gap between sessions, seconds. Default 4 days. */
  sessionGapSeconds: number;
}

export const DEFAULT_SEQUENCE: SequenceOptions = {
  pSequel: 0.3,
  pSameTopic: 0.3,
  pTaste: 0.25,
  sessionLength: 8,
  sessionGapSeconds: 4 * 86_400,
};

/** One user's history in time order, written into the caller's reusable buffers. */
export interface UserRows {
  items: Int32Array;
  timestamps: Float64Array;
  values: Uint8Array;
}

/**
 * Scratch space shared across users: `seen` marks the current user's items and is cleared through the
 * list of what was drawn, so a user costs O(their items), not O(catalogue).
 */
export class SequenceGenerator {
  private readonly seen: Uint8Array;

  constructor(
    private readonly cat: SynthCatalogue,
    private readonly options: SequenceOptions = DEFAULT_SEQUENCE,
  ) {
    this.seen = new Uint8Array(cat.size);
  }

  generate(count: number, start: number, rng: Rng, out: UserRows): void {
    const { cat, options } = this;
    const topics = cat.byTopic.length;
    const tastes = [rng.int(topics), rng.int(topics), rng.int(topics)];
    let fallback = 0;
    let prev = -1;
    let time = start;
    for (let j = 0; j < count; j++) {
      let item = -1;
      for (let attempt = 0; attempt < 32 && item < 0; attempt++) {
        const r = rng.next();
        let candidate: number;
        if (prev >= 0 && r < options.pSequel && cat.successor[prev]! >= 0) candidate = cat.successor[prev]!;
        else if (prev >= 0 && r < options.pSequel + options.pSameTopic)
          candidate = cat.byTopic[cat.topicOf[prev]!]!.draw(rng);
        else if (r < options.pSequel + options.pSameTopic + options.pTaste)
          candidate = cat.byTopic[tastes[rng.int(3)]!]!.draw(rng);
        else candidate = cat.global.draw(rng);
        if (this.seen[candidate] === 0) item = candidate;
      }
      // Heavy users exhaust the popular head: walk down the popularity order instead of redrawing.
      while (item < 0) {
        const candidate = cat.byPopularity[fallback++]!;
        if (this.seen[candidate] === 0) item = candidate;
      }
      this.seen[item] = 1;
      out.items[j] = item;
      const newSession = j > 0 && rng.next() < 1 / options.sessionLength;
      time += newSession ? 600 - options.sessionGapSeconds * Math.log(1 - rng.next()) : 30 + rng.int(600);
      out.timestamps[j] = Math.floor(time);
      const liked = tastes.includes(cat.topicOf[item]!) ? 0.8 : 0;
      out.values[j] = Math.max(1, Math.min(5, Math.round(3.4 + liked + rng.normal())));
      prev = item;
    }
    for (let j = 0; j < count; j++) this.seen[out.items[j]!] = 0;
  }
}
