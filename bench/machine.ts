import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

/** One line naming the machine, for every benchmark section. */
export const machine = () =>
  `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;

/** Writes bench/results/<name>.md with the standard header (command, machine, date). */
export function writeSection(name: string, title: string, body: string): void {
  const header = [
    `## ${title}`,
    "",
    `Command: \`pnpm bench ${name}\` · Machine: ${machine()} · Date: ${new Date().toISOString().slice(0, 10)}`,
    "",
  ].join("\n");
  writeFileSync(join(import.meta.dirname, "results", `${name}.md`), `${header}\n${body.trim()}\n`);
}

/** Peak resident set size so far, in MiB (Linux reports it in resourceUsage().maxRSS as KiB). */
export const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;

/**
 * Runs `script --shape <shape> --out <file>` once per shape, each in its own process (so peak memory is per
 * shape), and returns what each wrote to its JSON file (scratch/<prefix>-<shape>.json).
 */
export function eachShapeInOwnProcess<T>(script: string, prefix: string, shapes: readonly string[]): T[] {
  return shapes.map((shape) => {
    const out = join(import.meta.dirname, "..", "scratch", `${prefix}-${shape.replace(":", "-")}.json`);
    process.stderr.write(`${prefix} bench: == ${shape}\n`);
    execFileSync(process.execPath, ["--import", "tsx", script, "--shape", shape, "--out", out], {
      stdio: "inherit",
    });
    return JSON.parse(readFileSync(out, "utf8")) as T;
  });
}
