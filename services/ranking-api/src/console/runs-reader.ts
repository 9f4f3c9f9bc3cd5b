import type { MetricCi, RunView } from "@tandem/api-contract";
import type { TandemConfig } from "@tandem/core";
import { asVector, bootstrapMeans } from "@tandem/eval";
import { listRuns, type RunOnDisk, readRunEvaluation } from "@tandem/nightly";

type Evaluation = RunView["evaluation"];

/**
 * The nightly runs as the console shows them, newest first: steps, the running step with counts and ETA,
 * the gate's decision, and the test table with the intervals `tandem eval` prints (percentile bootstrap
 * over the users, config.eval's resamples and seed). The layout is @tandem/nightly's (listRuns); an
 * evaluation's intervals are computed once per evaluation.json (cached by its mtime).
 */
export class RunsReader {
  private readonly cache = new Map<string, { modifiedMs: number; table: Evaluation }>();

  constructor(
    private readonly runsDir: string,
    private readonly bootstrap: Pick<TandemConfig["eval"], "bootstrap" | "seed">,
  ) {}

  read(limit = 20): RunView[] {
    const runs = listRuns(this.runsDir, limit);
    // Runs no longer listed drop out of the cache (bounded by `limit`).
    const listed = new Set(runs.flatMap((r) => (r.evaluation ? [r.evaluation.file] : [])));
    for (const file of this.cache.keys()) if (!listed.has(file)) this.cache.delete(file);
    return runs.map((run) => view(run, this.evaluation(run)));
  }

  private evaluation(run: RunOnDisk): Evaluation {
    if (!run.evaluation) return [];
    const { file, modifiedMs } = run.evaluation;
    const cached = this.cache.get(file);
    if (cached?.modifiedMs === modifiedMs) return cached.table;
    // A corrupt file is an ArtifactError naming it (the page says so), not a run without a table.
    const table = readRunEvaluation(file).results.map((r) => {
      // JSON of a Float64Array is an index-keyed object: asVector reads both forms.
      const vectors = Object.fromEntries(
        Object.entries(r.test.perUser ?? {}).map(([m, v]) => [m, asVector(v)]),
      );
      const ci = bootstrapMeans(vectors, { resamples: this.bootstrap.bootstrap, seed: this.bootstrap.seed });
      const metrics: Record<string, MetricCi> = {};
      for (const [m, i] of Object.entries(ci)) metrics[m] = { value: i.mean, low: i.lo, high: i.hi };
      return { model: r.model, users: r.test.users, metrics };
    });
    this.cache.set(file, { modifiedMs, table });
    return table;
  }
}

function view({ state }: RunOnDisk, evaluation: Evaluation): RunView {
  const running = state.running ?? null;
  let eta: number | undefined;
  if (running?.done && running.total && running.done < running.total) {
    const spent = (Date.parse(running.updatedAt ?? running.startedAt) - Date.parse(running.startedAt)) / 1000;
    eta = (spent / running.done) * (running.total - running.done);
  }
  const gate = (state.steps.gate?.output ?? null) as RunView["gate"];
  return {
    runId: state.runId,
    version: state.version,
    startedAt: state.startedAt,
    steps: Object.entries(state.steps).map(([step, r]) => ({ step, seconds: r.seconds })),
    running: running && { ...running, ...(eta !== undefined && { etaSeconds: eta }) },
    gate: gate && typeof gate.reason === "string" ? gate : null,
    evaluation,
  };
}
