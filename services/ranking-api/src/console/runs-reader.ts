import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { MetricCi, RunView } from "@tandem/api-contract";

/** The parts of a run's state.json (packages/nightly run-state.ts) the console shows. */
interface StateFile {
  runId: string;
  version: string;
  startedAt: string;
  steps: Record<string, { seconds: number; finishedAt: string; output?: Record<string, unknown> }>;
  running?: { step: string; startedAt: string; done?: number; total?: number; updatedAt?: string } | null;
}

const read = <T>(file: string): T | null => {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
};

/** JSON of a Float64Array is an index-keyed object; of a plain array, an array. */
const numbers = (v: unknown): number[] =>
  Array.isArray(v)
    ? (v as number[])
    : v && typeof v === "object"
      ? Object.values(v as Record<string, number>)
      : [];

function ci(mean: number, perUser: number[]): MetricCi {
  const n = perUser.length;
  if (n < 2) return { value: mean, low: mean, high: mean };
  let ss = 0;
  for (const x of perUser) ss += (x - mean) ** 2;
  const half = 1.96 * Math.sqrt(ss / (n - 1) / n);
  return { value: mean, low: mean - half, high: mean + half };
}

type Evaluation = {
  results: {
    model: string;
    test: { users: number; metrics: Record<string, number>; perUser?: Record<string, unknown> };
  }[];
};

/**
 * Reads the nightly runs' checkpoint directories (config.nightly.runsDir), newest first: steps, the
 * running step with counts and ETA, the gate's decision and the test table with intervals.
 */
export function readRuns(runsDir: string, limit = 20): RunView[] {
  if (!existsSync(runsDir)) return [];
  const runs = readdirSync(runsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const state = read<StateFile>(join(runsDir, d.name, "state.json"));
      return state ? [{ dir: join(runsDir, d.name), state }] : [];
    })
    .sort((a, b) => b.state.startedAt.localeCompare(a.state.startedAt))
    .slice(0, limit);
  return runs.map(({ dir, state }) => {
    const running = state.running ?? null;
    let eta: number | undefined;
    if (running?.done && running.total && running.done < running.total) {
      const spent =
        (Date.parse(running.updatedAt ?? running.startedAt) - Date.parse(running.startedAt)) / 1000;
      eta = (spent / running.done) * (running.total - running.done);
    }
    const gate = (state.steps["gate"]?.output ?? null) as RunView["gate"];
    const evaluation = read<Evaluation>(join(dir, "evaluation.json"));
    return {
      runId: state.runId,
      version: state.version,
      startedAt: state.startedAt,
      steps: Object.entries(state.steps).map(([step, r]) => ({ step, seconds: r.seconds })),
      running: running && { ...running, ...(eta !== undefined && { etaSeconds: eta }) },
      gate: gate && typeof gate.reason === "string" ? gate : null,
      evaluation: (evaluation?.results ?? []).map((r) => ({
        model: r.model,
        users: r.test.users,
        metrics: Object.fromEntries(
          Object.entries(r.test.metrics).map(([m, v]) => [m, ci(v, numbers(r.test.perUser?.[m]))]),
        ),
      })),
    };
  });
}
