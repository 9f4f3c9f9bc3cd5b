import { InvalidArgumentError, type TandemConfig } from "@tandem/core";
import { EaseRecommender, ItemKnnRecommender, type ModelFactory, PopularityRecommender } from "@tandem/eval";
import { recallModels } from "@tandem/recall";
import { SEMANTIC_FEATURES, STATISTICAL_FEATURES, TandemRecommender } from "@tandem/rerank";
import { createCachedEncoder, semanticModels, type TextEncoder } from "@tandem/semantic";

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
  return {
    pop: () => new PopularityRecommender(),
    itemknn: ({ tuned }) => new ItemKnnRecommender(tuned?.["neighbors"] as number | undefined),
    ease: ({ tuned }) =>
      new EaseRecommender(tuned?.["lambda"] as number | undefined, config.eval.easeMaxItems),
    ...recallModels(config),
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

export function pickModels(
  config: TandemConfig,
  names: readonly string[],
  encoder?: () => Promise<TextEncoder>,
): [string, ModelFactory][] {
  const registry = modelRegistry(config, encoder);
  return names.map((name) => {
    const factory = registry[name];
    if (!factory) {
      throw new InvalidArgumentError(`unknown model "${name}"; known: ${Object.keys(registry).join(", ")}`);
    }
    return [name, factory];
  });
}
