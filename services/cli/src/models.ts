import {
  deepMerge,
  InvalidArgumentError,
  loadConfig,
  settingFromText,
  type TandemConfig,
  type TandemConfigInput,
} from "@tandem/core";
import { EaseRecommender, ItemKnnRecommender, type ModelFactory, PopularityRecommender } from "@tandem/eval";
import { recallModels } from "@tandem/recall";
import { SEMANTIC_FEATURES, STATISTICAL_FEATURES, TandemRecommender } from "@tandem/rerank";
import {
  createCachedEncoder,
  datasetItemVectors,
  ItemTextTemplate,
  semanticModels,
  type TextEncoder,
} from "@tandem/semantic";

/**
 * Every model `tandem eval --model` knows, by name. Stage packages contribute their own factories here;
 * this is the only place that chooses implementations. One cached encoder is shared by all of them.
 */
export function modelRegistry(
  config: TandemConfig,
  sharedEncoder: () => Promise<TextEncoder> = lazyEncoder(config),
): Record<string, ModelFactory> {
  const tandem =
    (name: string, disabled: typeof SEMANTIC_FEATURES = []) =>
    () =>
      new TandemRecommender({ config, encoder: sharedEncoder }, { name, disabled });
  const weighting = config.recall.valueWeighting;
  // The seq model's text projection reads the same cached item embeddings as the semantic stages.
  const template = new ItemTextTemplate(config.semantic.textTemplate, config.semantic.maxChars);
  const itemText = async (dataset: Parameters<typeof datasetItemVectors>[0]) => {
    const encoder = await sharedEncoder();
    return { vectors: await datasetItemVectors(dataset, encoder, template), dim: encoder.dim };
  };
  return {
    pop: () => new PopularityRecommender(weighting),
    itemknn: ({ tuned }) => new ItemKnnRecommender(tuned?.["neighbors"] as number | undefined, weighting),
    ease: ({ tuned }) =>
      new EaseRecommender(tuned?.["lambda"] as number | undefined, config.eval.easeMaxItems, weighting),
    ...recallModels(config, itemText),
    ...semanticModels(config, { encoder: sharedEncoder }),
    tandem: tandem("tandem"),
    "tandem-no-semantic": tandem("tandem-no-semantic", SEMANTIC_FEATURES),
    "tandem-no-statistical": tandem("tandem-no-statistical", STATISTICAL_FEATURES),
  };
}

/** A shared encoder made on first use; its creator disposes it (the worker-thread pool) when done. */
export type LazyEncoder = (() => Promise<TextEncoder>) & { dispose(): Promise<void> };

/** The configured encoder behind its cache, created on first use and then shared. */
export function lazyEncoder(config: TandemConfig): LazyEncoder {
  let encoder: Promise<TextEncoder> | null = null;
  const get = () => {
    encoder ??= createCachedEncoder(config.semantic);
    return encoder;
  };
  return Object.assign(get, {
    async dispose() {
      if (encoder === null) return;
      const created = encoder;
      encoder = null;
      await (await created.catch(() => null))?.dispose?.();
    },
  });
}

/**
 * Models by name. `name[path=value;path=value]` is the model under those config settings (e.g.
 * `itemknn[recall.valueWeighting=log]`), reported under that full name: two settings of one model in one
 * run, so `--compare` can test them on the same users.
 */
export function pickModels(
  config: TandemConfig,
  names: readonly string[],
  encoder?: () => Promise<TextEncoder>,
): [string, ModelFactory][] {
  const registry = modelRegistry(config, encoder);
  return names.map((name) => {
    const variant = /^([^[\]]+)\[(.+)\]$/.exec(name);
    const base = variant ? variant[1]! : name;
    const known = variant ? modelRegistry(variantConfig(config, variant[2]!), encoder) : registry;
    const factory = known[base];
    if (!factory) {
      throw new InvalidArgumentError(`unknown model "${base}"; known: ${Object.keys(registry).join(", ")}`);
    }
    return [name, variant ? renamed(factory, name) : factory];
  });
}

function variantConfig(config: TandemConfig, settings: string): TandemConfig {
  let merged = config as unknown as Record<string, unknown>;
  for (const text of settings.split(";"))
    merged = deepMerge(merged, settingFromText(text) as Record<string, unknown>);
  // The environment is already in `config`; it must not be applied again over the variant's settings.
  return loadConfig(merged as TandemConfigInput, {});
}

/** The factory's models under another name (what results and `--compare` key on). */
const renamed =
  (factory: ModelFactory, name: string): ModelFactory =>
  (options) => {
    const model = factory(options);
    return {
      name,
      fit: (input) => model.fit(input),
      scoreBatch: (users, out) => model.scoreBatch(users, out),
    };
  };
