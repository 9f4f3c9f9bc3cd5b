import type { TandemConfig } from "@tandem/core";
import type { ModelFactory } from "@tandem/eval";
import { createCachedEncoder } from "../encoder/create-encoder.js";
import type { TextEncoder } from "../encoder/text-encoder.js";
import { ItemTextTemplate } from "../text/item-text.js";
import { SemanticRecommender } from "./semantic-recommender.js";

export interface SemanticModelsOptions {
  /** Use this encoder (or this shared lazy getter) instead of building the configured one. */
  encoder?: TextEncoder | (() => Promise<TextEncoder>);
}

/**
 * The semantic models for `tandem eval`, keyed by name. The encoder (with its disk cache) is built on the
 * first fit and shared by every model the factories make, so a protocol run loads the model once.
 */
export function semanticModels(
  config: TandemConfig,
  options: SemanticModelsOptions = {},
): Record<string, ModelFactory> {
  const settings = config.semantic;
  const given = options.encoder;
  let encoder: Promise<TextEncoder> | null =
    given && typeof given !== "function" ? Promise.resolve(given) : null;
  const getEncoder =
    typeof given === "function"
      ? given
      : () => {
          encoder ??= createCachedEncoder(settings);
          return encoder;
        };
  const template = new ItemTextTemplate(settings.textTemplate, settings.maxChars);
  const grid = [...new Set([...settings.halfLifeGrid, settings.halfLifeDays])].sort((a, b) => a - b);
  return {
    // The tuning fit picks the half-life on validation; the refit receives it in `tuned`.
    semantic: ({ tuned }) => {
      const fixed = typeof tuned?.halfLifeDays === "number" ? tuned.halfLifeDays : undefined;
      return new SemanticRecommender({
        encoder: getEncoder,
        template,
        halfLifeDays: fixed ?? settings.halfLifeDays,
        halfLifeGrid: fixed === undefined ? grid : [],
      });
    },
  };
}
