// The Tandem console: plain DOM, no framework, no network beyond this API. Every read needs an admin
// key (kept in this tab's sessionStorage only); the page itself holds no data.
const $ = (selector) => document.querySelector(selector);
let key = sessionStorage.getItem("tandem-admin-key") ?? "";
let refresh = null;

/** An element with text children only (data never becomes HTML). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children.flat()) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

function table(headers, rows) {
  return el(
    "table",
    {},
    el(
      "tr",
      {},
      headers.map((h) => el("th", {}, h)),
    ),
    rows.map((cells) =>
      el(
        "tr",
        {},
        cells.map((c) => (c instanceof Node && c.tagName === "TD" ? c : el("td", {}, c))),
      ),
    ),
  );
}

const num = (x, digits = 4) => el("td", { class: "num" }, Number.isFinite(x) ? x.toFixed(digits) : "–");
const when = (ms) => (ms ? new Date(ms).toISOString().replace("T", " ").slice(0, 19) : "–");
const mib = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : "–");

async function api(path, init = {}) {
  const response = await fetch(path, {
    ...init,
    headers: { "x-api-key": key, ...(init.body ? { "content-type": "application/json" } : {}) },
  });
  const body = await response.json();
  if (!response.ok) throw Object.assign(new Error(`${body.error}: ${body.message}`), { code: body.error });
  return body;
}

function say(message) {
  $("#status").textContent = message;
}

function evaluationTable(rows) {
  const metrics = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].filter((m) =>
    /^(recall|ndcg)@/.test(m),
  );
  return table(
    ["Model", "users", ...metrics.map((m) => `${m} [95% CI]`)],
    rows.map((r) => [
      r.model,
      el("td", { class: "num" }, r.users),
      ...metrics.map((m) => {
        const v = r.metrics[m];
        return el(
          "td",
          { class: "num" },
          v ? `${v.value.toFixed(4)} [${v.low.toFixed(4)}, ${v.high.toFixed(4)}]` : "–",
        );
      }),
    ]),
  );
}

function runRow(run) {
  const gate = run.gate;
  const decision = run.running
    ? el("span", { class: "running" }, "running")
    : gate
      ? el(
          "span",
          { class: gate.publish ? "published" : "rejected" },
          gate.publish ? "published" : "rejected",
        )
      : "–";
  const progress = run.running
    ? el(
        "span",
        {},
        `${run.running.step}`,
        run.running.total
          ? [
              " ",
              el("progress", { max: run.running.total, value: run.running.done ?? 0 }),
              ` ${run.running.done}/${run.running.total}`,
              run.running.etaSeconds !== undefined ? `, ETA ${Math.ceil(run.running.etaSeconds)} s` : "",
            ]
          : " (started)",
      )
    : "";
  return [
    run.runId,
    run.version,
    run.startedAt.replace("T", " ").slice(0, 19),
    decision,
    gate
      ? `${gate.metric}: ${gate.candidate.toFixed(4)} vs live ${gate.live === null ? "none" : gate.live.toFixed(4)}`
      : "–",
    gate ? gate.reason : "",
    run.steps.map((s) => `${s.step} ${s.seconds.toFixed(1)} s`).join(", "),
    progress,
  ];
}

async function loadOverview() {
  const o = await api("/v1/admin/overview");
  $("#live").textContent = o.live ?? "(none)";
  const liveEval = o.evaluation ? Object.entries(o.evaluation).filter(([, v]) => typeof v === "number") : [];
  $("#live-evaluation").replaceChildren(
    liveEval.length
      ? table(
          liveEval.map(([m]) => m),
          [liveEval.map(([, v]) => num(v))],
        )
      : "",
  );
  $("#runs").replaceChildren(
    table(["Run", "Version", "Started", "Gate", "Metric", "Reason", "Steps", "Progress"], o.runs.map(runRow)),
    ...o.runs
      .filter((r) => r.evaluation.length)
      .map((r) =>
        el("div", {}, el("h3", {}, `Evaluation of ${r.version} (test)`), evaluationTable(r.evaluation)),
      ),
  );
  $("#versions").replaceChildren(
    table(
      ["Version", "Status", "Created", "Items"],
      o.versions.map((v) => [
        v.version,
        v.status,
        when(v.createdAt),
        el("td", { class: "num" }, v.itemCount ?? "–"),
      ]),
    ),
  );
  $("#queues").replaceChildren(
    o.queues
      ? table(
          ["Queue", "waiting", "active", "delayed", "failed", "stalled"],
          o.queues.counts.map((q) => [
            q.name,
            ...["waiting", "active", "delayed", "failed"].map((s) => el("td", { class: "num" }, q.counts[s])),
            el("td", { class: "num" }, q.stalled),
          ]),
        )
      : "No queues (embedded store).",
  );
  $("#failed").replaceChildren(
    o.queues?.failed.length
      ? table(
          ["Queue", "Job", "Name", "Attempts", "Failed at", "Reason"],
          o.queues.failed.map((j) => [
            j.queue,
            j.id,
            j.name,
            el("td", { class: "num" }, j.attempts),
            when(j.failedAt),
            j.reason,
          ]),
        )
      : "None.",
  );
  $("#memory").replaceChildren(
    o.memory
      ? table(
          ["used", "peak", "maxmemory", "Redis masters"],
          [
            [
              mib(o.memory.usedBytes),
              mib(o.memory.peakBytes),
              o.memory.maxBytes ? mib(o.memory.maxBytes) : "no limit",
              el("td", { class: "num" }, o.memory.nodes),
            ],
          ],
        )
      : "Embedded store (in process).",
  );
  clearTimeout(refresh);
  // Follow a running nightly live.
  if (o.runs.some((r) => r.running))
    refresh = setTimeout(() => loadOverview().catch((e) => say(e.message)), 2000);
}

const topSignals = (explanation) =>
  Object.entries(explanation ?? {})
    .filter(([, v]) => v !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, 4)
    .map(([signal, v]) => `${signal} ${v >= 0 ? "+" : ""}${v.toFixed(3)}`)
    .join(", ");

async function explore(event) {
  event?.preventDefault();
  const userId = $("#user-id").value.trim();
  if (!userId) return;
  const k = Number($("#user-k").value) || 10;
  const diversity = Number($("#diversity").value);
  const popularityPenalty = Number($("#popularity").value);
  const recommend = (controls) =>
    api("/v1/recommend", { method: "POST", body: JSON.stringify({ userId, k, explain: true, ...controls }) });
  const [detail, answer, plain] = await Promise.all([
    api(`/v1/admin/users/${encodeURIComponent(userId)}`).catch((e) =>
      e.code === "NOT_FOUND" ? null : Promise.reject(e),
    ),
    recommend({ diversity, popularityPenalty }),
    recommend({}),
  ]);
  const titles = await api(
    `/v1/admin/titles?ids=${encodeURIComponent(answer.items.map((i) => i.itemId).join(","))}`,
  );
  const plainRank = new Map(plain.items.map((item, i) => [item.itemId, i + 1]));
  $("#mode").textContent = `${answer.mode}, version ${answer.version}`;
  $("#final").replaceChildren(
    ...answer.items.map((item, i) => {
      const before = plainRank.get(item.itemId);
      const moved =
        diversity || popularityPenalty
          ? before === undefined
            ? "new with these controls"
            : before !== i + 1
              ? `was #${before} without controls`
              : ""
          : "";
      return el(
        "li",
        { "data-item-id": item.itemId },
        el("strong", {}, titles[item.itemId] ?? item.itemId),
        ` (${item.itemId}) · score ${item.score.toFixed(4)} · ${item.sources.join(", ")}`,
        moved ? [" ", el("span", { class: "moved" }, moved)] : "",
        el("div", { class: "why" }, topSignals(item.explanation)),
      );
    }),
  );
  $("#history").replaceChildren(
    ...(detail?.history ?? []).map((h) => el("li", {}, `${h.title ?? h.itemId} (${h.itemId}) · ${h.value}`)),
  );
  $("#candidates").replaceChildren(
    detail?.candidates.length
      ? table(
          ["Item", "Title", "Sources"],
          detail.candidates.map((c) => [c.itemId, c.title ?? "", c.sources.join(", ")]),
        )
      : "No precomputed candidates (cold start or fresh user).",
  );
  say("");
}

function show() {
  const page = (location.hash || "#versions").slice(1);
  for (const section of document.querySelectorAll("[data-page]"))
    section.hidden = section.dataset.page !== page;
}

$("#key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  key = $("#key").value;
  sessionStorage.setItem("tandem-admin-key", key);
  loadOverview().then(
    () => say(""),
    (e) => say(e.message),
  );
});
$("#user-form").addEventListener("submit", (event) => explore(event).catch((e) => say(e.message)));
for (const id of ["diversity", "popularity"]) {
  $(`#${id}`).addEventListener("input", () => {
    $(`#${id}-out`).textContent = $(`#${id}`).value;
  });
  $(`#${id}`).addEventListener("change", () => explore().catch((e) => say(e.message)));
}
window.addEventListener("hashchange", show);
show();
if (key) loadOverview().catch((e) => say(e.message));
else say("Enter an admin key to read the console.");
