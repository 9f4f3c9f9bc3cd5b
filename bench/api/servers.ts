import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";

export interface Probe {
  eld: { p50: number; p99: number; max: number };
  /** `major`: mark-sweep-compact pauses among `count` (absent in results saved before). */
  gc: { count: number; ms: number; maxMs: number; major?: number };
  cpuUs: number;
}

/** A benchmarked server process pinned to one core, with the probe preloaded (event-loop delay, GC). */
export class PinnedServer {
  private constructor(
    readonly base: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(
    core: number,
    nodeArgs: string[],
    env: NodeJS.ProcessEnv,
    port: number,
  ): Promise<PinnedServer> {
    const probe = new URL("./probe.mjs", import.meta.url).pathname;
    const child = spawn("taskset", ["-c", String(core), process.execPath, "--import", probe, ...nodeArgs], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 300 || child.exitCode !== null)
        throw new Error(`server ${nodeArgs.join(" ")} did not become ready`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return new PinnedServer(base, child);
  }

  resetProbe(): void {
    this.child.send("probe:reset");
  }

  async readProbe(): Promise<Probe> {
    const reply = once(this.child, "message");
    this.child.send("probe:read");
    const [m] = (await reply) as [{ probe: Probe }];
    return m.probe;
  }

  /** SIGTERM and wait for the exit (a --cpu-prof profile is written then). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const gone = once(this.child, "exit");
    this.child.kill("SIGTERM");
    const stuck = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await gone;
    clearTimeout(stuck);
  }
}

/** Pins a process and all its threads to one core. */
export const pin = (pid: number, core: number) =>
  execFileSync("taskset", ["-a", "-p", "-c", String(core), String(pid)], { stdio: "ignore" });
