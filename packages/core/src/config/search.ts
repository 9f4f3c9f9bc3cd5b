import { z } from "zod";

/**
 * The hyperparameter search `tandem eval` runs on validation for every model that declares a space
 * (ALS, BPR): trial 1 is the configured values, the rest are a seeded draw without replacement from the
 * model's grid. Epochs stay early-stopped inside each trial. Whichever budget runs out first ends it.
 */
export const searchConfigSchema = z
  .object({
    trials: z
      .number()
      .int()
      .positive()
      .default(12)
      .describe(
        "Trials per model (1 = the configured values only, i.e. no search). A space smaller than this is searched exhaustively.",
      ),
    seconds: z
      .number()
      .positive()
      .default(1200)
      .describe(
        "No trial starts after this many seconds of search (the first always runs); the report says when the clock, not the trial count, ended it.",
      ),
  })
  .prefault({});

export type SearchConfig = z.infer<typeof searchConfigSchema>;
