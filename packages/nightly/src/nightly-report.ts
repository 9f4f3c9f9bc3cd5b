import { writeFileSync } from "node:fs";
import type { Dataset } from "@tandem/data";
import { nnz } from "@tandem/data";
import { barChart, htmlReport, lineChart, type ReportSection } from "@tandem/report";
import type { StageModels } from "@tandem/rerank";
import type { GateDecision } from "./quality-gate.js";
import type { NightlyEvaluation } from "./run-nightly.js";
import type { RunState } from "./run-state.js";

export interface ReportInput {
  run: RunState;
  dataset: Dataset;
  evaluation: NightlyEvaluation;
  gate: GateDecision;
  published: boolean;
  /** Absent when the model was trained by the queued flow on the workers. */
  stage?: StageModels;
}

/** The run report: metrics by model, training curves, popularity bias, timings. One HTML file. */
export function writeNightlyReport(path: string, input: ReportInput): void {
  const { run, dataset, evaluation, gate, published } = input;
  const ks = evaluation.results[0]?.test.ks ?? [10, 20];
  const k = ks[0]!;
  const metricsTable = {
    caption: `Held-out test metrics (${evaluation.results[0]?.test.users ?? 0} users). Protocol: ${evaluation.protocol}.`,
    headers: [
      "Model",
      ...ks.flatMap((x) => [`Recall@${x}`, `NDCG@${x}`]),
      `Coverage@${k}`,
      `AvgPop@${k}`,
      "Fit s",
    ],
    rows: evaluation.results.map((r) => [
      r.model,
      ...ks.flatMap((x) => [r.test.metrics[`recall@${x}`]!, r.test.metrics[`ndcg@${x}`]!]),
      r.test.metrics[`coverage@${k}`]!,
      r.test.metrics[`avgpop@${k}`]!,
      r.fit.seconds + r.refit.seconds,
    ]),
  };
  const curves = evaluation.results.flatMap((r) => {
    const points = (r.fit.curve ?? []).filter((p) => /ndcg@10$/.test(p.metric));
    return points.length > 1
      ? [{ name: r.model, points: points.map((p) => ({ x: p.step, y: p.value })) }]
      : [];
  });
  const timings = run.timings();
  const sections: ReportSection[] = [
    {
      title: "Summary",
      paragraphs: [
        `Dataset ${dataset.name}: ${dataset.users.size} users, ${dataset.items.size} items, ${nnz(dataset.interactions)} interactions.`,
        `Quality gate on ${gate.metric}: ${gate.reason}. ${published ? `Version ${run.version} is live.` : "Nothing was published."}`,
        input.stage
          ? `MF trained ${input.stage.mfEpochs} epochs (chosen on the held-out latest item of each user).`
          : "Trained, embedded and precomputed by the worker processes (BullMQ flow).",
      ],
    },
    { title: "Metrics by model", tables: [metricsTable] },
    {
      title: "Training curves",
      paragraphs: ["Validation NDCG@10 per epoch (MF) or per setting (ItemKNN neighbours) while tuning."],
      figures: curves.map((c) => ({
        caption: `${c.name}: validation NDCG@10 while tuning`,
        svg: lineChart([c], {
          title: `${c.name}: validation NDCG@10`,
          xLabel: c.name === "itemknn" ? "neighbours" : "epoch",
          yLabel: "NDCG@10",
          height: 240,
        }),
      })),
    },
    {
      title: "Popularity bias",
      paragraphs: [
        `Mean number of interactions of the items each model recommends in its top ${k}, against the items users actually consumed next (${evaluation.consumedPopularity.toFixed(1)}). Closer to the consumed level means less popularity bias.`,
      ],
      figures: [
        {
          caption: `Average popularity of recommended (top ${k}) vs consumed items`,
          svg: barChart(
            ["consumed", ...evaluation.results.map((r) => r.model)],
            [
              {
                name: "mean interactions",
                values: [
                  evaluation.consumedPopularity,
                  ...evaluation.results.map((r) => r.test.metrics[`avgpop@${k}`]!),
                ],
              },
            ],
            { title: "Popularity of recommendations", xLabel: "", yLabel: "mean interactions per item" },
          ),
        },
      ],
    },
    {
      title: "Timings",
      tables: [{ headers: ["Step", "Seconds"], rows: timings.map((t) => [t.step, t.seconds]) }],
      figures: [
        {
          caption: "Seconds per step",
          svg: barChart(
            timings.map((t) => t.step),
            [{ name: "seconds", values: timings.map((t) => t.seconds) }],
            {
              title: "Time per step",
              xLabel: "",
              yLabel: "seconds",
            },
          ),
        },
      ],
    },
  ];
  writeFileSync(
    path,
    htmlReport(`Tandem run ${run.runId}`, `version ${run.version} · ${new Date().toISOString()}`, sections),
  );
}
