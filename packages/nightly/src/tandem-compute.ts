import { join } from "node:path";
import type { TandemConfig } from "@tandem/core";
import type { Dataset } from "@tandem/data";
import { userItemsOf } from "@tandem/data";
import type { Compute, Embedder } from "@tandem/pipeline";
import {
  FEATURES,
  FusionScorer,
  fitStages,
  type LinearFusion,
  type StageModels,
  TandemRecommender,
} from "@tandem/rerank";
import { createCachedEncoder, ItemTextTemplate, type TextEncoder } from "@tandem/semantic";
import type { FeatureStore, StoredEvent, UserRecord } from "@tandem/store";
import { ingest } from "./ingest.js";
import { loadTandemArtifacts, saveTandemArtifacts } from "./model-artifacts.js";
import { itemTables, userRecordFor, versionKinds, writeServingMetadata } from "./version-writer.js";

interface VersionModel {
  stage: StageModels;
  scorer: FusionScorer;
}

/**
 * The production compute behind the BullMQ queues: the same Tandem model, features and item text as
 * the in-process nightly. train-cf fits the model and saves it under runs/<version>/model (a volume the
 * workers share); any worker then rebuilds the stages from that artifact and the data, once per
 * version, to precompute candidates or refresh a user after new events.
 */
export async function tandemCompute(
  config: TandemConfig,
  store: FeatureStore,
  encoderIn?: TextEncoder,
): Promise<Compute> {
  const encoder = encoderIn ?? (await createCachedEncoder(config.semantic));
  const dataset = await ingest(config, new Set(await store.erasedUsers()));
  const ctx = { config, dataset, seed: config.eval.seed, encoder: async () => encoder };
  const itemIds = dataset.items.ids();
  const keep = config.nightly.keepCandidates;
  const modelDir = (version: string) => join(config.nightly.runsDir, version, "model");

  const models = new Map<string, Promise<VersionModel>>();
  const modelFor = (version: string) => {
    let model = models.get(version);
    if (!model) {
      model = (async () => {
        const saved = await loadTandemArtifacts(modelDir(version), dataset.interactions);
        if (!saved) throw new Error(`no trained model for version ${version} in ${modelDir(version)}`);
        const stage = await fitStages(dataset.interactions, ctx, { mf: saved.mf });
        return { stage, scorer: new FusionScorer(saved.fusion) };
      })();
      model.catch(() => models.delete(version));
      models.set(version, model);
    }
    return model;
  };

  /** A user's history in item indexes: what the dataset holds plus newer events of known items. */
  const historyOf = (userId: string, events: readonly StoredEvent[]) => {
    const u = dataset.users.find(userId);
    const base = u === undefined ? [] : [...userItemsOf(dataset.interactions, u)];
    const since =
      u === undefined
        ? Number.NEGATIVE_INFINITY
        : dataset.interactions.times[dataset.interactions.indptr[u + 1]! - 1]!;
    const fresh = events
      .filter((e) => e.timestamp > since)
      .map((e) => dataset.items.find(e.item))
      .filter((i): i is number => i !== undefined);
    return { u, items: Int32Array.from([...base, ...fresh]), hasFresh: fresh.length > 0 };
  };

  const embedder: Embedder = { id: encoder.id, dims: encoder.dim, embed: (texts) => encoder.embed(texts) };
  return {
    embedder,
    trainer: {
      async train({ version }) {
        const model = new TandemRecommender({ config, encoder: ctx.encoder });
        await model.fit({ history: dataset.interactions, dataset, seed: ctx.seed });
        const stage = model.stages;
        const fusion: LinearFusion = model.fusion!;
        saveTandemArtifacts(modelDir(version), stage.mf, fusion);
        const tables = itemTables(stage, itemIds);
        await store.writeItemVectors(version, "stats", itemIds, tables.stats);
        await writeServingMetadata(store, version, dataset, fusion);
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
        const { stage, scorer } = await modelFor(version);
        const records: UserRecord[] = [];
        for (const userId of userIds) {
          const u = dataset.users.find(userId);
          if (u === undefined) continue;
          const record = userRecordFor(
            stage,
            scorer,
            itemIds,
            userId,
            u,
            userItemsOf(stage.history, u),
            keep,
          );
          record.scalars = { lastEventAt: stage.history.times[stage.history.indptr[u + 1]! - 1] ?? 0 };
          records.push(record);
        }
        return records;
      },
    },
    profiles: {
      async build(userId, events, liveStore) {
        const live = await liveStore.liveVersion();
        if (live === null) return null;
        const { stage, scorer } = await modelFor(live);
        const { u, items, hasFresh } = historyOf(userId, events);
        if (items.length === 0) return null;
        // New events: fold the user in from the whole history; otherwise the trained factors stand.
        const record = userRecordFor(stage, scorer, itemIds, userId, hasFresh ? -1 : (u ?? -1), items, keep);
        record.scalars = { refreshedAt: Date.now(), lastEventAt: events.at(-1)?.timestamp ?? 0 };
        return record;
      },
    },
    nightly: nightlyFlowSpec(config, dataset, encoder.dim),
  };
}

/** What the nightly flow needs besides its version: the item texts (as the model embeds them), users, layout. */
export function nightlyFlowSpec(config: TandemConfig, dataset: Dataset, textDim: number) {
  const template = new ItemTextTemplate(config.semantic.textTemplate, config.semantic.maxChars);
  return {
    items: dataset.itemInfo.map((item) => ({ id: item.id, text: template.render(item) })),
    userIds: dataset.users.ids(),
    columns: FEATURES,
    ...versionKinds(config.recall.als.factors, textDim),
  };
}
