import { markdownTable, NotFoundError } from "@tandem/core";
import { tuningLine } from "../commands/eval.js";
import { pValue, withCi } from "../eval-summary.js";
import { pairedResults as paired, signedDifference as signed } from "./paired-results.js";
import {
  type ColdStartFile,
  ciOf,
  type EvalFile,
  type EvalFileResult,
  readResult,
  readSet,
  resultOf,
} from "./result-files.js";

const TIE_SETS = [
  ["item-id (default)", "loo"],
  ["random:1", "loo-ties-random-1"],
] as const;

/** The paired comparisons the README reports (those whose two models were both evaluated). */
const PAIRS: [string, string][] = [
  ["tandem", "mf-als"],
  ["tandem", "itemknn"],
  ["tandem", "ease"],
  ["tandem", "recall-merged"],
  ["tandem", "tandem-no-semantic"],
  ["ease", "itemknn"],
  ["seq", "mf-als"],
  ["seq", "ease"],
];

/** A README label that says what the test model used (the refit's settings) and, for ablations, what it zeroes. */
export function modelLabel(r: EvalFileResult): string {
  const t = r.refit.tuned ?? {};
  const zeroed = r.fit.details?.["zeroed"];
  const labels: Record<string, string> = {
    pop: "Popularity",
    itemknn: `ItemKNN (cosine; ${t["neighbors"]} neighbours)`,
    ease: `EASE (λ = ${t["lambda"]})`,
    "mf-als": `MF: ALS (${mfSettings(t, ["factors", "reg", "alpha"])}${t["epochs"]} epochs)`,
    "mf-bpr": `MF: BPR (${mfSettings(t, ["factors", "lr", "reg"])}${t["epochs"]} epochs)`,
    "recall-merged": "Recall candidates in merge order",
    seq: `Sequential: SASRec (${t["epochs"]} epochs)`,
    semantic: `Semantic (USE-lite profile; half-life ${t["halfLifeDays"]} d)`,
    tandem: `**Tandem** (MF ${t["epochs"]} epochs)`,
    "tandem-no-semantic": `Tandem without semantic features (zeroes ${zeroed})`,
    "tandem-no-statistical": `Tandem without statistical features (zeroes ${zeroed})`,
  };
  return labels[r.model] ?? r.model;
}

/** "64 factors, reg 4, alpha 0.5; " from a searched model's refit settings (older JSON has none). */
const mfSettings = (t: Record<string, number | string>, names: readonly string[]) => {
  const known = names.filter((n) => t[n] !== undefined);
  if (known.length === 0) return "";
  return `${known.map((n) => (n === "factors" ? `${t[n]} factors` : `${n} ${t[n]}`)).join(", ")}; `;
};

const metricsOf = (ks: readonly number[]) => ks.flatMap((k) => [`recall@${k}`, `ndcg@${k}`]);
const title = (m: string) => m.replace("recall", "Recall").replace("ndcg", "NDCG");

function mainTable(file: EvalFile): string {
  const last = 20;
  return markdownTable(
    [
      "Model",
      ...metricsOf([10, 20]).map((m) => `${title(m)} [95% CI]`),
      `Coverage@${last}`,
      `AvgPop@${last}`,
    ],
    file.results.map((r) => [
      modelLabel(r),
      ...metricsOf([10, 20]).map((m) => withCi(ciOf(file, r.model, m))),
      r.test.metrics[`coverage@${last}`]!,
      r.test.metrics[`avgpop@${last}`]!,
    ]),
  );
}

function pairedTable(file: EvalFile): string {
  const rows = PAIRS.flatMap(([a, b]) => {
    const ra = resultOf(file, a);
    const rb = resultOf(file, b);
    if (!ra || !rb) return [];
    return metricsOf([10]).map((metric) => {
      const t = paired(ra, rb, metric);
      return [a, b, title(metric), signed(t), pValue(t.p)];
    });
  });
  return markdownTable(["a", "b", "Metric", "a − b [95% CI]", "p"], rows);
}

function results(dir: string): string {
  const loo = readSet(dir, "loo");
  return [
    `Test users: ${loo.results[0]!.test.users}. 95% percentile bootstrap CIs over users (${loo.summary.resamples} resamples).`,
    "",
    mainTable(loo),
    "",
    "Paired tests on the same users (paired bootstrap CI of the difference; two-sided sign-flip randomisation p):",
    "",
    pairedTable(loo),
    "",
    "Tuning (searched on validation → chosen → used by the test model):",
    "",
    ...loo.results.map(tuningLine),
  ].join("\n");
}

function temporal(dir: string): string {
  const loo = readSet(dir, "loo");
  const tmp = readSet(dir, "temporal");
  return [
    `Temporal test users: ${tmp.results[0]!.test.users}; ${tmp.protocol.description}`,
    "",
    markdownTable(
      ["Model", "LOO Recall@10", "LOO NDCG@10", "Temporal Recall@10 [95% CI]", "Temporal NDCG@10 [95% CI]"],
      tmp.results.map((r) => [
        modelLabel(r),
        resultOf(loo, r.model)?.test.metrics["recall@10"] ?? Number.NaN,
        resultOf(loo, r.model)?.test.metrics["ndcg@10"] ?? Number.NaN,
        withCi(ciOf(tmp, r.model, "recall@10")),
        withCi(ciOf(tmp, r.model, "ndcg@10")),
      ]),
    ),
    "",
    "Temporal paired tests:",
    "",
    pairedTable(tmp),
  ].join("\n");
}

function ties(dir: string): string {
  const files = TIE_SETS.map(([label, name]) => [label, readSet(dir, name)] as const);
  const models = files
    .at(-1)![1]
    .results.map((r) => r.model)
    .filter((m) => files.every(([, f]) => resultOf(f, m)));
  const rows = models.flatMap((model) =>
    metricsOf([10, 20]).map((metric) => {
      const values = files.map(([, f]) => resultOf(f, model)!.test.metrics[metric]!);
      return [model, title(metric), ...values, Math.max(...values) - Math.min(...values)];
    }),
  );
  return markdownTable(["Model", "Metric", ...files.map(([label]) => label), "max − min"], rows);
}

function tags(dir: string): string {
  const clean = readSet(dir, "loo");
  const leaky = readSet(dir, "loo-tags-all");
  const rows = leaky.results.flatMap((l) => {
    const c = resultOf(clean, l.model);
    if (!c) return [];
    return metricsOf([10]).map((metric) => {
      const t = paired(l, c, metric);
      return [
        l.model,
        title(metric),
        c.test.metrics[metric]!,
        l.test.metrics[metric]!,
        signed(t),
        pValue(t.p),
      ];
    });
  });
  return markdownTable(
    ["Model", "Metric", "Tags before the cut", "All tags (leaky)", "Leak effect [95% CI]", "p"],
    rows,
  );
}

function leakyRecall(leaky: ColdStartFile, r: ColdStartFile["rows"][number]): string {
  const match = leaky.rows.find((l) => l.model === r.model && l.candidates === r.candidates);
  return match ? withCi(match.ci.recall) : "—";
}

function coldstart(dir: string): string {
  const clean = readResult<ColdStartFile>(dir, "coldstart");
  let leaky: ColdStartFile | null = null;
  try {
    leaky = readResult<ColdStartFile>(dir, "coldstart-tags-all");
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  const k = clean.k;
  return [
    `Protocol: ${clean.protocol} Item text: no user tags${leaky ? "; last column: all tags (leaky)" : ""}.`,
    "",
    markdownTable(
      [
        "model",
        "ranked among",
        `Recall@${k} [95% CI]`,
        `NDCG@${k} [95% CI]`,
        ...(leaky ? [`Recall@${k}, all tags (leaky)`] : []),
      ],
      clean.rows.map((r) => [
        r.model.startsWith("mf") ? `CF: ${r.model} (never saw the items)` : r.model,
        r.candidates,
        withCi(r.ci.recall),
        withCi(r.ci.ndcg),
        // Rows match by (model, candidates): a model the leaky run did not have gets a dash.
        ...(leaky ? [leakyRecall(leaky, r)] : []),
      ]),
    ),
  ].join("\n");
}

/** Every generated README section by marker name, built only from the committed JSON in `dir`. */
export function readmeSections(dir: string): Record<string, string> {
  const builders = { results, temporal, ties, tags, coldstart };
  return Object.fromEntries(
    Object.entries(builders).map(([name, build]) => {
      try {
        return [name, build(dir)];
      } catch (error) {
        // An evaluation not run yet is said so in the README, never filled in by hand.
        if (!(error instanceof NotFoundError)) throw error;
        return [
          name,
          `_Not generated yet (${error.id} missing): run docs/results/regenerate.sh, then tandem results._`,
        ];
      }
    }),
  );
}

/** Replaces the text between `<!-- results:NAME -->` and `<!-- /results:NAME -->` with each section. */
export function applySections(readme: string, sections: Record<string, string>): string {
  let out = readme;
  for (const [name, body] of Object.entries(sections)) {
    const open = `<!-- results:${name} -->`;
    const close = `<!-- /results:${name} -->`;
    const a = out.indexOf(open);
    const b = out.indexOf(close);
    if (a < 0 || b < a) continue;
    out = `${out.slice(0, a + open.length)}\n${body}\n${out.slice(b)}`;
  }
  return out;
}
