import puppeteer from "puppeteer-core";

/** Debian's Chromium (scripts/setup.sh installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/**
 * Headless Chromium for the console's test and benchmark. The network flags stop its background
 * connections (update checks, sync, Google lookups), which this machine's closed network refuses and
 * which slow its start-up; the long timeout (inside the 120 s hook timeout) covers a start on a saturated CI machine.
 */
export function launchChromium() {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 90_000,
    protocolTimeout: 90_000,
    args: [
      "--no-sandbox",
      "--disable-dev-shm-usage",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
