import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

import { registerGradients } from "./gradients.js";
import { shareIdentityData } from "./wasm-identity.js";

export { tf };

registerGradients();

/** Backends in order of preference. `tensorflow` is @tensorflow/tfjs-node, an optional accelerator. */
export type TfBackend = "tensorflow" | "wasm" | "cpu";

export interface TfRuntimeOptions {
  /** Force a backend instead of the first that loads. Default: tensorflow, then wasm, then cpu. */
  backend?: TfBackend;
  /** Log the chosen backend to stderr. Default true. */
  log?: boolean;
}

let ready: Promise<TfBackend> | null = null;

async function tryTfjsNode(): Promise<boolean> {
  try {
    // Optional: not a dependency (its install downloads libtensorflow). Present only if the user added it.
    const name = "@tensorflow/tfjs-node";
    await import(/* @vite-ignore */ name);
    return (
      tf.findBackend("tensorflow") !== undefined || tf.engine().registryFactory["tensorflow"] !== undefined
    );
  } catch {
    return false;
  }
}

async function select(options: TfRuntimeOptions): Promise<TfBackend> {
  const order: TfBackend[] = options.backend ? [options.backend] : ["tensorflow", "wasm", "cpu"];
  for (const backend of order) {
    if (backend === "tensorflow" && !(await tryTfjsNode())) continue;
    if (backend === "wasm") {
      // Node resolves the .wasm binaries next to the package's entry point.
      const entry = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
      setWasmPaths(`${entry.slice(0, entry.lastIndexOf("/") + 1)}`);
      setThreadsCount(1);
    }
    try {
      if (await tf.setBackend(backend)) {
        await tf.ready();
        if (backend === "wasm") shareIdentityData();
        return backend;
      }
    } catch {
      // fall through to the next backend
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised (tried ${order.join(", ")})`);
}

/**
 * Initialises TensorFlow.js once per process and returns the backend in use. Every package that needs
 * tensors calls this and imports `tf` from here, so exactly one module loads the runtime.
 */
export function initTf(options: TfRuntimeOptions = {}): Promise<TfBackend> {
  ready ??= select(options).then((backend) => {
    if (options.log ?? true) process.stderr.write(`tensorflow.js backend: ${backend}\n`);
    return backend;
  });
  return ready;
}

/**
 * The runtime, initialised on first use with the defaults (no log line). Code that runs TF.js ops
 * outside training (a loaded model's fold-in, a worker refreshing users) awaits this, so no caller
 * has to remember to initialise the backend first.
 */
export function tfReady(): Promise<TfBackend> {
  return ready ?? initTf({ log: false });
}
