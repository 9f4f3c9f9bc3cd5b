import { type Interaction, InvalidArgumentError } from "@tandem/core";

/** The store's own guard on events (the pipeline validates payloads with zod before this). */
export function validateEvent(e: Interaction): void {
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
    e.timestamp >= 0;
  if (!ok) throw new InvalidArgumentError(`invalid event ${JSON.stringify(e)}`);
}
