import { readFileSync } from "node:fs";
import { InvalidArgumentError, markdownTable } from "@tandem/core";
import { asVector } from "@tandem/eval";
import { parseFlags } from "../args.js";
import { pValue } from "../eval-summary.js";
import { pairedResults, signedDifference } from "../results/paired-results.js";
import type { EvalFile, EvalFileResult } from "../results/result-files.js";

export const compareHelp = `tandem compare --a <file[:model]> --b <file[:model]>   paired test of two tandem eval --json files
  Pairs the per-user metric vectors of two runs on the users both were judged on (paired bootstrap CI of
  a − b, two-sided sign-flip p; 2,000 resamples, seed 42), e.g. a default against a --set variant.
  Both files must come from the same protocol and dataset (same split); otherwise nothing is paired.
  A nightly run's runs/<id>/evaluation.json is read too (two nightlies on the same data pair).
  --a <file[:model]>     first run (model: its first result unless named)
  --b <file[:model]>     second run
  --metric <m,...>       metrics (default every metric both files hold per user, recall and ndcg)`;

function load(spec: string, flag: string): { file: EvalFile; result: EvalFileResult; name: string } {
  // "runs/a.json:tandem" names a model; a bare path takes the file's first result.
  const [, path, model] = /^(.*\.json)(?::([^:/\\]+))?$/.exec(spec) ?? [undefined, spec, undefined];
  let file: EvalFile;
  try {
    file = JSON.parse(readFileSync(path, "utf8")) as EvalFile;
  } catch (error) {
    throw new InvalidArgumentError(`${flag}: cannot read ${path}: ${(error as Error).message}`);
  }
  file = asEvalFile(file);
  const result = model === undefined ? file.results?.[0] : file.results?.find((r) => r.model === model);
  if (!result?.test?.perUser)
    throw new InvalidArgumentError(
      `${flag}: ${path} has no per-user vectors${model ? ` for model "${model}"` : ""} (write it with tandem eval --json)`,
    );
  return { file, result, name: `${path}:${result.model}` };
}

/**
 * A nightly's evaluation.json holds the same results with the protocol as a bare string and the per-user
 * typed arrays as JSON objects keyed by index: read as an eval file.
 */
function asEvalFile(file: EvalFile): EvalFile {
  const protocol = file.protocol as EvalFile["protocol"] | string | undefined;
  if (typeof protocol !== "string") return file;
  const list = (v: unknown) => Array.from(asVector(v as Record<string, number>));
  return {
    ...file,
    protocol: { description: protocol } as EvalFile["protocol"],
    results: (file.results ?? []).map((r) => ({
      ...r,
      test: {
        ...r.test,
        userIndexes: list(r.test.userIndexes),
        perUser: Object.fromEntries(Object.entries(r.test.perUser ?? {}).map(([m, v]) => [m, list(v)])),
      },
    })),
  };
}

export async function compareCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    a: { type: "string" },
    b: { type: "string" },
    metric: { type: "string" },
  });
  if (!flags.a || !flags.b) throw new InvalidArgumentError("tandem compare needs --a and --b");
  const a = load(flags.a, "--a");
  const b = load(flags.b, "--b");
  if (a.file.protocol.description !== b.file.protocol.description)
    throw new InvalidArgumentError(
      `the two runs used different protocols, so their users cannot be paired:\n  a: ${a.file.protocol.description}\n  b: ${b.file.protocol.description}`,
    );
  const shared = Object.keys(a.result.test.perUser).filter(
    (m) => m in b.result.test.perUser && /^(recall|ndcg)@/.test(m),
  );
  const metrics = flags.metric ? flags.metric.split(",").map((m) => m.trim()) : shared;
  const missing = metrics.filter((m) => !(m in a.result.test.perUser) || !(m in b.result.test.perUser));
  if (missing.length > 0) throw new InvalidArgumentError(`not in both files: ${missing.join(", ")}`);
  const rows = metrics.map((m) => {
    const t = pairedResults(a.result, b.result, m);
    if (t.users === 0)
      throw new InvalidArgumentError(`no user was judged in both runs (${m}): nothing to pair`);
    return [
      m,
      a.result.test.metrics[m]!.toFixed(4),
      b.result.test.metrics[m]!.toFixed(4),
      signedDifference(t),
      pValue(t.p),
      String(t.users),
    ];
  });
  process.stdout.write(`a = ${a.name}\nb = ${b.name}\n${a.file.protocol.description}\n\n`);
  process.stdout.write(`${markdownTable(["Metric", "a", "b", "a − b [95% CI]", "p", "users"], rows)}\n`);
}

export const compare = { run: compareCommand, help: compareHelp };
