import { type ParseArgsConfig, parseArgs } from "node:util";
import { InvalidArgumentError } from "@tandem/core";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with unknown flags reported as a typed, user-facing error. */
export function parseFlags<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function parseNumberList(raw: string | undefined, flag: string): number[] | undefined {
  if (raw === undefined) return undefined;
  const values = raw.split(",").map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isFinite(v) || v <= 0)) {
    throw new InvalidArgumentError(`${flag} expects positive numbers separated by commas, got "${raw}"`);
  }
  return values;
}

export function parseInteger(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new InvalidArgumentError(`${flag} expects an integer, got "${raw}"`);
  return value;
}
