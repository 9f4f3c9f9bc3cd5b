// Preloaded into benchmarked servers (`node --import`): event-loop delay and GC pauses, reported over IPC.
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

if (process.send) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let gc = { count: 0, ms: 0, maxMs: 0, major: 0 };
  let cpu = process.cpuUsage();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.ms += e.duration;
      // Mark-sweep-compact (NODE_PERFORMANCE_GC_MAJOR): the pause that grows with the heap.
      if (e.detail?.kind === 2) gc.major++;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
    }
  }).observe({ entryTypes: ["gc"] });
  process.on("message", (m) => {
    if (m === "probe:reset") {
      delay.reset();
      gc = { count: 0, ms: 0, maxMs: 0, major: 0 };
      cpu = process.cpuUsage();
    } else if (m === "probe:read") {
      const ms = (ns) => ns / 1e6;
      process.send({
        probe: {
          eld: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
          gc,
          // CPU time this process used since the reset (µs): robust to other processes on the core.
          cpuUs: (({ user, system }) => user + system)(process.cpuUsage(cpu)),
        },
      });
    }
  });
  // The IPC channel must not keep the process alive on its own.
  process.channel?.unref();
}
