#!/usr/bin/env bash
# Installs what a fresh machine lacks for Tandem: pnpm 12.4.2, redis-server (for the Redis tests and
# the Redis-backed services), and the workspace dependencies. Idempotent; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Tandem needs Node.js >= 20 (found $(node --version))" >&2
  exit 1
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "12.4.2" ]; then
  echo "setup: installing pnpm 12.4.2" >&2
  npm install -g pnpm@12.4.2 >&2
fi

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  echo "setup: installing redis-server from apt" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server >&2
fi

# The console's browser test drives Debian's headless Chromium with puppeteer-core (no browser download).
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing chromium from apt" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium >&2
fi

# onnxruntime-node's own download step (GPU binaries) cannot run offline; its CPU binaries ship in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
pnpm install --frozen-lockfile >&2
