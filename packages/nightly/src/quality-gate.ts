/** Whether a new version may replace the live one, and why. */
export interface GateDecision {
  publish: boolean;
  metric: string;
  candidate: number;
  live: number | null;
  reason: string;
}

/**
 * Refuses a version whose user count differs from its data's. Otherwise publishes when nothing is live, or when the candidate's held-out metric is at least
 * live × (1 − tolerance). Both numbers come from the same protocol on the same kind of split.
 */
export function qualityGate(
  metric: string,
  candidate: number,
  live: number | null,
  tolerance: number,
  /** Users the version holds against those its data has: any difference is a half-written version. */
  users?: { expected: number; found: number },
): GateDecision {
  if (users && users.found !== users.expected) {
    return {
      publish: false,
      metric,
      candidate,
      live,
      reason: `the version holds ${users.found} users but its data has ${users.expected}: incomplete, not published`,
    };
  }
  if (!Number.isFinite(candidate)) {
    return { publish: false, metric, candidate, live, reason: `candidate ${metric} is not a number` };
  }
  if (live === null) {
    return { publish: true, metric, candidate, live, reason: "no live version to compare with" };
  }
  const floor = live * (1 - tolerance);
  return candidate >= floor
    ? {
        publish: true,
        metric,
        candidate,
        live,
        reason: `${metric} ${candidate.toFixed(4)} ≥ ${floor.toFixed(4)} (live ${live.toFixed(4)} − ${(100 * tolerance).toFixed(1)}%)`,
      }
    : {
        publish: false,
        metric,
        candidate,
        live,
        reason: `${metric} ${candidate.toFixed(4)} < ${floor.toFixed(4)} (live ${live.toFixed(4)} − ${(100 * tolerance).toFixed(1)}%): the live version stays`,
      };
}
