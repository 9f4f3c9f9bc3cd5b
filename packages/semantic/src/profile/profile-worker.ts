import { parentPort, workerData } from "node:worker_threads";
import { serveRanges } from "@tandem/core";
import { profileRows } from "./build-profiles.js";
import type { ProfileWorkerData } from "./profile-threads.js";

// Rows land in the shared output; the message only says a range is done.
const data = workerData as ProfileWorkerData;
serveRanges(data, parentPort!, (from, to) => {
  profileRows(data.inputs, from, to);
  return { message: to - from, transfer: [] };
});
