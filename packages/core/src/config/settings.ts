import { z } from "zod";
import { ConfigError } from "../errors.js";
import { configSchema, defaultConfig, envName, parseEnvValue, type TandemConfigInput } from "./load.js";

/** One settable leaf of the config: its dotted path, default and meaning (for `--help`). */
export interface ConfigKey {
  path: string;
  default: unknown;
  description: string;
  env: string;
}

/** Every leaf of the config, in schema order. */
export function configKeys(): ConfigKey[] {
  const schema = z.toJSONSchema(configSchema, { io: "input" }) as Node;
  const out: ConfigKey[] = [];
  const walk = (node: Node, path: string[]) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const here = [...path, key];
      if (child.properties) walk(child, here);
      else
        out.push({
          path: here.join("."),
          default: child.default,
          description: child.description ?? "",
          env: envName(here),
        });
    }
  };
  walk(schema, []);
  return out;
}

interface Node {
  properties?: Record<string, Node>;
  default?: unknown;
  description?: string;
}

/**
 * `path=value` (a `--set` flag) as a config fragment, the value typed like the leaf's default the way an
 * environment variable is. An unknown path is a ConfigError naming the nearest keys.
 */
export function settingFromText(text: string): TandemConfigInput {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new ConfigError(`--set expects path=value, got "${text}"`, [text]);
  const path = text.slice(0, eq).trim().split(".");
  const raw = text.slice(eq + 1);
  let example: unknown = defaultConfig();
  for (const part of path) {
    const isObject = example !== null && typeof example === "object" && !Array.isArray(example);
    if (!isObject || !Object.hasOwn(example as object, part)) {
      const known = configKeys()
        .map((k) => k.path)
        .filter((p) => p.startsWith(path.slice(0, -1).join(".")));
      throw new ConfigError(
        `unknown config key "${path.join(".")}"; keys there: ${known.slice(0, 12).join(", ")}`,
        [path.join(".")],
      );
    }
    example = (example as Record<string, unknown>)[part];
  }
  if (example !== null && typeof example === "object" && !Array.isArray(example))
    throw new ConfigError(`"${path.join(".")}" is a section; set one of its keys`, [path.join(".")]);
  let leaf: Record<string, unknown> = { [path[path.length - 1]!]: parseEnvValue(raw, example) };
  for (let i = path.length - 2; i >= 0; i--) leaf = { [path[i]!]: leaf };
  return leaf as TandemConfigInput;
}
