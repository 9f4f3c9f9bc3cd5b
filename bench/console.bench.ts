/**
 * The console's render time against ml-latest-small (issue 16's target: every page under 1 s). A real
 * nightly run (the product's defaults: evaluation, training, precompute, gate, publish) into a real
 * redis-server, the compiled API serving it on core 1 (`taskset -c 1`), headless Debian Chromium, this
 * process and redis-server on core 0. Per page, time from navigation start to the page's data on screen
 * (the page's own `performance.now()`, read when the content appears); the user explorer from pressing
 * "Explain" to the final list, history and candidates shown. The first load of a process is reported
 * apart (it computes the evaluation's bootstrap intervals, then cached).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, markdownTable, Rng } from "@tandem/core";
import { runNightly } from "@tandem/nightly";
import { RedisFeatureStore } from "@tandem/store";
import { freePort, TestRedis } from "@tandem/store/testing";
import type { Page } from "puppeteer-core";
import { CHROMIUM, launchChromium } from "../services/ranking-api/test/chromium.js";
import { PinnedServer, pin } from "./api/servers.js";
import { machine, writeSection } from "./machine.js";
import { redisPid } from "./redis-info.js";

const root = join(import.meta.dirname, "..");
const REPEATS = Number(process.env["BENCH_CONSOLE_REPEATS"] ?? 10);
const ADMIN_KEY = "bench-console-admin-key-0123456789";
const dir = mkdtempSync(join(tmpdir(), "tandem-bench-console-"));
const runsDir = join(dir, "runs");

/** Each page's "data visible" condition: the elements its reads fill in. */
const VISIBLE = {
  versions: `document.querySelector("#runs table") !== null && document.querySelector("#versions table") !== null && document.querySelector("#runs h3 + table") !== null`,
  operations: `document.querySelector("#queues table") !== null && document.querySelector("#memory table") !== null`,
  explain: `document.querySelector("#mode").textContent.includes("version") && document.querySelectorAll("#final li").length > 0 && document.querySelectorAll("#history li").length > 0 && document.querySelector("#candidates table") !== null`,
};

/**
 * Installed in every new document: on each DOM change, records the page's clock (ms since navigation
 * start) the first time each condition holds, so the time is when the content appeared, not when the
 * driver looked.
 */
const WATCHER = `window.__seen = {};
const conditions = { ${Object.entries(VISIBLE)
  .map(([name, holds]) => `${JSON.stringify(name)}: () => ${holds}`)
  .join(", ")} };
new MutationObserver(() => {
  for (const [name, holds] of Object.entries(conditions)) {
    let ok = false;
    try { ok = holds(); } catch {}
    if (ok && window.__seen[name] === undefined) window.__seen[name] = performance.now();
  }
}).observe(document, { childList: true, subtree: true, characterData: true });
addEventListener("load", () => { window.__seen.load = performance.now(); });`;

/** The recorded time of `name` (waits until it is recorded; says what the page showed if it never is). */
const seen = (page: Page, name: string) =>
  page
    .waitForFunction(`window.__seen[${JSON.stringify(name)}]`, { timeout: 30_000 })
    .then((h) => h.jsonValue() as Promise<number>)
    .catch(async (error: unknown) => {
      const shown = await page.evaluate(
        `JSON.stringify({ seen: window.__seen, status: document.querySelector("#status")?.textContent, main: document.querySelector("main")?.innerText.slice(0, 800) })`,
      );
      throw new Error(`"${name}" never showed: ${shown}`, { cause: error });
    });

const redis = await TestRedis.start({ allowExternal: false });
const store = new RedisFeatureStore({ redis: redis.url, namespace: "bench" });
const servers: PinnedServer[] = [];
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
try {
  const config = loadConfig(
    {
      data: { dir: join(root, "data", "ml-latest-small") },
      nightly: { runsDir },
      semantic: { cacheDir: join(root, loadConfig({}, {}).semantic.cacheDir) },
    },
    {},
  );
  process.stderr.write("nightly run on ml-latest-small into redis ...\n");
  const nightly = await runNightly({ config, store, runId: "bench-console" });
  if (!nightly.published) throw new Error(`the nightly published nothing: ${nightly.gate.reason}`);
  const users = nightly.dataset.users.ids();
  const items = nightly.dataset.items.ids();
  // The explorer's users, with their ml-latest-small ratings as events (its history column reads them).
  const rng = new Rng(7);
  const explored = Array.from({ length: REPEATS }, () => rng.int(users.length));
  const m = nightly.dataset.interactions;
  for (const u of new Set(explored)) {
    const events = [];
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++)
      events.push({
        user: users[u]!,
        item: items[m.items[p]!]!,
        value: m.values[p]!,
        timestamp: m.times[p]!,
        kind: "rating",
      });
    await store.appendEvents(events);
  }

  if (existsSync(join(root, "scripts/build.mjs")))
    execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
  pin(process.pid, 0);
  pin(await redisPid(store), 0);
  const port = await freePort();
  const api = await PinnedServer.start(
    1,
    [join(root, "services/ranking-api/dist/main.js")],
    {
      REDIS_URL: redis.url,
      TANDEM_STORE_NAMESPACE: "bench",
      TANDEM_API_PORT: String(port),
      TANDEM_API_ADMIN_KEYS: ADMIN_KEY,
      TANDEM_NIGHTLY_RUNS_DIR: runsDir,
    },
    port,
  );
  servers.push(api);

  browser = await launchChromium();
  // Chromium and its helpers (renderers start later, from these) on core 0 with the load generator.
  const pids = execFileSync("sh", [
    "-c",
    `pgrep -P ${browser.process()!.pid}; echo ${browser.process()!.pid}`,
  ])
    .toString()
    .split("\n")
    .filter(Boolean);
  for (const pid of pids) pin(Number(pid), 0);
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  // The key as the console keeps it after "Use key" (this tab's sessionStorage).
  await page.evaluateOnNewDocument(
    `sessionStorage.setItem("tandem-admin-key", ${JSON.stringify(ADMIN_KEY)})`,
  );
  await page.evaluateOnNewDocument(WATCHER);
  const times: Record<string, number[]> = {
    versions: [],
    operations: [],
    "user explorer: load": [],
    "user explorer: explain": [],
  };
  // A distinct query per load: a URL differing only in its hash is the same document (no reload).
  let loads = 0;
  for (let r = 0; r < REPEATS; r++) {
    for (const name of ["versions", "operations"] as const) {
      await page.goto(`${api.base}/console?load=${loads++}#${name}`);
      times[name]!.push(await seen(page, name));
    }
    await page.goto(`${api.base}/console?load=${loads++}#users`);
    // The form is static: usable once the page's script has run (module scripts run before "load").
    times["user explorer: load"]!.push(await seen(page, "load"));
    const userId = users[explored[r]!]!;
    await page.type("#user-id", userId);
    const started = (await page.evaluate(
      `(() => { const t = performance.now(); document.querySelector("#user-form button").click(); return t; })()`,
    )) as number;
    times["user explorer: explain"]!.push((await seen(page, "explain")) - started);
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
  const rows = Object.entries(times).map(([name, t]) => {
    const warm = t.slice(1);
    return [name, t[0]!.toFixed(0), median(warm).toFixed(0), Math.max(...warm).toFixed(0), t.length];
  });
  const evaluated = nightly.evaluation.results.map((x) => x.model).join(", ");
  writeSection(
    "console",
    "Console render time (ml-latest-small, real API + Redis, headless Chromium)",
    `A nightly run with the defaults (evaluation of ${evaluated} on ${nightly.evaluation.results[0]!.test.users} held-out users, training, precompute for ${users.length} users, gate, publish) into redis-server; the compiled API on core 1, Chromium (${CHROMIUM}), redis-server and the driver on core 0. Each page loaded ${REPEATS} times in turn; ms from navigation start to the page's data on screen (the page's own clock). The user explorer's "explain" is from pressing the button to the final list, history and candidates shown (a random user each time; three API reads and one of titles). "first" is the first load after the API started (it computes the run's bootstrap intervals, ${config.eval.bootstrap} resamples, then cached per evaluation.json). Machine: ${machine()}; load average at the end ${loadAverage()}.

${markdownTable(["Page", "first ms", "median ms (rest)", "max ms (rest)", "loads"], rows)}

Target (issue 16): every page under 1 s.`,
  );
} finally {
  await browser?.close().catch(() => {});
  for (const s of servers) await s.stop().catch(() => {});
  await store.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}

function loadAverage(): string {
  return execFileSync("cat", ["/proc/loadavg"]).toString().split(" ").slice(0, 3).join(", ");
}
