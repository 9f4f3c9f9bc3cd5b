import { ConfigError, loadConfig, type TandemConfig } from "@tandem/core";

/**
 * The API's validated config. Placeholder or weak keys fail in loadConfig (CONFIG_INVALID); the old
 * one-list key variable fails here: it was split by scope, and ignoring it would lock every client out.
 */
export function startupConfig(env: NodeJS.ProcessEnv = process.env): TandemConfig {
  if (env["TANDEM_API_API_KEYS"] !== undefined) {
    throw new ConfigError(
      "TANDEM_API_API_KEYS is no longer read: set TANDEM_API_WRITE_KEYS (events) and TANDEM_API_ADMIN_KEYS (erasure, explanations), and TANDEM_API_READ_KEYS when reads are closed",
    );
  }
  return loadConfig({}, env);
}
