import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NotFoundError } from "@tandem/core";
import type { Interval, PairedTest } from "@tandem/eval";

/** The parts of a `tandem eval --json` file the README tables are built from. */
export interface EvalFile {
  protocol: { protocol: string; tieOrder: string; itemTags: string; description: string; seeds: number[] };
  dataset: { users: number; items: number };
  summary: {
    resamples: number;
    models: { model: string; ci: Record<string, Interval> }[];
    comparisons: (PairedTest & { a: string; b: string; metric: string })[];
  };
  results: EvalFileResult[];
}

export interface EvalFileResult {
  model: string;
  test: {
    users: number;
    metrics: Record<string, number>;
    userIndexes: number[];
    perUser: Record<string, number[]>;
  };
  validation: { metrics: Record<string, number> };
  fit: FitSummary;
  refit: FitSummary;
}

interface FitSummary {
  tuned?: Record<string, number | string>;
  curve?: { step: number; metric: string; value: number }[];
  details?: Record<string, string>;
  seconds: number;
}

export interface ColdStartFile {
  itemTags: string;
  protocol: string;
  k: number;
  rows: {
    model: string;
    candidates: string;
    recall: number;
    ndcg: number;
    ci: { recall: Interval; ndcg: Interval };
  }[];
}

export function readResult<T>(dir: string, name: string): T {
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) throw new NotFoundError("file", file);
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

export const resultOf = (file: EvalFile, model: string) => file.results.find((r) => r.model === model);
export const ciOf = (file: EvalFile, model: string, metric: string) =>
  file.summary.models.find((m) => m.model === model)?.ci[metric];

/** README row order. */
export const MODEL_ORDER = [
  "pop",
  "itemknn",
  "ease",
  "mf-als",
  "mf-bpr",
  "recall-merged",
  "seq",
  "semantic",
  "tandem",
  "tandem-no-semantic",
  "tandem-no-statistical",
];

/**
 * One protocol's results from its per-model files `<set>--<model>.json` (one `tandem eval --json` each, so
 * they can run in parallel), merged in README order. All files of a set share split, users and protocol.
 */
export function readSet(dir: string, set: string): EvalFile {
  const names = readdirSync(dir)
    .filter((f) => f.startsWith(`${set}--`) && f.endsWith(".json"))
    .map((f) => f.slice(set.length + 2, -5))
    .sort((a, b) => MODEL_ORDER.indexOf(a) - MODEL_ORDER.indexOf(b));
  if (names.length === 0) throw new NotFoundError("file", join(dir, `${set}--<model>.json`));
  const files = names.map((n) => readResult<EvalFile>(dir, `${set}--${n}`));
  const first = files[0]!;
  return {
    ...first,
    summary: {
      ...first.summary,
      models: files.flatMap((f) => f.summary.models),
      comparisons: [],
    },
    results: files.flatMap((f) => f.results),
  };
}
