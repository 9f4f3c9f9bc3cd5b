import { InvalidArgumentError, type TandemConfig } from "@tandem/core";
import { ItemKnnRecommender, type ModelFactory, PopularityRecommender } from "@tandem/eval";
import { recallModels } from "@tandem/recall";

/**
 * Every model `tandem eval --model` knows, by name. Stage packages contribute their own factories here;
 * this is the only place that chooses implementations.
 */
export function modelRegistry(config: TandemConfig): Record<string, ModelFactory> {
  return {
    pop: () => new PopularityRecommender(),
    itemknn: ({ tuned }) => new ItemKnnRecommender(tuned?.["neighbors"] as number | undefined),
    ...recallModels(config),
  };
}

export function pickModels(config: TandemConfig, names: readonly string[]): [string, ModelFactory][] {
  const registry = modelRegistry(config);
  return names.map((name) => {
    const factory = registry[name];
    if (!factory) {
      throw new InvalidArgumentError(`unknown model "${name}"; known: ${Object.keys(registry).join(", ")}`);
    }
    return [name, factory];
  });
}
