import {
  alignUsers,
  asVector,
  bootstrapMeans,
  type Interval,
  type PairedTest,
  type ProtocolResult,
  pairedTest,
} from "@tandem/eval";

/** One model's test metrics with bootstrap CIs, and (with several seeds) the spread over refits. */
export interface ModelSummary {
  model: string;
  ci: Record<string, Interval>;
  /** Per seed: the test metric means; mean and sd over them. Absent with one seed. */
  seeds?: { seeds: number[]; mean: Record<string, number>; sd: Record<string, number> };
}

export interface Comparison extends PairedTest {
  a: string;
  b: string;
  metric: string;
}

export interface EvalSummary {
  resamples: number;
  seed: number;
  models: ModelSummary[];
  comparisons: Comparison[];
}

/** Metrics that get intervals and paired tests: every averaged one. */
const headline = (ks: readonly number[]) => ks.flatMap((k) => [`recall@${k}`, `ndcg@${k}`]);

/** CIs for every model (first seed), seed spread when there are several, and the asked-for paired tests. */
export function summarise(
  runs: readonly (readonly ProtocolResult[])[],
  seeds: readonly number[],
  compare: readonly [string, string][],
  options: { resamples: number; seed: number; ks: readonly number[] },
): EvalSummary {
  const first = runs[0]!;
  const models = first.map((r, m): ModelSummary => {
    // asVector: results resumed from a nightly run's JSON carry plain objects, not typed arrays.
    const vectors = Object.fromEntries(Object.entries(r.test.perUser).map(([k, v]) => [k, asVector(v)]));
    const ci = bootstrapMeans(vectors, { resamples: options.resamples, seed: options.seed });
    if (runs.length < 2) return { model: r.model, ci };
    const mean: Record<string, number> = {};
    const sd: Record<string, number> = {};
    for (const key of Object.keys(r.test.metrics)) {
      const values = runs.map((run) => run[m]!.test.metrics[key]!);
      const mu = values.reduce((a, b) => a + b, 0) / values.length;
      mean[key] = mu;
      sd[key] = Math.sqrt(values.reduce((a, b) => a + (b - mu) ** 2, 0) / (values.length - 1));
    }
    return { model: r.model, ci, seeds: { seeds: [...seeds], mean, sd } };
  });
  const comparisons = compare.flatMap(([a, b]) => {
    const ra = first.find((r) => r.model === a)!;
    const rb = first.find((r) => r.model === b)!;
    return headline(options.ks).map((metric): Comparison => {
      const [va, vb] = alignUsers(
        Int32Array.from(asVector(ra.test.userIndexes)),
        asVector(ra.test.perUser[metric]!),
        Int32Array.from(asVector(rb.test.userIndexes)),
        asVector(rb.test.perUser[metric]!),
      );
      return { a, b, metric, ...pairedTest(va, vb, { resamples: options.resamples, seed: options.seed }) };
    });
  });
  return { resamples: options.resamples, seed: options.seed, models, comparisons };
}

/** "0.1344 [0.1101, 0.1590]": a mean and its 95% interval. */
export const withCi = (i: Interval | undefined) =>
  i ? `${i.mean.toFixed(4)} [${i.lo.toFixed(4)}, ${i.hi.toFixed(4)}]` : "";

export const pValue = (p: number) => (p < 0.001 ? "<0.001" : p.toFixed(3));

/** ProtocolResult with typed arrays as plain (rounded) arrays, for JSON. */
export function resultForJson(r: ProtocolResult, perUser: boolean) {
  const ev = (e: ProtocolResult["test"], withVectors: boolean) => ({
    users: e.users,
    ks: e.ks,
    metrics: e.metrics,
    ...(withVectors && {
      userIndexes: Array.from(e.userIndexes),
      perUser: Object.fromEntries(
        Object.entries(e.perUser).map(([k, v]) => [k, Array.from(v, (x) => Math.round(x * 1e6) / 1e6)]),
      ),
    }),
  });
  return {
    model: r.model,
    protocol: r.protocol,
    validation: ev(r.validation, false),
    test: ev(r.test, perUser),
    fit: r.fit,
    refit: r.refit,
    ...(r.scoring && { scoring: r.scoring }),
    ...(r.testOtherSeen && {
      testOtherSeen: { seenItems: r.testOtherSeen.seenItems, test: ev(r.testOtherSeen.result, false) },
    }),
  };
}
