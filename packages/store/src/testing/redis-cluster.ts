import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cluster, Redis } from "ioredis";
import { freePort } from "./redis-server.js";

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} timed out`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function ask<T>(port: number, fn: (c: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

export interface TestRedisClusterOptions {
  /** Masters to start. Default 3 (the smallest cluster redis-cli accepts). */
  masters?: number;
  /** Path of redis-server; redis-cli is looked up next to it on PATH. Default "redis-server". */
  binary?: string;
}

/**
 * A real Redis Cluster for tests: `masters` redis-server processes with --cluster-enabled on free
 * loopback ports, joined by `redis-cli --cluster create … --cluster-replicas 0`, no persistence.
 * stop() kills them and removes their dirs; the processes also die with the test process.
 */
export class TestRedisCluster {
  /** A random namespace, unique to this instance. */
  readonly namespace = `t${randomBytes(6).toString("hex")}`;
  private readonly children: ChildProcess[] = [];
  private readonly onExit = () => this.killAll();

  private constructor(
    readonly ports: number[],
    private readonly dir: string,
  ) {}

  /** The seed list as REDIS_CLUSTER_NODES takes it. */
  get nodes(): string {
    return this.ports.map((p) => `redis://127.0.0.1:${p}`).join(",");
  }

  static async start(options: TestRedisClusterOptions = {}): Promise<TestRedisCluster> {
    const masters = options.masters ?? 3;
    const ports: number[] = [];
    while (ports.length < masters) {
      const port = await freePort();
      // The cluster bus listens on port + 10000: it must be a valid port too.
      if (port + 10_000 < 65_536 && !ports.includes(port)) ports.push(port);
    }
    const cluster = new TestRedisCluster(ports, mkdtempSync(join(tmpdir(), "tandem-cluster-")));
    process.once("exit", cluster.onExit);
    try {
      await cluster.spawnAll(options.binary ?? "redis-server");
      await cluster.create();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private async spawnAll(binary: string): Promise<void> {
    for (const port of this.ports) {
      const child = spawn(
        binary,
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          `nodes-${port}.conf`,
          "--cluster-node-timeout",
          "5000",
          "--save",
          "",
          "--appendonly",
          "no",
          "--dir",
          this.dir,
        ],
        { stdio: "ignore" },
      );
      this.children.push(child);
    }
    for (const port of this.ports)
      await waitFor(() => ask(port, async (c) => (await c.ping()) === "PONG"), "ping");
  }

  private async create(): Promise<void> {
    const result = spawnSync(
      "redis-cli",
      [
        "--cluster",
        "create",
        ...this.ports.map((p) => `127.0.0.1:${p}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    if (result.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${result.stdout}${result.stderr}`);
    // Every node must agree that all slots are served before clients route by the slot map.
    for (const port of this.ports)
      await waitFor(
        () => ask(port, async (c) => String(await c.cluster("INFO")).includes("cluster_state:ok")),
        "cluster_state:ok",
      );
  }

  /** A cluster client (the caller closes it). */
  client(): Cluster {
    const client = new Cluster(
      this.ports.map((port) => ({ host: "127.0.0.1", port })),
      { redisOptions: { maxRetriesPerRequest: 1 } },
    );
    client.on("error", () => {});
    return client;
  }

  /** Keys per master (DBSIZE), for spread checks. */
  async keysPerNode(): Promise<number[]> {
    return Promise.all(this.ports.map((port) => ask(port, (c) => c.dbsize())));
  }

  /** `redis-cli --cluster <args…>` against the first node (e.g. a reshard); returns stdout. */
  cli(...args: string[]): string {
    const result = spawnSync(
      "redis-cli",
      ["--cluster", args[0]!, `127.0.0.1:${this.ports[0]}`, ...args.slice(1)],
      {
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    if (result.status !== 0)
      throw new Error(`redis-cli --cluster ${args[0]} failed: ${result.stdout}${result.stderr}`);
    return result.stdout;
  }

  /** The port of the master serving `slot`. */
  async ownerOf(slot: number): Promise<number> {
    type Range = [from: number, to: number, master: [host: string, port: number]];
    const ranges = (await ask(this.ports[0]!, (c) => c.cluster("SLOTS"))) as unknown as Range[];
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`slot ${slot} is not served`);
    return range[2][1];
  }

  /**
   * Moves one slot to the master on `toPort` while clients keep running, the way redis-cli reshard
   * does: IMPORTING/MIGRATING (clients get ASK), MIGRATE the keys in batches, then SETSLOT NODE
   * everywhere (clients get MOVED).
   */
  async migrateSlot(slot: number, toPort: number): Promise<void> {
    const fromPort = await this.ownerOf(slot);
    if (fromPort === toPort) return;
    const id = (port: number) => ask(port, (c) => c.cluster("MYID") as Promise<string>);
    const [fromId, toId] = await Promise.all([id(fromPort), id(toPort)]);
    await ask(toPort, (c) => c.cluster("SETSLOT", slot, "IMPORTING", fromId));
    await ask(fromPort, (c) => c.cluster("SETSLOT", slot, "MIGRATING", toId));
    for (;;) {
      const keys = (await ask(fromPort, (c) => c.cluster("GETKEYSINSLOT", slot, 50))) as string[];
      if (keys.length === 0) break;
      await ask(fromPort, (c) =>
        c.call("MIGRATE", "127.0.0.1", toPort, "", 0, 5000, "REPLACE", "KEYS", ...keys),
      );
    }
    for (const port of [toPort, fromPort, ...this.ports.filter((p) => p !== toPort && p !== fromPort)])
      await ask(port, (c) => c.cluster("SETSLOT", slot, "NODE", toId));
  }

  /** The cluster slot of a key (CLUSTER KEYSLOT). */
  keySlot(key: string): Promise<number> {
    return ask(this.ports[0]!, (c) => c.cluster("KEYSLOT", key) as Promise<number>);
  }

  private killAll(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill("SIGKILL");
  }

  async stop(): Promise<void> {
    process.removeListener("exit", this.onExit);
    const gone = this.children
      .filter((c) => c.exitCode === null)
      .map((c) => new Promise((r) => c.once("exit", r)));
    this.killAll();
    await Promise.all(gone);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
