import { parentPort, workerData } from "node:worker_threads";
import { type RowProblem, solveRowsCg } from "./als-rows.js";
import type { AlsShared, AlsTask } from "./als-thread-pool.js";

// One ALS worker thread: solves the row ranges it is sent, reading and writing the shared factors.
const shared = workerData as AlsShared;
const problem = (half: AlsTask["half"]): RowProblem => {
  const m = half === "users" ? shared.byUser : shared.byItem;
  return {
    ...m,
    x: half === "users" ? shared.userFactors : shared.itemFactors,
    y: half === "users" ? shared.itemFactors : shared.userFactors,
    gram: shared.gram,
    k: shared.k,
    cgSteps: shared.cgSteps,
  };
};
const problems = { users: problem("users"), items: problem("items") };

parentPort!.on("message", (task: AlsTask) => {
  try {
    solveRowsCg(problems[task.half], task.from, task.to);
    parentPort!.postMessage({ id: task.id });
  } catch (error) {
    parentPort!.postMessage({ id: task.id, error: String((error as Error).stack ?? error) });
  }
});
