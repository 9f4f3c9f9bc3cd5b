/**
 * Fault trials: the CI fault scenarios (test/fault-scenarios.ts) repeated N times each
 * (`TANDEM_BENCH_FAULT_TRIALS`, default 2), with a real redis-server and the real CLI and worker
 * processes. Reports, per scenario, trials run, trials that lost something, and what was lost.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { markdownTable } from "@tandem/core";
import { TestRedis } from "@tandem/store/testing";
import {
  coldWorkerAcrossNightlies,
  erasureSurvivesEmptyRedis,
  type FaultWorld,
  faultWorld,
  killDuringPrecompute,
} from "../test/fault-scenarios.js";
import { writeSection } from "./machine.js";

const trials = Number(process.env["TANDEM_BENCH_FAULT_TRIALS"] ?? 2);
const scenarios: [string, string, (world: FaultWorld) => Promise<string[]>][] = [
  [
    "cold worker across nightlies",
    "worker started cold refreshes a user; erasure + event-only user + nightly; same worker refreshes again",
    coldWorkerAcrossNightlies,
  ],
  [
    "kill during precompute, resume",
    "SIGKILL after the first user batch is written, checkpoint claims precompute done, resume",
    killDuringPrecompute,
  ],
  [
    "erasure across an empty Redis",
    "erase, nightly, restart redis-server without persistence, nightly; search keys, jobs, artifacts",
    erasureSurvivesEmptyRedis,
  ],
];

const redis = await TestRedis.start({ allowExternal: false });
const cacheDir = join(mkdtempSync(join(tmpdir(), "tandem-bench-faults-")), "cache");
const rows: (string | number)[][] = [];
try {
  for (const [name, what, scenario] of scenarios) {
    const lost: string[] = [];
    let failedTrials = 0;
    const started = performance.now();
    for (let t = 0; t < trials; t++) {
      const world = faultWorld(redis, `${name.split(" ")[0]}${t}`, cacheDir);
      const losses = await scenario(world);
      process.stderr.write(
        `${name} #${t + 1}: ${losses.length === 0 ? "nothing lost" : losses.join("; ")}\n`,
      );
      if (losses.length > 0) failedTrials++;
      lost.push(...losses);
    }
    const seconds = (performance.now() - started) / 1000 / trials;
    rows.push([
      name,
      what,
      trials,
      failedTrials,
      lost.length === 0 ? "nothing" : lost.join("; "),
      seconds.toFixed(0),
    ]);
  }
} finally {
  await redis.stop();
}

writeSection(
  "faults",
  "Fault trials",
  `Each scenario of the CI fault suite (\`test/faults.test.ts\`), repeated ${trials} times
(\`TANDEM_BENCH_FAULT_TRIALS\`), each trial in a fresh namespace and runs folder: a real redis-server, the
\`tandem\` CLI and the worker's \`main.ts\` as child processes, the real encoder (cache shared across trials),
the 50-core slice of ml-latest-small (207 users). "Lost" lists every check that failed: a user not refreshed,
a half-published version, an erased user found anywhere, a process that did not exit within 5 s of its last
output.

${markdownTable(["Scenario", "What happens", "Trials", "Trials that lost something", "Lost", "s / trial"], rows)}`,
);
