// A hash of every record writeTandemVersion writes (candidate items, feature rows, user vectors) at the
// ML-1M shape: a speed change must leave it unchanged (flat indexes; a usearch graph is built on several
// threads, so two processes need not build the same one). Needs the data `pnpm bench precompute` leaves.
// Usage: node --import tsx bench/precompute-records-hash.ts <auto|usearch> <users> <threads>
import { createHash } from "node:crypto";
import { writeTandemVersion } from "../packages/nightly/src/index.js";
import { MemoryFeatureStore, type UserRecord } from "../packages/store/src/index.js";
import { benchStages } from "./precompute-setup.js";

const [ann = "auto", usersArg = "3000", threadsArg = "1"] = process.argv.slice(2);
const { dataset, stage, fusion } = await benchStages(ann as "auto");
const exclude = new Set(dataset.users.ids().slice(Number(usersArg)));
const hash = createHash("sha256");
const store = new (class extends MemoryFeatureStore {
  override async writeUsers(version: string, records: readonly UserRecord[]): Promise<void> {
    for (const r of records) {
      hash.update(r.userId + r.candidates!.items.join());
      hash.update(
        new Uint8Array(
          r.candidates!.features.buffer,
          r.candidates!.features.byteOffset,
          r.candidates!.features.byteLength,
        ),
      );
      for (const [k, v] of Object.entries(r.vectors ?? {}))
        hash.update(k).update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    }
    return super.writeUsers(version, records);
  }
})();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const w = await writeTandemVersion(store, "v", dataset, stage, fusion, {
  exclude,
  threads: Number(threadsArg),
});
const cpu = process.cpuUsage(cpu0);
console.log(
  `${ann} threads ${threadsArg}: ${w.users} users ${w.candidates} candidates, ${((performance.now() - t0) / w.users).toFixed(2)} wall ms/user, ${((cpu.user + cpu.system) / 1000 / w.users).toFixed(2)} CPU ms/user, sha256 ${hash.digest("hex").slice(0, 16)}`,
);
process.exit(0);
