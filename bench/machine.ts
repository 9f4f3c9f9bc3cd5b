import { writeFileSync } from "node:fs";
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
