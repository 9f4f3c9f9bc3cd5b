import { userItemsFromRows } from "@tandem/data";
import { describe, expect, it } from "vitest";
import { evaluate, type Recommender } from "../src/index.js";

// A candidate-list model: per user a few hundred items out of 2,000, with ties, -∞, NaN and history
// items among them (what the harness must mask and break ties on exactly as on a dense row).
const numUsers = 60;
const numItems = 2_000;
let state = 12345;
const rnd = () => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 2 ** 32;
};
const rows = Array.from({ length: numUsers * 30 }, (_, p) => ({
  user: p % numUsers,
  item: Math.floor(rnd() * numItems),
  time: p,
  value: 1,
}));
const history = userItemsFromRows(numUsers, numItems, rows.slice(0, numUsers * 25));
const targets = userItemsFromRows(numUsers, numItems, rows.slice(numUsers * 25));
const lists = Array.from({ length: numUsers }, () => {
  const items = new Set<number>();
  while (items.size < 300) items.add(Math.floor(rnd() * numItems));
  const scores = Float32Array.from(items, () => {
    const x = rnd();
    return x < 0.02 ? Number.NaN : x < 0.04 ? Number.NEGATIVE_INFINITY : Math.round(x * 40) / 40;
  });
  return { items: Int32Array.from(items), scores };
});

const dense: Recommender = {
  name: "dense",
  fit: async () => ({ seconds: 0 }),
  scoreBatch(users, out) {
    out.fill(Number.NEGATIVE_INFINITY);
    users.forEach((u, b) => {
      lists[u]!.items.forEach((item, r) => {
        out[b * numItems + item] = lists[u]!.scores[r]!;
      });
    });
  },
};
// Ranked from its lists alone: a dense call would fail the test.
const sparse: Recommender = {
  name: "lists",
  fit: dense.fit,
  scoreCandidates: (u) => lists[u]!,
  scoreBatch: () => {
    throw new Error("dense scoring of a candidate-list model");
  },
};

describe("evaluate on candidate lists", () => {
  for (const maskHistory of [true, false]) {
    it(`ranks exactly as the dense row (maskHistory ${maskHistory})`, () => {
      const options = { ks: [5, 10, 20], maskHistory };
      const a = evaluate(sparse, history, targets, options);
      const b = evaluate(dense, history, targets, options);
      expect(a.metrics).toEqual(b.metrics);
      for (const key of Object.keys(b.perUser)) expect(a.perUser[key]).toEqual(b.perUser[key]);
      expect(a.metrics["recall@20"]).toBeGreaterThan(0);
    });
  }
});
