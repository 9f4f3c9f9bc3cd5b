import type { TandemConfig } from "@tandem/core";
import {
  type Dataset,
  datasetForSplit,
  describeTagRule,
  leaveOneOutSplit,
  parseTieOrder,
  ratioSplit,
  type Split,
  tagRuleFor,
  temporalSplit,
} from "@tandem/data";

/** The split the configured protocol prescribes. */
export function splitFor(dataset: Dataset, config: TandemConfig): Split {
  const { protocol, ratio, temporalCut, seed, splitSeed, tieOrder } = config.eval;
  if (protocol === "ratio") return ratioSplit(dataset.interactions, ratio, splitSeed ?? seed);
  if (protocol === "temporal") return temporalSplit(dataset.interactions, temporalCut);
  return leaveOneOutSplit(dataset.interactions, {
    tieOrder: parseTieOrder(tieOrder),
    fileOrder: dataset.fileOrder,
  });
}

/** The split and the dataset view evaluation may see on it (time-correct item text). */
export function evaluationInputs(dataset: Dataset, config: TandemConfig): { split: Split; dataset: Dataset } {
  const split = splitFor(dataset, config);
  return { split, dataset: datasetForSplit(dataset, split, config.eval.itemTags) };
}

/** One sentence that states the protocol, printed with every number. */
export function describeProtocol(
  config: TandemConfig,
  split?: Split,
  dataset?: Pick<Dataset, "time" | "repeats">,
): string {
  const { protocol, ratio, temporalCut, seed, splitSeed, tieOrder, itemTags } = config.eval;
  // Without timestamps "time" is the row order, and the sentence must not claim otherwise.
  const untimed = dataset?.time === "order";
  const splitText =
    protocol === "loo"
      ? untimed
        ? "leave-one-out by row order, not by time (the data has no timestamps: each user's last row is test, second-last validation)"
        : `leave-one-out by time (last item test, second-last validation; same-timestamp ties by ${tieOrder})`
      : protocol === "ratio"
        ? `random per-user ratio split ${ratio.join("/")} (seed ${splitSeed ?? seed})`
        : untimed
          ? `global cut by row position at quantiles ${temporalCut.join("/")} (the data has no timestamps)`
          : `global temporal cut at quantiles ${temporalCut.join("/")}`;
  const seen =
    config.eval.seenItems === "allow"
      ? "with the user's history allowed (repeats may be recommended)"
      : "with the user's history masked";
  const repeats = dataset?.repeats
    ? `; repeats kept (every row of a user-item pair), also reported with seen items ${config.eval.seenItems === "allow" ? "masked" : "allowed"}`
    : "";
  const tags = split ? describeTagRule(tagRuleFor(split, itemTags)) : `user tags: ${itemTags}`;
  return (
    `${splitText}${repeats}; hyperparameters chosen on validation with train as history; the test model is refit on ` +
    `train + validation; full ranking over all items ${seen}; item text: ${tags}.`
  );
}
