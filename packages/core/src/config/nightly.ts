import { z } from "zod";

/** The nightly job. Owned by @tandem/nightly. */
export const nightlyConfigSchema = z
  .object({
    runsDir: z
      .string()
      .default("runs")
      .describe("Where each run keeps its checkpoints, artifacts and report."),
    gateMetric: z
      .enum(["ndcg@10", "recall@10", "ndcg@20", "recall@20"])
      .default("ndcg@10")
      .describe("Held-out test metric the quality gate compares with the live version's."),
    regressionTolerance: z
      .number()
      .min(0)
      .max(1)
      .default(0.02)
      .describe("Publish only if the new metric >= live × (1 − tolerance)."),
    keepCandidates: z
      .number()
      .int()
      .positive()
      .default(200)
      .describe("Candidates stored per user, best first."),
    precomputeBatch: z
      .number()
      .int()
      .positive()
      .default(200)
      .describe("Users per store write (and per declared part) when the in-process nightly precomputes."),
    precomputeActiveDays: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Precompute only users active in the last D days of the version's data (last event within D days of its newest event, not of today: replays stay deterministic); other known users get a small record and are answered from popularity (mode `fallback`) while an update-user job personalises them. 0 = precompute everyone.",
      ),
    precomputeThreads: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Worker threads building the users' candidate lists in the in-process nightly (0 = one per core; 1 = on the calling thread). Same records at any count.",
      ),
    similarItems: z
      .number()
      .int()
      .min(0)
      .default(50)
      .describe(
        "Most-similar items (by text) stored per item at publish, what /similar serves; 0 = none (serving scans the text vectors). Requests for more than this many scan.",
      ),
    evalUsers: z
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe(
        "Held-out users scored by the nightly's evaluation and gate (a seeded sample; 0 = all). Every user still trains; the interval width says what the sample costs.",
      ),
    compare: z
      .array(z.string())
      .default([])
      .describe(
        "Baseline models evaluated alongside Tandem for the report (e.g. pop,itemknn,mf-als,semantic).",
      ),
  })
  .prefault({});
