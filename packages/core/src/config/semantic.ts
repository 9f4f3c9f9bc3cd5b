import { z } from "zod";

/** Semantic stage settings (text encoder, cache, profiles). Owned by @tandem/semantic. */
export const semanticConfigSchema = z
  .object({
    encoder: z
      .enum(["use-lite", "transformers", "http"])
      .default("use-lite")
      .describe("Text encoder provider."),
    halfLifeDays: z
      .number()
      .positive()
      .default(180)
      .describe("Recency half-life of the user profile, in days."),
  })
  .prefault({});
