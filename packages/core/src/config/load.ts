import { z } from "zod";
import { ConfigError } from "../errors.js";
import { apiConfigSchema } from "./api.js";
import { nightlyConfigSchema } from "./nightly.js";
import { recallConfigSchema } from "./recall.js";
import { rerankConfigSchema } from "./rerank.js";
import { searchConfigSchema } from "./search.js";
import { semanticConfigSchema } from "./semantic.js";
import { storeConfigSchema } from "./store.js";
import { workerConfigSchema } from "./worker.js";

/**
 * Tandem's one configuration object. Every field has a documented default; any leaf can be overridden
 * from the environment as TANDEM_<SECTION>_<FIELD> in upper snake case (e.g. TANDEM_EVAL_SEED=7,
 * TANDEM_DATA_MIN_USER_INTERACTIONS=10, TANDEM_EVAL_KS=10,20), and from the CLI by `--set path=value`
 * or a `--config file.json`. Load it once at startup with `loadConfig`.
 */
export const configSchema = z.object({
  data: z
    .object({
      dir: z.string().default("data/ml-latest-small").describe("Dataset directory."),
      format: z
        .enum(["auto", "ml-latest", "ml-100k", "ml-1m", "generic"])
        .default("auto")
        .describe("Input format; `auto` detects it from the files present."),
      minUserInteractions: z
        .number()
        .int()
        .min(0)
        .default(5)
        .describe("k-core: minimum interactions per user."),
      minItemInteractions: z
        .number()
        .int()
        .min(0)
        .default(5)
        .describe("k-core: minimum interactions per item."),
      ratingThreshold: z
        .number()
        .nullable()
        .default(null)
        .describe("Implicit feedback: keep interactions with value >= threshold; null keeps all."),
      skipMalformed: z
        .boolean()
        .default(false)
        .describe("Skip malformed rows (counted and reported) instead of failing on the first one."),
      keepRepeats: z
        .boolean()
        .default(false)
        .describe(
          "Keep every row of a (user, item) pair (repeat purchases, replays) instead of only the latest.",
        ),
    })
    .prefault({}),
  eval: z
    .object({
      protocol: z.enum(["loo", "ratio", "temporal"]).default("loo").describe("Split protocol."),
      ks: z
        .array(z.coerce.number().int().positive())
        .default([10, 20])
        .describe("Cut-offs for every metric."),
      seed: z.number().int().default(42).describe("Seed for random splits and stochastic models."),
      ratio: z
        .array(z.coerce.number().positive())
        .default([0.8, 0.1, 0.1])
        .describe("Per-user train/validation/test fractions for the ratio protocol."),
      splitSeed: z
        .number()
        .int()
        .nullable()
        .default(null)
        .describe("Seed of the ratio split's shuffle; null uses eval.seed (models keep eval.seed)."),
      temporalCut: z
        .array(z.coerce.number().positive())
        .default([0.8, 0.1, 0.1])
        .describe("Global time quantiles for train/validation/test in the temporal protocol."),
      tieOrder: z
        .string()
        .regex(/^(item-id|file|random:-?\d+)$/, "item-id, file or random:<seed>")
        .default("item-id")
        .describe(
          "Leave-one-out order of same-timestamp interactions: item-id (published protocol), file, random:<seed>.",
        ),
      itemTags: z
        .enum(["before-cut", "none", "all"])
        .default("before-cut")
        .describe(
          "User tags in item text at evaluation: before-cut (written before the split's earliest held-out event), none, or all (leaks; for measuring the leak).",
        ),
      easeMaxItems: z
        .number()
        .int()
        .positive()
        .default(10_000)
        .describe("EASE baseline refuses catalogues above this size (a dense items × items inverse)."),
      seenItems: z
        .enum(["mask", "allow"])
        .default("mask")
        .describe(
          "Items already in the user's history: mask (never recommended, the reference protocol) or allow (repeat consumption). With data.keepRepeats both are reported.",
        ),
      bootstrap: z
        .number()
        .int()
        .min(1000)
        .default(2000)
        .describe("Bootstrap resamples of the users for every confidence interval and paired test."),
      search: searchConfigSchema,
    })
    .prefault({}),
  recall: recallConfigSchema,
  rerank: rerankConfigSchema,
  semantic: semanticConfigSchema,
  store: storeConfigSchema,
  worker: workerConfigSchema,
  api: apiConfigSchema,
  nightly: nightlyConfigSchema,
});

export type TandemConfig = z.infer<typeof configSchema>;
/** What callers may pass: any subset, deeply. */
export type TandemConfigInput = z.input<typeof configSchema>;

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** The environment variable that overrides the leaf at `path`. */
export const envName = (path: readonly string[]) => `TANDEM_${path.map(snake).join("_")}`;

/** A leaf's text (an environment variable, a `--set` value) as the type its default has. */
export function parseEnvValue(raw: string, example: unknown): unknown {
  // Arrays stay strings here; numeric array fields use z.coerce.number() in the schema.
  if (Array.isArray(example)) return raw.split(",").map((s) => s.trim());
  if (example === null) {
    // Nullable fields (a threshold, a URL): "null" clears, numbers stay numbers, anything else is text.
    if (raw === "null") return null;
    return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  if (typeof example === "number") return Number(raw);
  if (typeof example === "boolean") return raw === "true" || raw === "1";
  return raw;
}

function envOverrides(defaults: Record<string, unknown>, env: NodeJS.ProcessEnv, path: string[] = []) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(defaults)) {
    const here = [...path, key];
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const nested = envOverrides(value as Record<string, unknown>, env, here);
      if (Object.keys(nested).length > 0) out[key] = nested;
      continue;
    }
    const raw = env[envName(here)];
    if (raw !== undefined) out[key] = parseEnvValue(raw, value);
  }
  return out;
}

/** `top` over `base`, object by object (arrays and scalars replace). */
export function deepMerge(
  base: Record<string, unknown>,
  top: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const prev = out[key];
    const bothObjects =
      value !== null &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      prev &&
      typeof prev === "object";
    out[key] = bothObjects
      ? deepMerge(prev as Record<string, unknown>, value as Record<string, unknown>)
      : value;
  }
  return out;
}

/** The defaults, fully populated. */
export const defaultConfig = (): TandemConfig => configSchema.parse({});

/**
 * Builds the validated config: defaults < `base` (a `--config` file) < environment < `overrides` (CLI
 * flags: what a user typed for this one run beats what the shell exported). Throws ConfigError listing
 * every invalid field.
 */
export function loadConfig(
  overrides: TandemConfigInput = {},
  env: NodeJS.ProcessEnv = process.env,
  base: TandemConfigInput = {},
): TandemConfig {
  const fromEnv = envOverrides(defaultConfig() as unknown as Record<string, unknown>, env);
  const merged = deepMerge(
    deepMerge(base as Record<string, unknown>, fromEnv),
    overrides as Record<string, unknown>,
  );
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issues = result.error.issues.map((i) => {
      const path = i.path.map(String);
      return `${path.join(".")} (${envName(path)}): ${i.message}`;
    });
    throw new ConfigError(`invalid configuration: ${issues.join("; ")}`, issues);
  }
  return result.data;
}
