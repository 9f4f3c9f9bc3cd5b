import { TandemError } from "@tandem/core";
import { coldstartCommand, coldstartHelp } from "./commands/coldstart.js";
import { demoCommand, demoHelp } from "./commands/demo.js";
import { evalCommand, evalHelp } from "./commands/eval.js";
import { nightlyCommand, nightlyHelp } from "./commands/nightly.js";
import { synthCommand, synthHelp } from "./commands/synth.js";
import { configKeysHelp } from "./common-flags.js";

const commands: Record<string, { run: (argv: string[]) => Promise<void>; help: string }> = {
  coldstart: { run: coldstartCommand, help: coldstartHelp },
  demo: { run: demoCommand, help: demoHelp },
  eval: { run: evalCommand, help: evalHelp },
  nightly: { run: nightlyCommand, help: nightlyHelp },
  synth: { run: synthCommand, help: synthHelp },
  results: (await import("./commands/results.js")).results,
  candidates: (await import("./commands/candidates.js")).candidates,
  compare: (await import("./commands/compare.js")).compare,
};

const usage = `usage: tandem <command> [options]

commands:
${Object.values(commands)
  .map((c) => `  ${c.help.split("\n")[0]}`)
  .join("\n")}

Run "tandem <command> --help" for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    process.stdout.write(`${usage}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`tandem: unknown command "${name}"\n\n${usage}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    // Commands that take --set list every key it can set.
    const keys = command.help.includes("--set") ? `\n\n${configKeysHelp()}` : "";
    process.stdout.write(`${command.help}${keys}\n`);
    return 0;
  }
  await command.run(rest);
  return 0;
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof TandemError) {
    process.stderr.write(`tandem: error [${error.code}] ${error.message}\n`);
    code = 2;
  } else {
    process.stderr.write(`tandem: internal error: ${(error as Error).stack ?? error}\n`);
    code = 1;
  }
}
// Every command ends here with an explicit code: a handle some library left open (a thread pool, a
// socket) must never keep a finished run alive (a hung CronJob run would skip every later night).
process.exit(code);
