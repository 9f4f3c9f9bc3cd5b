import { join } from "node:path";
import type { TandemConfig } from "@tandem/core";
import { concatUserItems, type Dataset, itemCounts, leaveOneOutSplit } from "@tandem/data";
import { type ModelFactory, type ProtocolResult, runProtocol } from "@tandem/eval";
import { usersToRefresh } from "@tandem/pipeline";
import {
  type Fusion,
  FusionScorer,
  fitStages,
  StageCache,
  type StageModels,
  type TandemOptions,
  TandemRecommender,
  VERSION_METADATA,
} from "@tandem/rerank";
import { createCachedEncoder, type TextEncoder } from "@tandem/semantic";
import { erasureLogOf, type FeatureStore } from "@tandem/store";
import { activeUserFilter } from "./active-users.js";
import { readSnapshot, snapshotDataset, syncErasures, takeSnapshot } from "./data-snapshot.js";
import { refreshedRecord } from "./fresh-record.js";
import { readJson, writeJson } from "./json-file.js";
import { loadTandemArtifacts, saveTandemArtifacts } from "./model-artifacts.js";
import { writeNightlyReport } from "./nightly-report.js";
import { type GateDecision, qualityGate } from "./quality-gate.js";
import { RUN_FILES, RunState, type StepName } from "./run-state.js";
import { scrubErased } from "./scrub-erased.js";
import { newestSnapshot, snapshotDirOf } from "./snapshot-locator.js";
import { writeTandemVersion } from "./version-writer.js";

export interface NightlyOptions {
  config: TandemConfig;
  store: FeatureStore;
  /** Same id = resume that run. Default: the current UTC time, e.g. 20261125T0300Z. */
  runId?: string;
  /** Baselines evaluated next to Tandem for the report, by name (config nightly.compare picks them). */
  baselines?: Record<string, ModelFactory>;
  /** Encoder to use instead of the configured one (tests). */
  encoder?: TextEncoder;
  /**
   * Queue mode: instead of training and precomputing in this process, start the nightly flow for the
   * worker processes once the gate passes, and resolve when they have published `version`.
   */
  queued?: (version: string, dataset: Dataset, metadata: Record<string, unknown>) => Promise<void>;
  /** Removes job records naming erased users (the CLI passes the BullMQ queues'); returns how many. */
  purgeJobs?: (erased: ReadonlySet<string>) => Promise<number>;
  /** Options of the Tandem model (the regression-gate test passes a deliberately crippled one). */
  tandem?: TandemOptions;
  progress?: boolean;
  log?: (line: string) => void;
}

export interface NightlyEvaluation {
  protocol: string;
  results: ProtocolResult[];
  /** Mean history popularity of the test items: what users actually consumed. */
  consumedPopularity: number;
}

export interface NightlyResult {
  runId: string;
  version: string;
  dataset: Dataset;
  evaluation: NightlyEvaluation;
  gate: GateDecision;
  published: boolean;
  reportPath: string;
  /** The trained stages and fusion (absent in queue mode: the workers hold them). */
  stage?: StageModels;
  fusion?: Fusion;
  timings: { step: StepName; seconds: number }[];
  encoder: { id: string; hits: number; misses: number };
}

export const defaultRunId = () => new Date().toISOString().replace(/[-:]/g, "").slice(0, 13).concat("Z");

/**
 * ingest → evaluate (held-out, the published protocol) → train on everything → precompute a version →
 * quality gate against the live version → publish → report. Each finished step is checkpointed in
 * runs/<id>/, so running again with the same id resumes where a crash stopped it.
 */
export async function runNightly(options: NightlyOptions): Promise<NightlyResult> {
  if (options.encoder) return nightly(options, Promise.resolve(options.encoder));
  // The encoder this run creates (a worker-thread pool) is disposed by this run, or the process hangs.
  const created = createCachedEncoder(options.config.semantic);
  try {
    return await nightly(options, created);
  } finally {
    await (await created.catch(() => null))?.dispose();
  }
}

async function nightly(options: NightlyOptions, encoderReady: Promise<TextEncoder>): Promise<NightlyResult> {
  const { config, store } = options;
  const log = options.log ?? (() => {});
  const run = RunState.open(config.nightly.runsDir, options.runId ?? defaultRunId());
  const version = run.version;
  const step = async <T>(
    name: StepName,
    work: () => Promise<{ value: T; output?: Record<string, unknown> }>,
  ) => {
    const started = performance.now();
    run.begin(name);
    const { value, output } = await work();
    run.finish(name, (performance.now() - started) / 1000, output ?? run.done(name)?.output ?? {});
    return value;
  };
  const encoder = () => encoderReady;
  const ctx = { config, encoder, progress: options.progress ?? false };
  // The evaluation's fits and the final train form one chain of stages (see StageCache): each is fitted
  // once per process; a resumed run simply fits what it no longer holds.
  const stages = new StageCache();
  const tandemModel = (epochs: unknown) =>
    new TandemRecommender(ctx, {
      ...options.tandem,
      stages,
      ...(epochs !== undefined && { epochs: Number(epochs) }),
    });

  log(`run ${run.runId}: version ${version} (checkpoints in ${run.dir})`);
  const erasures = erasureLogOf(config);
  const dataDir = snapshotDirOf(config, version);
  // A resumed run keeps its snapshot (its model was trained on it), unless a user erased since is
  // in it: then everything trained on it is redone without them.
  let snapshot = run.done("ingest") ? readSnapshot(dataDir) : null;
  let checked: Dataset | null = snapshot ? await snapshotDataset(config, snapshot, erasures) : null;
  if (snapshot && checked) {
    const newly = (await syncErasures(store, erasures)).slice(snapshot.erasures);
    if (newly.some((u) => checked!.users.has(u))) {
      log(`resume: users erased since the snapshot are in it: ingest and train again without them`);
      run.reset(["ingest", "train", "precompute", "gate", "publish", "report"]);
      snapshot = null;
      checked = null;
    }
  }
  snapshot ??= await step("ingest", async () => {
    const taken = await takeSnapshot(config, store, erasures, dataDir, newestSnapshot(config, dataDir));
    return {
      value: taken,
      output: { snapshot: dataDir, events: taken.eventCount, erasures: taken.erasures },
    };
  });
  const dataset: Dataset = checked ?? (await snapshotDataset(config, snapshot, erasures));
  const erased = new Set(await store.erasedUsers());
  log(
    `ingest: ${dataset.users.size} users, ${dataset.items.size} items (${snapshot.eventCount} events from the streams, ${snapshot.erasures} erased users excluded)`,
  );

  const evaluationFile = join(run.dir, RUN_FILES.evaluation);
  const evaluation: NightlyEvaluation = run.done("evaluate")
    ? readJson<NightlyEvaluation>(evaluationFile)
    : await step("evaluate", async () => {
        const split = leaveOneOutSplit(dataset.interactions);
        const protocol = {
          ks: config.eval.ks,
          seed: config.eval.seed,
          progress: options.progress ?? false,
          ...(config.nightly.evalUsers > 0 && { maxScoredUsers: config.nightly.evalUsers }),
        };
        const results: ProtocolResult[] = [];
        for (const [name, factory] of Object.entries(options.baselines ?? {})) {
          log(`evaluate: ${name}`);
          results.push(await runProtocol(factory, dataset, split, protocol));
        }
        log("evaluate: tandem");
        results.push(
          await runProtocol(({ tuned }) => tandemModel(tuned?.["epochs"]), dataset, split, protocol),
        );
        const history = concatUserItems(split.train, split.validation);
        const pop = itemCounts(history);
        let consumed = 0;
        for (let p = 0; p < split.test.items.length; p++) consumed += pop[split.test.items[p]!]!;
        const value: NightlyEvaluation = {
          protocol: `leave-one-out; tuned on validation; refit on train + validation; full ranking${sampledNote(split.test.numUsers, config.nightly.evalUsers)}`,
          results,
          consumedPopularity: consumed / Math.max(1, split.test.items.length),
        };
        writeJson(evaluationFile, value);
        return { value };
      });
  const tandemResult = evaluation.results[evaluation.results.length - 1]!;
  const gateMetric = config.nightly.gateMetric;
  const candidateMetric = tandemResult.test.metrics[gateMetric] ?? Number.NaN;
  const liveMetricOf = async () => {
    const live = await store.liveVersion();
    const metric =
      live && live !== version
        ? (((await store.getMetadata(VERSION_METADATA.evaluation)) as Record<string, number> | null)?.[
            gateMetric
          ] ?? null)
        : null;
    return { live, metric };
  };
  const finish = async (gate: GateDecision, published: boolean, stage?: StageModels, fusion?: Fusion) => {
    const cached = (await encoder()) as Partial<{ hits: number; misses: number; id: string }>;
    const reportPath = join(run.dir, "report.html");
    await step("report", async () => {
      writeNightlyReport(reportPath, { run, dataset, evaluation, gate, published, ...(stage && { stage }) });
      return { value: reportPath, output: { reportPath } };
    });
    return {
      runId: run.runId,
      version,
      dataset,
      evaluation,
      gate,
      published,
      reportPath,
      ...(stage && { stage }),
      ...(fusion && { fusion }),
      timings: run.timings(),
      encoder: { id: cached.id ?? "", hits: cached.hits ?? 0, misses: cached.misses ?? 0 },
    };
  };

  if (options.queued) {
    const { live, metric } = await liveMetricOf();
    const gate = await step("gate", async () => {
      const decision = qualityGate(gateMetric, candidateMetric, metric, config.nightly.regressionTolerance);
      return { value: decision, output: { ...decision } };
    });
    log(`gate: ${gate.publish ? "publish" : "keep the live version"}: ${gate.reason}`);
    let published = live === version;
    if (gate.publish && !published) {
      await step("publish", async () => {
        log("queued: the workers train, embed, precompute and publish");
        await options.queued!(version, dataset, {
          evaluation: { protocol: evaluation.protocol, ...tandemResult.test.metrics },
          data: snapshot,
        });
        return { value: null, output: { queued: true } };
      });
      published = (await store.liveVersion()) === version;
    }
    await scrubErased(config, store, version, options.purgeJobs, log);
    return finish(gate, published);
  }

  const modelDir = join(run.dir, "model");
  const restored = run.done("train") ? await loadTandemArtifacts(modelDir, dataset.interactions) : null;
  const { stage, fusion } = restored
    ? {
        stage: await fitStages(
          dataset.interactions,
          { ...ctx, dataset, seed: config.eval.seed },
          { mf: restored.mf, ...(restored.seq && { seq: restored.seq }) },
        ),
        fusion: restored.fusion,
      }
    : await step("train", async () => {
        // The MF epochs the evaluation chose on validation: the published model trains as the gated one did.
        const epochs = tandemResult.refit.tuned?.["epochs"] ?? tandemResult.fit.tuned?.["epochs"];
        log(
          `train: on all interactions${epochs !== undefined ? ` (${epochs} MF epochs, as evaluated)` : ""}`,
        );
        const model = tandemModel(epochs);
        await model.fit({
          history: dataset.interactions,
          dataset,
          seed: config.eval.seed,
          progress: options.progress ?? false,
        });
        saveTandemArtifacts(modelDir, model.stages.mf, model.fusion!, model.stages.seq?.model);
        const { stageHits, stageFits, candidateHits } = stages.counts;
        log(
          `train: ${stageFits} stages fitted, ${stageHits} reused, ${candidateHits} candidate builds reused`,
        );
        return { value: { stage: model.stages, fusion: model.fusion! }, output: { modelDir } };
      });

  // The users the version must hold: the snapshot's, less anyone erased by now.
  const expectedUsers = () => dataset.users.ids().filter((u) => !erased.has(u)).length;
  const complete = async () =>
    (await store.versionInfo(version)) !== null &&
    (await store.missingParts(version)).length === 0 &&
    (await store.countUsers(version)) === expectedUsers();
  // A resumed run re-verifies what it skips: a precompute killed half-way is written again.
  const precomputed = run.done("precompute") !== undefined && (await complete());
  if (run.done("precompute") && !precomputed) log("resume: the version is incomplete: precompute again");
  if (!precomputed) {
    await step("precompute", async () => {
      const precompute = activeUserFilter(stage.history, config.nightly.precomputeActiveDays);
      const written = await writeTandemVersion(store, version, dataset, stage, fusion, {
        keep: config.nightly.keepCandidates,
        batch: config.nightly.precomputeBatch,
        threads: config.nightly.precomputeThreads,
        similarItems: config.nightly.similarItems,
        precompute,
        progress: options.progress ?? false,
        onProgress: (done, total) => run.progress(done, total),
        exclude: erased,
        metadata: {
          evaluation: { protocol: evaluation.protocol, ...tandemResult.test.metrics },
          model: { fusion: fusion.names, mfEpochs: stage.mfEpochs, dataset: dataset.name },
          encoder: { id: (await encoder()).id },
          data: snapshot,
        },
      });
      log(`precompute: ${written.users} users, ${written.candidates} candidates into version ${version}`);
      return { value: written, output: written };
    });
  }

  const { live, metric: liveMetric } = await liveMetricOf();
  const users = { expected: expectedUsers(), found: await store.countUsers(version) };
  const gate = await step("gate", async () => {
    const decision = qualityGate(
      gateMetric,
      candidateMetric,
      liveMetric,
      config.nightly.regressionTolerance,
      users,
    );
    return { value: decision, output: { ...decision } };
  });
  log(`gate: ${gate.publish ? "publish" : "keep the live version"}: ${gate.reason}`);

  let published = live === version;
  if (gate.publish && !published) {
    await step("publish", async () => {
      const result = await store.publish(version);
      const collected = await store.collectGarbage();
      // Users who acted after the snapshot, or whom it does not know: recomputed right away.
      const scorer = new FusionScorer(fusion);
      let refreshed = 0;
      for await (const batch of usersToRefresh(store, snapshot.eventWatermark))
        for (const { userId, events } of batch) {
          const record = refreshedRecord(
            stage,
            scorer,
            dataset,
            userId,
            events,
            config.nightly.keepCandidates,
          );
          if (record)
            refreshed += await store.updateLiveUser(record).then(
              () => 1,
              () => 0, // erased meanwhile
            );
        }
      log(`publish: ${refreshed} users with newer events refreshed`);
      return { value: result, output: { previous: result.previous, collected, refreshed } };
    });
    published = true;
  }
  await scrubErased(config, store, version, options.purgeJobs, log);

  return finish(gate, published, stage, fusion);
}

/** The protocol line's note when the evaluation scores a sample of the held-out users. */
function sampledNote(users: number, evalUsers: number): string {
  return evalUsers > 0 && users > evalUsers ? `; ${evalUsers} of ${users} users scored (seeded sample)` : "";
}
