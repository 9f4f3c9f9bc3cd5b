/**
 * Worker-thread entry of UseLitePool: one USE-lite model per thread, each with its own single-threaded
 * TF.js wasm runtime, answering { id, texts } with { id, vectors } (buffers transferred, not copied).
 */
import { parentPort, workerData } from "node:worker_threads";
import { UseLiteEncoder } from "./use-lite-encoder.js";

interface Request {
  id: number;
  texts: string[];
}

const port = parentPort;
if (!port) throw new Error("use-lite-worker must run in a worker thread");
const encoder = await UseLiteEncoder.load(workerData as { dir?: string; batchSize?: number });
port.on("message", async ({ id, texts }: Request) => {
  try {
    const vectors = await encoder.embed(texts);
    port.postMessage(
      { id, vectors },
      vectors.map((v) => v.buffer as ArrayBuffer),
    );
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
port.postMessage({ ready: true });
