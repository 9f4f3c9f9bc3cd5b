import { z } from "zod";
import { configSchema, envName } from "./load.js";

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
}

const typeOf = (s: JsonSchema): string => {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" \\| ");
  if (s.type === "array") return `${s.items ? typeOf(s.items) : "value"}[]`;
  return Array.isArray(s.type) ? s.type.join(" \\| ") : (s.type ?? "value");
};

/** The configuration reference in Markdown: one table per section, every field with its variable. */
export function configReference(): string {
  const schema = z.toJSONSchema(configSchema, { io: "input" }) as JsonSchema;
  const lines = [
    "# Configuration reference",
    "",
    "Generated from the config schema by `pnpm docs:config`; do not edit by hand.",
    "",
    "Tandem reads one validated configuration object at startup. Every field has the default below and can be",
    "overridden from the environment by the variable shown (lists are comma-separated; `null` clears a",
    "nullable field). `REDIS_URL` also sets `store.redisUrl`. An invalid value stops the process with a",
    "`ConfigError` naming the field and its variable.",
    "",
    "The CLI also takes `--config file.json` (nested keys) and `--set path=value` (e.g. `--set recall.als.alpha=20`;",
    "`tandem eval --help` lists every key). Precedence: defaults < `--config` file < environment < flags and `--set`.",
    "",
  ];
  for (const [section, sub] of Object.entries(schema.properties ?? {})) {
    lines.push(
      `## \`${section}\``,
      "",
      "| Field | Type | Default | Variable | Meaning |",
      "|---|---|---|---|---|",
    );
    const walk = (props: Record<string, JsonSchema>, path: string[]) => {
      for (const [key, field] of Object.entries(props)) {
        const here = [...path, key];
        if (field.properties) {
          walk(field.properties, here);
          continue;
        }
        const def = field.default === undefined ? "" : `\`${JSON.stringify(field.default)}\``;
        lines.push(
          `| \`${here.join(".")}\` | ${typeOf(field)} | ${def} | \`${envName(here)}\` | ${(field.description ?? "").replace(/\|/g, "\\|")} |`,
        );
      }
    };
    walk(sub.properties ?? {}, [section]);
    lines.push("");
  }
  return `${lines.join("\n")}`;
}
