import { Rng } from "@tandem/core";
import { AliasTable } from "./alias-table.js";
import { ADJECTIVES, THEMES } from "./vocabulary.js";

/** The generator's item model: what the interaction generator draws from, kept for tests and diagnostics. */
export interface SynthCatalogue {
  size: number;
  /** Topic of each item. */
  topicOf: Int32Array;
  /** Zipf weight of each item: (popularity rank + 20)^-1, ranks in a random order of the items. */
  weight: Float64Array;
  /** The next item of the item's series (sequels; -1 at a series end): the sequential structure. */
  successor: Int32Array;
  /** Series position, 1-based (a sequel's title carries it). */
  seriesPosition: Int32Array;
  /** First item of the item's series: sequels share its title. */
  seriesHead: Int32Array;
  /** The two themes of each topic. */
  topicThemes: [number, number][];
  global: AliasTable;
  /** Popularity-weighted draw within one topic. */
  byTopic: AliasTable[];
  /** Items in decreasing weight: the fallback order when draws keep hitting seen items. */
  byPopularity: Int32Array;
}

/** Topics grow with the catalogue (≈ √items / 3, 8–276), each a pair of themes. */
export function topicCount(items: number): number {
  const pairs = (THEMES.length * (THEMES.length - 1)) / 2;
  return Math.max(8, Math.min(pairs, Math.round(Math.sqrt(items) / 3)));
}

function themePairs(count: number, rng: Rng): [number, number][] {
  const all: [number, number][] = [];
  for (let a = 0; a < THEMES.length; a++) for (let b = a + 1; b < THEMES.length; b++) all.push([a, b]);
  rng.shuffle(all);
  // Put every theme first as a primary theme before reusing one, so small catalogues still span all themes.
  const primary = all.filter(([a], i) => all.findIndex(([x]) => x === a) === i);
  const rest = all.filter((p) => !primary.includes(p));
  return [...primary, ...rest].slice(0, count);
}

export function buildCatalogue(items: number, seed: number): SynthCatalogue {
  const rng = new Rng(seed ^ 0x5eed);
  const topics = topicCount(items);
  const topicThemes = themePairs(topics, rng);
  const topicOf = new Int32Array(items);
  for (let i = 0; i < items; i++) topicOf[i] = rng.int(topics);
  const order = rng.shuffle(Array.from({ length: items }, (_, i) => i));
  const weight = new Float64Array(items);
  order.forEach((item, rank) => {
    weight[item] = 1 / (rank + 20);
  });
  const members: number[][] = Array.from({ length: topics }, () => []);
  for (let i = 0; i < items; i++) members[topicOf[i]!]!.push(i);
  const successor = new Int32Array(items).fill(-1);
  const seriesPosition = new Int32Array(items).fill(1);
  const seriesHead = Int32Array.from({ length: items }, (_, i) => i);
  for (const list of members) {
    const shuffled = rng.shuffle([...list]);
    // Series of 1–6 items in a topic: item k's successor is the series' next item.
    for (let start = 0; start < shuffled.length; ) {
      const length = 1 + rng.int(6);
      for (let j = start; j < Math.min(shuffled.length, start + length) - 1; j++) {
        successor[shuffled[j]!] = shuffled[j + 1]!;
        seriesPosition[shuffled[j + 1]!] = seriesPosition[shuffled[j]!]! + 1;
        seriesHead[shuffled[j + 1]!] = seriesHead[shuffled[j]!]!;
      }
      start += length;
    }
  }
  const byTopic = members.map(
    (list) =>
      new AliasTable(
        Float64Array.from(list, (i) => weight[i]!),
        Int32Array.from(list),
      ),
  );
  return {
    size: items,
    topicOf,
    weight,
    successor,
    seriesPosition,
    seriesHead,
    topicThemes,
    global: new AliasTable(weight),
    byTopic,
    byPopularity: Int32Array.from(order),
  };
}

const capital = (w: string) => w[0]!.toUpperCase() + w.slice(1);
const ROMAN = ["", "", "II", "III", "IV", "V", "VI"];

/** One item's text fields, deterministic in (seed, item): title, tags and a one-line description. */
export function itemText(cat: SynthCatalogue, item: number, seed: number) {
  const [a, b] = cat.topicThemes[cat.topicOf[item]!]!;
  const main = THEMES[a]!;
  const second = THEMES[b]!;
  // The title comes from the series head, so sequels read like their predecessors.
  const head = new Rng((seed * 31 + cat.seriesHead[item]! * 2_654_435_761) >>> 0);
  const adjective = ADJECTIVES[head.int(ADJECTIVES.length)]!;
  const noun = main[head.int(main.length)]!;
  const position = cat.seriesPosition[item]!;
  const sequel = position > 1 ? ` ${ROMAN[position] ?? position}` : "";
  const title = `The ${capital(adjective)} ${capital(noun)}${sequel}`;
  const rng = new Rng((seed * 37 + item * 2_246_822_519) >>> 0);
  const pick = (words: readonly string[]) => words[rng.int(words.length)]!;
  const tags = [...new Set([pick(main), pick(main), pick(second)])];
  const description = `A ${adjective} story of ${pick(main)} and ${pick(second)}, with ${pick(main)} and ${pick(second)}.`;
  return { title, tags, description };
}
