import type { TandemConfigInput } from "@tandem/core";
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
  "skip-malformed": { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

export const dataHelp = `  --dataset <dir>        dataset directory (default: config data.dir = data/ml-latest-small)
  --format <f>           auto | ml-latest | ml-100k | ml-1m | generic (default auto)
  --k <10,20>            cut-offs (default 10,20)
  --seed <n>             seed for splits and models (default 42)
  --min-user <n>         k-core threshold for users (default 5)
  --min-item <n>         k-core threshold for items (default 5)
  --threshold <r>        implicit feedback: keep ratings >= r (default: keep all)
  --skip-malformed       skip and report malformed rows instead of failing
  --quiet                no progress output`;

type DataFlagValues = Partial<Record<keyof typeof dataFlags, string | boolean>> & Record<string, unknown>;

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
    },
    eval: {
      ...(str("k") !== undefined && { ks: parseNumberList(str("k"), "--k") }),
      ...(str("seed") !== undefined && { seed: parseInteger(str("seed"), "--seed") }),
    },
  };
}

export const stderrLog = (quiet: unknown) => (line: string) => {
  if (!quiet) process.stderr.write(`${line}\n`);
};
