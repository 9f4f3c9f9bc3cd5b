/**
 * Semantic stage: USE-lite load time, throughput (in-process at batch 1 and 32, worker pool at batch 32),
 * catalogue embedding cold (empty cache) and warm (cache reopened from disk), peak RSS; then the semantic
 * model under the leave-one-out protocol and the cold-start experiment on ml-latest-small.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../packages/core/src/index.js";
import { leaveOneOutSplit, loadDataset } from "../packages/data/src/index.js";
import { runProtocol } from "../packages/eval/src/index.js";
import {
  CachedEncoder,
  EmbeddingCache,
  embedItems,
  ItemTextTemplate,
  runColdStartExperiment,
  semanticModels,
  type TextEncoder,
  UseLiteEncoder,
  UseLitePool,
} from "../packages/semantic/src/index.js";
import { peakRssMiB, writeSection } from "./machine.js";

const seconds = (start: number) => (performance.now() - start) / 1000;
const config = loadConfig({}, {});
const settings = config.semantic;
const dataset = await loadDataset(config.data.dir);
const template = new ItemTextTemplate(settings.textTemplate, settings.maxChars);
const sentences = dataset.itemInfo.slice(0, 512).map((item) => template.render(item).slice(0, 600));
// Short one-line sentences (~10 tokens), the usual unit of "sentences per second".
const SHORT = [
  "A funny movie for children with talking toys.",
  "Rebels fight an evil galactic empire.",
  "Two strangers fall in love in Seattle.",
  "A heist goes wrong in Los Angeles.",
];
const shortSentences = Array.from({ length: 512 }, (_, i) => `${SHORT[i % SHORT.length]} (${i})`);

async function throughput(
  encoder: TextEncoder,
  batch: number,
  count: number,
  texts: readonly string[] = sentences,
): Promise<number> {
  await encoder.embed(texts.slice(0, Math.min(batch, 32))); // warm-up
  const start = performance.now();
  let done = 0;
  while (done < count) {
    const slice = texts.slice(done % texts.length, (done % texts.length) + batch);
    await encoder.embed(slice);
    done += slice.length;
  }
  return done / seconds(start);
}

const cacheRoot = mkdtempSync(join(tmpdir(), "tandem-bench-cache-"));

async function catalogue(encoder: TextEncoder, items: typeof dataset.itemInfo, label: string) {
  const dir = join(cacheRoot, label.replace(/\W+/g, "-"));
  {
    let start = performance.now();
    const cold = new CachedEncoder(encoder, await EmbeddingCache.open(dir, encoder.id, encoder.dim));
    await embedItems(cold, items, { template, progress: true });
    const coldSeconds = seconds(start);
    start = performance.now();
    const warm = new CachedEncoder(encoder, await EmbeddingCache.open(dir, encoder.id, encoder.dim));
    await embedItems(warm, items, { template });
    const warmSeconds = seconds(start);
    return { dir, label, n: items.length, coldSeconds, warmSeconds, warmMisses: warm.misses };
  }
}

const loadBefore = loadavg()[0]!.toFixed(2);
let start = performance.now();
const single = await UseLiteEncoder.load({ batchSize: 32 });
const loadSeconds = seconds(start);
const tokens = sentences.map((s) => single.tokenize(s).length).sort((a, b) => a - b);
const b1 = await throughput(single, 1, 96);
const b32 = await throughput(single, 32, 512);
const b32short = await throughput(single, 32, 512, shortSentences);
const b512 = await throughput(single, 512, 512);
const threads = Math.max(2, availableParallelism());
start = performance.now();
const pool = await UseLitePool.load({ threads, batchSize: 32 });
const poolLoadSeconds = seconds(start);
const pool512 = await throughput(pool, 512, 1024);
single.dispose();

const filtered = await catalogue(pool, dataset.itemInfo, "after 5-core filtering");
const all = await catalogue(pool, [...dataset.catalogue.values()], "whole catalogue (movies.csv)");

// The model numbers use the configured on-disk cache, so reruns skip the embedding.
const cacheEncoder = new CachedEncoder(pool, await EmbeddingCache.open(settings.cacheDir, pool.id, pool.dim));
start = performance.now();
const protocol = await runProtocol(
  semanticModels(config, { encoder: cacheEncoder }).semantic!,
  dataset,
  leaveOneOutSplit(dataset.interactions),
  { ks: [10, 20], seed: config.eval.seed },
);
const protocolSeconds = seconds(start);
const tunedHalfLife = Number(protocol.fit.tuned?.halfLifeDays ?? settings.halfLifeDays);
const coldStart = await runColdStartExperiment(dataset, {
  encoder: cacheEncoder,
  template,
  halfLifeDays: tunedHalfLife,
  seed: config.eval.seed,
});
await pool.dispose();
rmSync(cacheRoot, { recursive: true, force: true });
const load = loadavg()
  .map((x) => x.toFixed(2))
  .join(" / ");

const m = protocol.test.metrics;
const curve = (protocol.fit.curve ?? []).map((p) => `${p.step} d: ${p.value.toFixed(4)}`).join(", ");
const body = `
USE-lite (512-d, TF.js wasm backend, one thread per model), item text template \`${settings.textTemplate}\`
cut to 600 characters. Benchmark sentences: the first 512 ml-latest-small item texts (median ${tokens[tokens.length >> 1]}
sentencepiece tokens, p90 ${tokens[Math.floor(tokens.length * 0.9)]}).

| measure | value |
|---|---:|
| model load (in-process) | ${loadSeconds.toFixed(2)} s |
| pool load (${threads} worker threads) | ${poolLoadSeconds.toFixed(2)} s |
| sentences/s, batch 1, in-process, item texts | ${b1.toFixed(1)} |
| sentences/s, batch 32, in-process, item texts | ${b32.toFixed(1)} |
| sentences/s, batch 32, in-process, short sentences (~10 tokens) | ${b32short.toFixed(1)} |
| sentences/s, calls of 512 item texts, in-process (sorted by length, batches of 32) | ${b512.toFixed(1)} |
| sentences/s, calls of 512 item texts, pool of ${threads} | ${pool512.toFixed(1)} |
| peak RSS (whole run) | ${peakRssMiB().toFixed(0)} MiB |

| catalogue | items | cold (empty cache) | warm (cache reopened from disk) | encoder calls when warm |
|---|---:|---:|---:|---:|
${[filtered, all].map((r) => `| ${r.label} | ${r.n} | ${r.coldSeconds.toFixed(1)} s | ${r.warmSeconds.toFixed(2)} s | ${r.warmMisses} |`).join("\n")}

Load average: ${loadBefore} (1 min) before the throughput runs; ${load} (1 / 5 / 15 min) at the end, on ${availableParallelism()} cores. The checkout is shared
with other running jobs, so throughput varies from run to run (compare runs at similar load).

Semantic model (rank by profile cosine alone), leave-one-out, runProtocol seed ${config.eval.seed},
${protocol.test.users} test users, ${protocolSeconds.toFixed(1)} s. Profile half-life tuned on validation NDCG@10
(${curve}) → ${tunedHalfLife} days:

| Recall@10 | NDCG@10 | Recall@20 | NDCG@20 | coverage@10 |
|---:|---:|---:|---:|---:|
| ${m["recall@10"]!.toFixed(4)} | ${m["ndcg@10"]!.toFixed(4)} | ${m["recall@20"]!.toFixed(4)} | ${m["ndcg@20"]!.toFixed(4)} | ${m["coverage@10"]!.toFixed(4)} |

Cold start (profile half-life ${tunedHalfLife} days, as tuned above):

${coldStart.markdown}
`;
writeSection("semantic", "Semantic stage (USE-lite encoder, cache, profiles, cold start)", body);
process.stdout.write(body);
