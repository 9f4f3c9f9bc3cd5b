import { readFileSync, writeFileSync } from "node:fs";
import { InvalidArgumentError } from "@tandem/core";
import { parseFlags } from "../args.js";
import { applySections, readmeSections } from "../results/index.js";

export const resultsHelp = `tandem results [options]   rewrite the README's result tables from the committed JSON
  Every table between <!-- results:NAME --> markers is rebuilt from docs/results/*.json (made by
  docs/results/regenerate.sh, i.e. tandem eval/coldstart --json). Nothing is re-evaluated.
  --dir <dir>            results directory (default docs/results)
  --readme <file>        README to rewrite (default README.md)
  --check                change nothing; fail if the README differs from the JSON`;

export async function resultsCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    dir: { type: "string" },
    readme: { type: "string" },
    check: { type: "boolean" },
  });
  const readmeFile = flags.readme ?? "README.md";
  const readme = readFileSync(readmeFile, "utf8");
  const next = applySections(readme, readmeSections(flags.dir ?? "docs/results"));
  if (flags.check) {
    if (next !== readme)
      throw new InvalidArgumentError(`${readmeFile} differs from the results JSON: run tandem results`);
    process.stdout.write(`${readmeFile} matches the results JSON\n`);
    return;
  }
  writeFileSync(readmeFile, next);
  process.stdout.write(`rewrote ${readmeFile}\n`);
}

export const results = { run: resultsCommand, help: resultsHelp };
