import type { UserItems } from "../packages/data/src/index.js";
import { type AlsKernel, AlsSolver } from "../packages/recall/src/index.js";

/**
 * Seconds per ALS sweep on `ui` as implicit's defaults run it (64 factors, reg 4, 3 CG steps, constant
 * confidence): one warm-up sweep (threads, JIT), then the median of `reps` timed sweeps.
 */
export async function alsSweepSeconds(
  ui: UserItems,
  options: { kernel?: AlsKernel; threads: number; reps?: number },
): Promise<number> {
  const solver = new AlsSolver(
    {
      rows: ui.numUsers,
      cols: ui.numItems,
      indptr: ui.indptr,
      indices: ui.items,
      values: ui.values.map(() => 1.5),
    },
    64,
    4,
    3,
    options.threads,
    options.kernel ?? "wasm",
  );
  const users = solver.allocate("users");
  const items = solver.allocate("items");
  for (let i = 0; i < users.length; i++) users[i] = Math.sin(i) * 0.01;
  for (let i = 0; i < items.length; i++) items[i] = Math.cos(i) * 0.01;
  try {
    await solver.sweep(users, items);
    const times: number[] = [];
    for (let rep = 0; rep < (options.reps ?? 1); rep++) {
      const t = performance.now();
      await solver.sweep(users, items);
      times.push((performance.now() - t) / 1000);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  } finally {
    await solver.close();
  }
}
