/**
 * Answers of the console's admin reads. Plain types (the server builds these objects and is type-checked
 * against them; the client reads them), since nothing validates them on the way in.
 */

/** A metric with its 95% interval: the percentile bootstrap over the users that `tandem eval` prints. */
export interface MetricCi {
  value: number;
  low: number;
  high: number;
}

export interface RunView {
  runId: string;
  version: string;
  startedAt: string;
  steps: { step: string; seconds: number }[];
  /** The step under way, with counts when it reports them and an ETA from its rate so far. */
  running: {
    step: string;
    startedAt: string;
    done?: number;
    total?: number;
    updatedAt?: string;
    etaSeconds?: number;
  } | null;
  /** The quality gate's decision: published or rejected, on which metric, and why. */
  gate: { publish: boolean; metric: string; candidate: number; live: number | null; reason: string } | null;
  /** The run's test table, per model: every averaged metric (those with per-user values). */
  evaluation: { model: string; users: number; metrics: Record<string, MetricCi> }[];
}

export interface AdminOverview {
  live: string | null;
  /** The live version's evaluation (what its gate compared), by metric. */
  evaluation: unknown;
  versions: { version: string; createdAt: number; status: string; itemCount: number | null }[];
  runs: RunView[];
  queues: {
    counts: { name: string; counts: Record<string, number>; stalled: number }[];
    failed: {
      queue: string;
      id: string;
      name: string;
      reason: string;
      attempts: number;
      failedAt: number | null;
    }[];
  } | null;
  /**
   * Redis INFO memory, summed over the masters of a cluster (peak: the sum of each node's own peak);
   * maxBytes 0 = no limit on some node. Null for the embedded store.
   */
  memory: { usedBytes: number; peakBytes: number; maxBytes: number; nodes: number } | null;
}

export interface AdminUser {
  userId: string;
  version: string | null;
  /** Newest first, at most 50. */
  history: { itemId: string; title: string | null; value: number; timestamp: number }[];
  candidates: { itemId: string; title: string | null; sources: string[] }[];
}

export type AdminTitles = Record<string, string | null>;
