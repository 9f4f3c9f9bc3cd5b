import { join } from "node:path";
import { ArtifactError, NonRetryableError, type TandemConfig } from "@tandem/core";
import type { Dataset } from "@tandem/data";
import { userItemsOf } from "@tandem/data";
import type { Compute, Embedder } from "@tandem/pipeline";
import {
  deferredUserRecord,
  FEATURES,
  type Fusion,
  FusionScorer,
  fitStages,
  type StageModels,
  TandemRecommender,
  versionKinds,
} from "@tandem/rerank";
import { createCachedEncoder, ItemTextTemplate, type TextEncoder } from "@tandem/semantic";
import { erasureLogOf, type FeatureStore, type UserRecord } from "@tandem/store";
import { activeUserFilter, lastEventAt } from "./active-users.js";
import { readSnapshot, snapshotDataset, takeSnapshot } from "./data-snapshot.js";
import { refreshedRecord } from "./fresh-record.js";
import { loadTandemArtifacts, saveTandemArtifacts } from "./model-artifacts.js";
import { writeSimilarLists } from "./similar-lists.js";
import { newestSnapshot, snapshotDirOf } from "./snapshot-locator.js";
import {
  itemTables,
  userRecordFor,
  writeOptionalItemVectors,
  writeServingMetadata,
} from "./version-writer.js";

interface VersionModel {
  stage: StageModels;
  scorer: FusionScorer;
  /** Users the version precomputes (nightly.precomputeActiveDays); null = everyone. */
  precompute: ((u: number) => boolean) | null;
}

/** Versions whose dataset and model a worker keeps (the live one and the one being built). */
const KEEP_VERSIONS = 2;

/** A per-version cache that evicts the oldest entry and forgets failures (they are retried). */
function perVersion<T>(make: (version: string) => Promise<T>) {
  const cache = new Map<string, Promise<T>>();
  return (version: string): Promise<T> => {
    let value = cache.get(version);
    if (!value) {
      value = make(version);
      value.catch(() => cache.delete(version));
      cache.set(version, value);
      for (const old of [...cache.keys()].slice(0, Math.max(0, cache.size - KEEP_VERSIONS)))
        cache.delete(old);
    }
    return value;
  };
}

/**
 * The production compute behind the BullMQ queues: the same Tandem model, features and item text as
 * the in-process nightly. Every job works on the data snapshot its version names
 * (`<runsDir>/<version>/data`, taken when the run started), never on what the worker read at
 * start-up: a worker that keeps running through nightlies on new data and erasures stays correct.
 * train-cf fits the model and saves it under runs/<version>/model (a volume the workers share); any
 * worker then rebuilds the stages from that artifact and the snapshot, once per version.
 */
export async function tandemCompute(
  config: TandemConfig,
  store: FeatureStore,
  encoderIn?: TextEncoder,
): Promise<Compute> {
  const encoder = encoderIn ?? (await createCachedEncoder(config.semantic));
  const erasures = erasureLogOf(config);
  const seed = config.eval.seed;
  const keep = config.nightly.keepCandidates;
  const modelDir = (version: string) => join(config.nightly.runsDir, version, "model");
  const ctxOf = (dataset: Dataset) => ({ config, dataset, seed, encoder: async () => encoder });

  const datasetFor = perVersion(async (version) => {
    const snapshot = readSnapshot(snapshotDirOf(config, version));
    if (!snapshot)
      throw new ArtifactError(
        `version ${version} names no data snapshot in ${snapshotDirOf(config, version)}`,
      );
    return snapshotDataset(config, snapshot, erasures);
  });
  const modelFor = perVersion<VersionModel>(async (version) => {
    const dataset = await datasetFor(version);
    const saved = await loadTandemArtifacts(modelDir(version), dataset.interactions);
    if (!saved) throw new Error(`no trained model for version ${version} in ${modelDir(version)}`);
    const stage = await fitStages(dataset.interactions, ctxOf(dataset), {
      mf: saved.mf,
      ...(saved.seq && { seq: saved.seq }),
    });
    const precompute = activeUserFilter(stage.history, config.nightly.precomputeActiveDays);
    return { stage, scorer: new FusionScorer(saved.fusion), precompute };
  });

  const embedder: Embedder = { id: encoder.id, dims: encoder.dim, embed: (texts) => encoder.embed(texts) };
  return {
    embedder,
    trainer: {
      async train({ version }) {
        const dataset = await datasetFor(version);
        const itemIds = dataset.items.ids();
        const model = new TandemRecommender(ctxOf(dataset));
        await model.fit({ history: dataset.interactions, dataset, seed });
        const stage = model.stages;
        const fusion: Fusion = model.fusion!;
        saveTandemArtifacts(modelDir(version), stage.mf, fusion, stage.seq?.model);
        const tables = itemTables(stage, itemIds);
        await store.writeItemVectors(version, "stats", itemIds, tables.stats);
        await writeOptionalItemVectors(store, version, stage, itemIds);
        await writeServingMetadata(store, version, dataset, fusion);
        // The fitted stages hold the text index: the lists are built here, like the in-process writer's.
        await writeSimilarLists(store, version, stage, itemIds, config.nightly.similarItems);
        return {
          kind: "mf",
          dims: stage.mf.dim + 1,
          itemIds,
          itemVectors: tables.mf,
          meta: {
            fusion: fusion.names,
            mfEpochs: stage.mfEpochs,
            dataset: dataset.name,
            examples: fusion.examples,
          },
          popularity: tables.popularity,
        };
      },
    },
    candidates: {
      columns: FEATURES,
      async candidates(userIds, { version }) {
        const dataset = await datasetFor(version);
        const { stage, scorer, precompute } = await modelFor(version);
        const itemIds = dataset.items.ids();
        const records: UserRecord[] = [];
        for (const userId of userIds) {
          const u = dataset.users.find(userId);
          // A chunk lists users of this version's snapshot: one it does not know is a broken run.
          if (u === undefined)
            throw new NonRetryableError(`user ${userId} is not in the data snapshot of version ${version}`);
          // The same choice as the in-process writer: inactive users are personalised on first request.
          if (precompute && !precompute(u)) {
            records.push(deferredUserRecord(userId, lastEventAt(stage.history, u)));
            continue;
          }
          const history = userItemsOf(stage.history, u);
          const record = userRecordFor(stage, scorer, itemIds, userId, u, history, keep);
          record.scalars = { lastEventAt: lastEventAt(stage.history, u) };
          records.push(record);
        }
        return records;
      },
    },
    profiles: {
      async build(userId, events, liveStore) {
        const live = await liveStore.liveVersion();
        if (live === null) return null;
        const dataset = await datasetFor(live);
        const { stage, scorer } = await modelFor(live);
        return refreshedRecord(stage, scorer, dataset, userId, events, keep);
      },
    },
    async prepareNightly(version) {
      const dir = snapshotDirOf(config, version);
      const snapshot =
        readSnapshot(dir) ?? (await takeSnapshot(config, store, erasures, dir, newestSnapshot(config, dir)));
      const dataset = await datasetFor(version);
      return {
        ...nightlyFlowSpec(config, dataset, encoder.dim),
        metadata: { data: snapshot },
        watermark: snapshot.eventWatermark,
      };
    },
    async close() {
      if (!encoderIn) await encoder.dispose?.();
    },
  };
}

/** What the nightly flow needs besides its version: the item texts (as the model embeds them), users, layout. */
export function nightlyFlowSpec(config: TandemConfig, dataset: Dataset, textDim: number) {
  const template = new ItemTextTemplate(config.semantic.textTemplate, config.semantic.maxChars);
  return {
    items: dataset.itemInfo.map((item) => ({ id: item.id, text: template.render(item) })),
    userIds: dataset.users.ids(),
    columns: FEATURES,
    ...versionKinds(config.recall.als.factors, textDim, config.nightly.similarItems, {
      textMf: config.rerank.textMf,
      seqDim: config.rerank.seq ? config.recall.seq.dim : 0,
    }),
  };
}
