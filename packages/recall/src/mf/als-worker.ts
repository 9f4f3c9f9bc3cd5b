import { parentPort, workerData } from "node:worker_threads";
import { type RowProblem, solveRowsCg } from "./als-rows.js";
import type { AlsShared, AlsSharedJs, AlsTask } from "./als-thread-pool.js";
import { AlsWasmArena } from "./als-wasm-kernel.js";

// One ALS worker thread: solves the row ranges it is sent, reading and writing the shared factors.
const shared = workerData as AlsShared;

function jsSolver(data: AlsSharedJs) {
  const problem = (half: AlsTask["half"]): RowProblem => {
    const m = half === "users" ? data.byUser : data.byItem;
    return {
      ...m,
      x: half === "users" ? data.userFactors : data.itemFactors,
      y: half === "users" ? data.itemFactors : data.userFactors,
      gram: data.gram,
      k: data.k,
      cgSteps: data.cgSteps,
    };
  };
  const problems = { users: problem("users"), items: problem("items") };
  return (task: AlsTask) => solveRowsCg(problems[task.half], task.from, task.to);
}

function wasmSolver(data: Extract<AlsShared, { kernel: "wasm" }>) {
  const arena = AlsWasmArena.attach(data.memory, data.layout);
  return (task: AlsTask) => arena.solve(task.half, task.from, task.to, data.cgSteps, task.slot);
}

const solve = shared.kernel === "wasm" ? wasmSolver(shared) : jsSolver(shared);

parentPort!.on("message", (task: AlsTask) => {
  try {
    solve(task);
    parentPort!.postMessage({ id: task.id });
  } catch (error) {
    parentPort!.postMessage({ id: task.id, error: String((error as Error).stack ?? error) });
  }
});
