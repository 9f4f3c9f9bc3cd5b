import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { readJson, writeJson } from "./json-file.js";
import type { NightlyEvaluation } from "./run-nightly.js";

export const STEPS = ["ingest", "evaluate", "train", "precompute", "gate", "publish", "report"] as const;
export type StepName = (typeof STEPS)[number];

/** The files of a run's directory (runs/<id>/). */
export const RUN_FILES = { state: "state.json", evaluation: "evaluation.json" } as const;

export interface StepRecord {
  seconds: number;
  finishedAt: string;
  /** Small JSON the step needs to be skipped on resume (paths, counts, decisions). */
  output: Record<string, unknown>;
}

/** The step under way, for watchers (the console): counts when the step reports them. */
export interface RunningStep {
  step: StepName;
  startedAt: string;
  done?: number;
  total?: number;
  updatedAt?: string;
}

/** A run's state.json: the one declaration of its layout (RunState writes it, listRuns reads it). */
export interface RunStateFile {
  runId: string;
  version: string;
  startedAt: string;
  steps: Partial<Record<StepName, StepRecord>>;
  running?: RunningStep | null;
}

/**
 * A run's checkpoint file (runs/<id>/state.json), rewritten atomically after each step, so a crashed
 * run resumed with the same id skips what it finished.
 */
export class RunState {
  private state: RunStateFile;
  readonly dir: string;

  private constructor(dir: string, state: RunStateFile) {
    this.dir = dir;
    this.state = state;
  }

  static open(runsDir: string, runId: string): RunState {
    const dir = join(runsDir, runId);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, RUN_FILES.state);
    if (existsSync(file)) return new RunState(dir, readJson<RunStateFile>(file));
    const state: RunStateFile = {
      runId,
      version: runId.replace(/[^A-Za-z0-9._-]/g, "-"),
      startedAt: new Date().toISOString(),
      steps: {},
    };
    const run = new RunState(dir, state);
    run.save();
    return run;
  }

  get runId(): string {
    return this.state.runId;
  }
  get version(): string {
    return this.state.version;
  }

  done(step: StepName): StepRecord | undefined {
    return this.state.steps[step];
  }

  /** Marks `step` as under way (shown while the run is going). */
  begin(step: StepName): void {
    this.state.running = { step, startedAt: new Date().toISOString() };
    this.save();
  }

  /** The running step's counts; written at most once a second (each write is a file rename). */
  progress(done: number, total: number): void {
    const running = this.state.running;
    if (!running) return;
    const now = Date.now();
    if (done < total && running.updatedAt && now - Date.parse(running.updatedAt) < 1000) return;
    Object.assign(running, { done, total, updatedAt: new Date(now).toISOString() });
    this.save();
  }

  finish(step: StepName, seconds: number, output: Record<string, unknown> = {}): void {
    this.state.steps[step] = { seconds, finishedAt: new Date().toISOString(), output };
    this.state.running = null;
    this.save();
  }

  /** Forgets finished steps (their inputs changed), so they run again. */
  reset(steps: readonly StepName[]): void {
    for (const step of steps) delete this.state.steps[step];
    this.save();
  }

  timings(): { step: StepName; seconds: number }[] {
    return STEPS.flatMap((step) => {
      const record = this.state.steps[step];
      return record ? [{ step, seconds: record.seconds }] : [];
    });
  }

  private save(): void {
    writeJson(join(this.dir, RUN_FILES.state), this.state);
  }
}

/** A run as a watcher (the console) finds it on disk. */
export interface RunOnDisk {
  dir: string;
  state: RunStateFile;
  /** evaluation.json once the evaluate step wrote it; its mtime lets a reader cache what it derives. */
  evaluation: { file: string; modifiedMs: number } | null;
}

/**
 * The runs under `runsDir`, newest first, read-only (nothing is created; a directory without a readable
 * state.json is skipped, since a run being created may not have one yet).
 */
export function listRuns(runsDir: string, limit = 20): RunOnDisk[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d): RunOnDisk[] => {
      const dir = join(runsDir, d.name);
      let state: RunStateFile;
      try {
        state = readJson<RunStateFile>(join(dir, RUN_FILES.state));
      } catch {
        return [];
      }
      const file = join(dir, RUN_FILES.evaluation);
      const stat = statSync(file, { throwIfNoEntry: false });
      return [{ dir, state, evaluation: stat ? { file, modifiedMs: stat.mtimeMs } : null }];
    })
    .sort((a, b) => b.state.startedAt.localeCompare(a.state.startedAt))
    .slice(0, limit);
}

/** A run's evaluation.json (ArtifactError when unreadable); per-user vectors come back as plain JSON. */
export const readRunEvaluation = (file: string): NightlyEvaluation => readJson<NightlyEvaluation>(file);
