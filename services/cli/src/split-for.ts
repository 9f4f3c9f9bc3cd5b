import type { TandemConfig } from "@tandem/core";
import { type Dataset, leaveOneOutSplit, ratioSplit, type Split, temporalSplit } from "@tandem/data";

/** The split the configured protocol prescribes. */
export function splitFor(dataset: Dataset, config: TandemConfig): Split {
  const { protocol, ratio, temporalCut, seed } = config.eval;
  if (protocol === "ratio") return ratioSplit(dataset.interactions, ratio, seed);
  if (protocol === "temporal") return temporalSplit(dataset.interactions, temporalCut);
  return leaveOneOutSplit(dataset.interactions);
}

/** One sentence that states the protocol, printed with every number. */
export function describeProtocol(config: TandemConfig): string {
  const { protocol, ratio, temporalCut, seed } = config.eval;
  const split =
    protocol === "loo"
      ? "leave-one-out by time (last item test, second-last validation)"
      : protocol === "ratio"
        ? `random per-user ratio split ${ratio.join("/")} (seed ${seed})`
        : `global temporal cut at quantiles ${temporalCut.join("/")}`;
  return (
    `${split}; hyperparameters chosen on validation with train as history; the test model is refit on ` +
    "train + validation; full ranking over all items with the user's history masked."
  );
}
