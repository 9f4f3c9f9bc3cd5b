/**
 * The gRPC-vs-HTTP load generator in a process of its own: the benchmark's main process holds the dataset,
 * the trained model and the encoder (74 MiB of heap against this one's 18 MiB), and its GC pauses (up to
 * 17–58 ms a block at load average 1–2.5) held back sends and answers of both transports alike. Run by
 * `grpcVsHttpInOwnProcess`; it starts the API itself (core 1).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Call, type GrpcLoadOptions, type GrpcRow, grpcVsHttp } from "./grpc-vs-http.js";
import { PinnedServer } from "./servers.js";

export interface GeneratorSpec {
  /** The API: node arguments (script last), its environment, HTTP and gRPC ports. */
  api: { nodeArgs: string[]; env: Record<string, string>; port: number; grpcPort: number };
  calls: Record<string, Call>;
  load: Omit<GrpcLoadOptions, "trace">;
  /** Per-block lines on stderr. */
  trace: boolean;
}

const self = fileURLToPath(import.meta.url);

/** Runs the comparison in a fresh generator process pinned to `core`; returns its rows. */
export function grpcVsHttpInOwnProcess(spec: GeneratorSpec, scratch: string, core = 0): GrpcRow[] {
  mkdirSync(scratch, { recursive: true });
  const specFile = join(scratch, "grpc-generator-spec.json");
  const out = join(scratch, "grpc-generator-rows.json");
  writeFileSync(specFile, JSON.stringify(spec));
  execFileSync("taskset", ["-c", String(core), process.execPath, "--import", "tsx", self, specFile, out], {
    stdio: "inherit",
    cwd: join(dirname(self), "..", ".."),
  });
  return JSON.parse(readFileSync(out, "utf8")) as GrpcRow[];
}

/** Starts the API (core 1), runs the comparison from this process, stops the API. */
export async function runGenerator(spec: GeneratorSpec): Promise<GrpcRow[]> {
  if (spec.trace)
    process.stderr.write(`generator heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB\n`);
  const api = await PinnedServer.start(1, spec.api.nodeArgs, spec.api.env, spec.api.port);
  try {
    return await grpcVsHttp(api, `127.0.0.1:${spec.api.grpcPort}`, spec.calls, {
      ...spec.load,
      ...(spec.trace && { trace: (line: string) => process.stderr.write(`${line}\n`) }),
    });
  } finally {
    await api.stop();
  }
}

if (process.argv[1] === self) {
  const [specFile, out] = process.argv.slice(2) as [string, string];
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as GeneratorSpec;
  writeFileSync(out, JSON.stringify(await runGenerator(spec)));
}
