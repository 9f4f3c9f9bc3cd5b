import type { TandemConfig } from "@tandem/core";
import { tandemCompute } from "@tandem/nightly";
import { baselineCompute, type Compute } from "@tandem/pipeline";
import type { FeatureStore } from "@tandem/store";

/** The compute the configured worker runs (config `worker.compute`): the entry point's one choice. */
export const computeFor = (config: TandemConfig, store: FeatureStore): Promise<Compute> =>
  config.worker.compute === "baseline" ? baselineCompute(config) : tandemCompute(config, store);
