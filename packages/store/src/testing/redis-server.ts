import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** A free TCP port on localhost (bind to 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {});
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`redis at ${url} did not answer PING`, { cause: error });
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      client.disconnect();
    }
  }
}

export interface TestRedisOptions {
  /** Port to use; default a free one. A restart reuses the port. */
  port?: number;
  /** Path of redis-server. Default "redis-server" on PATH (e.g. /usr/bin/redis-server). */
  binary?: string;
  /** Use REDIS_URL when set (never flushed: callers must use a unique namespace). Default true. */
  allowExternal?: boolean;
  /**
   * Keep data across restart() with an append-only file (fsync always), like a production Redis
   * that crashes and comes back. Default false: `--save "" --appendonly no`, a restart is empty.
   */
  persistence?: boolean;
}

/**
 * A redis-server for tests and benchmarks: its own process, port and temp dir, no persistence.
 * When REDIS_URL is set that instance is used instead (and `namespace` is unique per instance, so
 * nothing shared is ever flushed); restarting is only possible with an owned server.
 */
export class TestRedis {
  /** A random namespace, unique to this instance. */
  readonly namespace = `t${randomBytes(6).toString("hex")}`;
  private process: ChildProcess | null = null;
  private dir: string | null = null;

  private constructor(
    readonly url: string,
    readonly port: number,
    readonly external: boolean,
    private readonly binary: string,
    private readonly persistence = false,
  ) {}

  static async start(options: TestRedisOptions = {}): Promise<TestRedis> {
    const external = process.env["REDIS_URL"];
    if (external && options.allowExternal !== false) {
      return new TestRedis(external, Number(new URL(external).port || 6379), true, "");
    }
    const port = options.port ?? (await freePort());
    const server = new TestRedis(
      `redis://127.0.0.1:${port}`,
      port,
      false,
      options.binary ?? "redis-server",
      options.persistence ?? false,
    );
    await server.spawn();
    return server;
  }

  private async spawn(): Promise<void> {
    this.dir ??= mkdtempSync(join(tmpdir(), "tandem-redis-"));
    const persist = this.persistence
      ? ["--appendonly", "yes", "--appendfsync", "always"]
      : ["--appendonly", "no"];
    const child = spawn(
      this.binary,
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", ...persist, "--dir", this.dir],
      { stdio: "ignore" },
    );
    this.process = child;
    const exited = new Promise<never>((_, reject) =>
      child.once("exit", (code) => reject(new Error(`redis-server exited early with code ${code}`))),
    );
    exited.catch(() => {});
    await Promise.race([waitForPing(this.url, 10_000), exited]);
  }

  /** Kills the server hard (SIGKILL), as an outage would. */
  async kill(): Promise<void> {
    if (this.external) throw new Error("cannot kill an external REDIS_URL instance");
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await gone;
  }

  /** Freezes the server (SIGSTOP): connections stay open, commands queue unanswered, as in a stall. */
  pause(): void {
    if (!this.process) throw new Error("cannot pause an external or stopped redis-server");
    this.process.kill("SIGSTOP");
  }

  /** Resumes a paused server (SIGCONT): it then runs every command sent during the stall. */
  resume(): void {
    this.process?.kill("SIGCONT");
  }

  /** Kills the server and starts a new one on the same port: empty, or with its data if `persistence`. */
  async restart(): Promise<void> {
    await this.kill();
    if (!this.persistence) this.cleanDir();
    await this.spawn();
  }

  private cleanDir(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  /** Stops an owned server; on an external one, deletes only the keys of this instance's namespaces. */
  async stop(): Promise<void> {
    if (this.external) {
      await this.deleteOwnKeys();
      return;
    }
    await this.kill();
    this.cleanDir();
  }

  /** Keys of `namespace` and of namespaces derived from it (`<namespace>-…`), as built by keys.ts. */
  private async deleteOwnKeys(): Promise<void> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1 });
    client.on("error", () => {});
    try {
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", `{${this.namespace}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await client.unlink(...keys);
      } while (cursor !== "0");
    } finally {
      client.disconnect();
    }
  }
}
