import { readFileSync } from "node:fs";
import {
  ConfigError,
  configKeys,
  deepMerge,
  loadConfig,
  settingFromText,
  type TandemConfig,
  type TandemConfigInput,
} from "@tandem/core";
import { parseInteger, parseNumberList } from "./args.js";

/** Flags every data-reading command shares, and how they map onto the config. */
export const dataFlags = {
  dataset: { type: "string" },
  format: { type: "string" },
  k: { type: "string" },
  seed: { type: "string" },
  "min-user": { type: "string" },
  "min-item": { type: "string" },
  threshold: { type: "string" },
  ratio: { type: "string" },
  "split-seed": { type: "string" },
  "skip-malformed": { type: "boolean" },
  "keep-repeats": { type: "boolean" },
  set: { type: "string", multiple: true },
  config: { type: "string" },
  quiet: { type: "boolean" },
} as const;

export const dataHelp = `  --dataset <dir>        dataset directory (default: config data.dir = data/ml-latest-small)
  --format <f>           auto | ml-latest | ml-100k | ml-1m | generic (default auto)
  --k <10,20>            cut-offs (default 10,20)
  --seed <n>             seed for splits and models (default 42)
  --min-user <n>         k-core threshold for users (default 5)
  --min-item <n>         k-core threshold for items (default 5)
  --threshold <r>        implicit feedback: keep ratings >= r (default: keep all)
  --ratio <a,b,c>        ratio protocol's train/validation/test fractions (default 0.8,0.1,0.1)
  --split-seed <n>       seed of the ratio split only (default: --seed)
  --skip-malformed       skip and report malformed rows instead of failing
  --keep-repeats         keep every row of a (user, item) pair (repeat consumption) instead of the latest
  --set <path=value>     set any config key below, e.g. --set recall.als.alpha=20 (repeatable)
  --config <file.json>   config file (any subset of the keys, nested: {"recall":{"als":{"alpha":20}}})
  --quiet                no progress output

Precedence: defaults < --config file < TANDEM_* environment < flags and --set.`;

type DataFlagValues = Partial<Record<keyof typeof dataFlags, string | boolean | string[]>> &
  Record<string, unknown>;

export function configFromFlags(flags: DataFlagValues): TandemConfigInput {
  const str = (name: keyof typeof dataFlags) => flags[name] as string | undefined;
  return {
    data: {
      ...(str("dataset") !== undefined && { dir: str("dataset") }),
      ...(str("format") !== undefined && { format: str("format") as never }),
      ...(str("min-user") !== undefined && {
        minUserInteractions: parseInteger(str("min-user"), "--min-user"),
      }),
      ...(str("min-item") !== undefined && {
        minItemInteractions: parseInteger(str("min-item"), "--min-item"),
      }),
      ...(str("threshold") !== undefined && {
        ratingThreshold: parseNumberList(str("threshold"), "--threshold")![0],
      }),
      ...(flags["skip-malformed"] === true && { skipMalformed: true }),
      ...(flags["keep-repeats"] === true && { keepRepeats: true }),
    },
    eval: {
      ...(str("k") !== undefined && { ks: parseNumberList(str("k"), "--k") }),
      ...(str("seed") !== undefined && { seed: parseInteger(str("seed"), "--seed") }),
      ...(str("ratio") !== undefined && { ratio: parseNumberList(str("ratio"), "--ratio") }),
      ...(str("split-seed") !== undefined && {
        splitSeed: parseInteger(str("split-seed"), "--split-seed"),
      }),
    },
  };
}

/** A --config file's contents: a JSON object of config keys (validated with everything else). */
function configFile(path: string | undefined): TandemConfigInput {
  if (path === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`--config ${path}: ${(error as Error).message}`, [path]);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new ConfigError(`--config ${path}: expected a JSON object of config keys`, [path]);
  return parsed as TandemConfigInput;
}

/**
 * The run's config from the command line: defaults < --config file < environment < --set < the named
 * flags (and `extra`, a command's own flags). One place for the precedence of every command.
 */
export function configFromCli(
  flags: DataFlagValues,
  extra: TandemConfigInput = {},
  env: NodeJS.ProcessEnv = process.env,
): TandemConfig {
  let overrides: Record<string, unknown> = {};
  for (const text of (flags.set as string[] | undefined) ?? [])
    overrides = deepMerge(overrides, settingFromText(text) as Record<string, unknown>);
  overrides = deepMerge(overrides, configFromFlags(flags) as Record<string, unknown>);
  overrides = deepMerge(overrides, extra as Record<string, unknown>);
  return loadConfig(overrides, env, configFile(flags.config as string | undefined));
}

/** Every config key with its default, for `--help`. */
export function configKeysHelp(): string {
  const rows = configKeys().map((k) => [`${k.path}=${JSON.stringify(k.default) ?? ""}`, k.description]);
  const width = Math.min(48, Math.max(...rows.map(([key]) => key!.length)));
  return [
    "Config keys (--set path=value; default shown; environment variable TANDEM_<PATH> in upper snake case):",
    ...rows.map(([key, text]) => `  ${key!.padEnd(width)}  ${firstSentence(text!)}`),
  ].join("\n");
}

const firstSentence = (text: string) => {
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
};

export const stderrLog = (quiet: unknown) => (line: string) => {
  if (!quiet) process.stderr.write(`${line}\n`);
};
