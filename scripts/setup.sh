#!/usr/bin/env bash
# Installs what liteship needs to run and test, idempotently; fast when nothing changed.
#   1. npm packages (npm ci) when node_modules is missing or older than the lockfile
#   2. @tensorflow/tfjs-node built against the tensorflow-cpu wheel's libtensorflow (falls back to wasm)
# The local servers (Temporal dev server, MinIO) are installed on first use by `liteship dev up`
# (and by `liteship run` / the tests), into a cache outside the clone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[setup] %s\n' "$*"; }

command -v node >/dev/null || { log "ERROR: node is not on PATH: install Node.js 20 or 22"; exit 1; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if (( node_major < 20 || node_major > 22 )); then log "ERROR: Node $(node --version) found; liteship needs Node 20 or 22"; exit 1; fi

# tfjs-tflite-node compiles a small addon at install time: point node-gyp at the local Node headers
# so it never tries to download them.
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
nodedir="${npm_config_nodedir:-}"
[[ -z "$nodedir" && -f "$node_prefix/include/node/node_api.h" ]] && nodedir="$node_prefix"

# Reinstall only when the lockfile changed (its hash is kept in the marker), not whenever a file was touched.
marker=node_modules/.liteship-installed
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f "$marker" || "$(cat "$marker")" != "$lock_hash" ]]; then
  log "installing npm packages (npm ci)..."
  if [[ -n "$nodedir" ]]; then npm_config_nodedir="$nodedir" npm ci --no-audit --no-fund --loglevel=error
  else npm ci --no-audit --no-fund --loglevel=error; fi
  echo "$lock_hash" > "$marker"
else
  log "npm packages up to date"
fi

bash scripts/setup-tfjs-node.sh
# The compiled training step (ml/compiled) on that same libtensorflow; optional, never fails setup.
bash scripts/setup-compiled-step.sh

# Browser tests (report.html, the Temporal UI page) drive Debian's Chromium through playwright-core.
if [[ -z "${LITESHIP_CHROMIUM:-}" && ! -x /usr/bin/chromium ]]; then
  if command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]]; then
    log "installing chromium for the browser tests (apt-get, about 20 s)..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    log "WARNING: no /usr/bin/chromium; the browser tests will fail. Install it: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium (or set LITESHIP_CHROMIUM to a Chromium binary)"
  fi
else
  log "chromium present"
fi
