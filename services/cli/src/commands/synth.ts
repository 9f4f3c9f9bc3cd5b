import { InvalidArgumentError } from "@tandem/core";
import { parseShape, writeSynthetic } from "@tandem/data";
import { parseFlags, parseInteger } from "../args.js";

export const synthHelp = `tandem synth --shape <shape> --out <dir> [options]   write a synthetic dataset in the generic format
  Lognormal user activity, Zipf item popularity ((rank + 20)^-1), sessions and sequels (so next-item and
  co-visitation signals exist) and item texts with topic structure; exactly the requested number of
  distinct (user, item) interactions. Read it back with --dataset <dir> on any command.
  --shape <s>            ml-1m (6,040 x 3,706 x 1,000,209) | ml-10m | ml-25m | <users>x<items>x<interactions>
  --out <dir>            output directory (interactions.csv, items.csv, synth.json)
  --seed <n>             generator seed (default 1)
  --quiet                no progress output`;

export async function synthCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, {
    shape: { type: "string" },
    out: { type: "string" },
    seed: { type: "string" },
    quiet: { type: "boolean" },
  });
  if (!flags.shape) throw new InvalidArgumentError("tandem synth needs --shape (see tandem synth --help)");
  if (!flags.out) throw new InvalidArgumentError("tandem synth needs --out <dir>");
  const summary = await writeSynthetic({
    shape: parseShape(flags.shape),
    out: flags.out,
    seed: parseInteger(flags.seed, "--seed") ?? 1,
    progress: !flags.quiet,
  });
  process.stdout.write(
    `${summary.shape.users} users, ${summary.shape.items} items, ${summary.interactions} interactions ` +
      `(per user min ${summary.minPerUser}, median ${summary.medianPerUser}, max ${summary.maxPerUser}) ` +
      `written to ${flags.out} in ${summary.seconds.toFixed(1)} s\n`,
  );
}
