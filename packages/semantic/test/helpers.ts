import type { TextEncoder } from "../src/index.js";
import { l2Normalize } from "../src/index.js";

/** Deterministic bag-of-words hashing encoder: texts sharing words get similar vectors. */
export class BagOfWordsEncoder implements TextEncoder {
  readonly id: string;
  calls = 0;
  texts = 0;
  constructor(
    readonly dim = 64,
    id = "bow-64",
  ) {
    this.id = id;
  }
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls++;
    this.texts += texts.length;
    return texts.map((text) => {
      const v = new Float32Array(this.dim);
      for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
        let h = 2166136261;
        for (const ch of word) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
        v[(h >>> 0) % this.dim]! += 1;
      }
      return l2Normalize(v);
    });
  }
}

/** Wraps an encoder and counts what reaches it. */
export class CountingEncoder implements TextEncoder {
  calls = 0;
  texts = 0;
  constructor(private readonly inner: TextEncoder) {}
  get id() {
    return this.inner.id;
  }
  get dim() {
    return this.inner.dim;
  }
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls++;
    this.texts += texts.length;
    return this.inner.embed(texts);
  }
}

export const cosine = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

export const maxAbsDiff = (a: Float32Array, b: Float32Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

import { IdMap, type Item } from "@tandem/core";
import { type Dataset, type UserItemRow, userItemsFromRows } from "@tandem/data";

const SPACE = ["galaxy", "rebels", "starship", "empire", "alien", "orbit", "planet", "robot"];
const LOVE = ["wedding", "paris", "romance", "kiss", "letters", "heart", "summer", "dance"];

/**
 * 40 items (0-19 space opera, 20-39 romance, titles drawn from each theme's words) and 30 users who each
 * watch 10 items of one theme, one per day: content alone separates the two tastes.
 */
export function syntheticDataset(): Dataset {
  const words = (theme: string[], i: number) =>
    [0, 1, 2].map((j) => theme[(i * 3 + j * 5) % theme.length]).join(" ");
  const itemInfo: Item[] = Array.from({ length: 40 }, (_, i) => ({
    id: String(i),
    title: i < 20 ? `The ${words(SPACE, i)} saga ${i}` : `A ${words(LOVE, i)} story ${i}`,
    tags: i < 20 ? ["Sci-Fi"] : ["Romance"],
  }));
  const rows: UserItemRow[] = [];
  for (let u = 0; u < 30; u++) {
    const offset = u % 2 === 0 ? 0 : 20;
    for (let j = 0; j < 10; j++) {
      rows.push({
        user: u,
        item: offset + ((u * 7 + j * 3) % 20),
        time: 1_600_000_000 + j * 86_400,
        value: 1,
      });
    }
  }
  const seen = new Set<string>();
  const unique = rows.filter((r) => {
    const key = `${r.user}:${r.item}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const items = new IdMap(
    "item",
    itemInfo.map((i) => i.id),
  );
  return {
    name: "synthetic",
    format: "generic",
    users: new IdMap(
      "user",
      Array.from({ length: 30 }, (_, u) => `u${u}`),
    ),
    items,
    itemInfo,
    catalogue: new Map(itemInfo.map((i) => [i.id, i])),
    interactions: userItemsFromRows(30, 40, unique),
    steps: [],
    skipped: { total: 0, byReason: {}, examples: [] },
  };
}

/** Theme of item index i in the synthetic dataset. */
export const isSpace = (i: number) => i < 20;
