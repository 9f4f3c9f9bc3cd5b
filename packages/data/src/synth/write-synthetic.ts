import { once } from "node:events";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Progress, Rng } from "@tandem/core";
import { buildCatalogue, itemText } from "./catalogue.js";
import type { SynthShape } from "./shapes.js";
import { userActivity } from "./user-activity.js";
import { DEFAULT_SEQUENCE, SequenceGenerator, type SequenceOptions } from "./user-sequence.js";

export interface SynthOptions {
  shape: SynthShape;
  /** Output directory: interactions.csv, items.csv and synth.json in Tandem's generic format. */
  out: string;
  seed: number;
  sequence?: SequenceOptions;
  progress?: boolean;
}

export interface SynthSummary {
  shape: SynthShape;
  seed: number;
  interactions: number;
  minPerUser: number;
  medianPerUser: number;
  maxPerUser: number;
  firstTimestamp: number;
  lastTimestamp: number;
  seconds: number;
}

/** Start of the synthetic log (2015-01-01): users start uniformly over the following three years. */
const EPOCH = 1_420_070_400;
const START_SPAN = 3 * 365 * 86_400;

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

async function writeChunked(
  path: string,
  header: string,
  rows: (emit: (s: string) => Promise<void>) => Promise<void>,
) {
  const stream = createWriteStream(path, { highWaterMark: 1 << 20 });
  let buffer = header;
  const emit = async (s: string) => {
    buffer += s;
    if (buffer.length < 1 << 20) return;
    if (!stream.write(buffer)) await once(stream, "drain");
    buffer = "";
  };
  await rows(emit);
  stream.end(buffer);
  await once(stream, "finish");
}

/**
 * Writes a synthetic dataset that has what real logs have (docs/data-formats.md, "Synthetic data"): lognormal
 * activity, Zipf popularity, sessions, sequels (first-order structure) and topic-coherent text. Streams
 * rows per user, so memory stays O(items + one user's history) at any size.
 */
export async function writeSynthetic(options: SynthOptions): Promise<SynthSummary> {
  const started = Date.now();
  const { shape, out, seed } = options;
  mkdirSync(out, { recursive: true });
  const rng = new Rng(seed);
  const cat = buildCatalogue(shape.items, seed);
  const counts = userActivity(shape, rng);
  const maxCount = counts.reduce((a, b) => Math.max(a, b), 0);
  const rows = {
    items: new Int32Array(maxCount),
    timestamps: new Float64Array(maxCount),
    values: new Uint8Array(maxCount),
  };
  const generator = new SequenceGenerator(cat, options.sequence ?? DEFAULT_SEQUENCE);
  const progress = new Progress("synth: users", shape.users, { enabled: options.progress ?? false });
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  await writeChunked(join(out, "interactions.csv"), "user,item,value,timestamp\n", async (emit) => {
    for (let u = 0; u < shape.users; u++) {
      const n = counts[u]!;
      generator.generate(n, EPOCH + rng.int(START_SPAN), rng, rows);
      let text = "";
      for (let j = 0; j < n; j++)
        text += `${u + 1},${rows.items[j]! + 1},${rows.values[j]},${rows.timestamps[j]}\n`;
      first = Math.min(first, rows.timestamps[0]!);
      last = Math.max(last, rows.timestamps[n - 1]!);
      await emit(text);
      progress.tick();
    }
  });
  await writeChunked(join(out, "items.csv"), "id,title,tags,description\n", async (emit) => {
    for (let i = 0; i < shape.items; i++) {
      const t = itemText(cat, i, seed);
      await emit(`${i + 1},${csvField(t.title)},${csvField(t.tags.join("|"))},${csvField(t.description)}\n`);
    }
  });
  const sorted = Int32Array.from(counts).sort();
  const summary: SynthSummary = {
    shape,
    seed,
    interactions: counts.reduce((a, b) => a + b, 0),
    minPerUser: sorted[0]!,
    medianPerUser: sorted[Math.floor(sorted.length / 2)]!,
    maxPerUser: sorted[sorted.length - 1]!,
    firstTimestamp: first,
    lastTimestamp: last,
    seconds: (Date.now() - started) / 1000,
  };
  writeFileSync(
    join(out, "synth.json"),
    `${JSON.stringify({ generator: "tandem synth 1", ...summary }, null, 2)}\n`,
  );
  return summary;
}
