import { InvalidArgumentError } from "@tandem/core";
import type { EventToAppend } from "./types.js";

/** The store's own guard on events (the pipeline validates payloads with zod before this). */
export function validateEvent(e: EventToAppend): void {
  const ok =
    typeof e === "object" &&
    e !== null &&
    typeof e.user === "string" &&
    e.user !== "" &&
    typeof e.item === "string" &&
    e.item !== "" &&
    typeof e.kind === "string" &&
    Number.isFinite(e.value) &&
    Number.isFinite(e.timestamp) &&
    e.timestamp >= 0 &&
    (e.eventId === undefined ||
      (typeof e.eventId === "string" && e.eventId.length > 0 && e.eventId.length <= 128));
  if (!ok) throw new InvalidArgumentError(`invalid event ${JSON.stringify(e)}`);
}
