import type { UserItems } from "../user-items.js";

/**
 * Train / validation / test, all over the same user and item indexes. Hyperparameters are chosen on
 * validation with `train` as the history; at test time the history is train + validation.
 */
export interface Split {
  protocol: string;
  train: UserItems;
  validation: UserItems;
  test: UserItems;
}
