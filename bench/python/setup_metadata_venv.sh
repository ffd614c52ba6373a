#!/usr/bin/env bash
# Create the venv holding TFLite Support (PyPI tflite-support==0.4.4), used ONLY to check
# liteship's TFLite Model Metadata with an independent reader (check_metadata.py).
# Neither the pipeline nor CI needs it. Idempotent; prints the venv's python last.
#
# Environment:
#   LITESHIP_CACHE_DIR       cache root (default ~/.cache/liteship)
#   LITESHIP_METADATA_VENV   venv folder (default $LITESHIP_CACHE_DIR/metadata-venv)
#   LITESHIP_PYTHON          interpreter (default python3.11: tflite-support 0.4.4 has cp311 wheels)
set -euo pipefail

CACHE_ROOT="${LITESHIP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/liteship}"
VENV="${LITESHIP_METADATA_VENV:-$CACHE_ROOT/metadata-venv}"
PY="${LITESHIP_PYTHON:-python3.11}"
VERSION=0.4.4

log() { printf '[metadata-venv] %s\n' "$*" >&2; }
imports() { "$VENV/bin/python" -c "from tflite_support import metadata" >/dev/null 2>&1; }

if [[ -x "$VENV/bin/python" ]] && imports; then log "ready: $VENV"; echo "$VENV/bin/python"; exit 0; fi
# tflite-support's native extension links libusb-1.0 (Debian package libusb-1.0-0).
if ! ldconfig -p | grep -q 'libusb-1.0.so.0'; then
  log "installing libusb-1.0-0 (needed by tflite-support's native module) ..."
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -q libusb-1.0-0 >&2; else sudo apt-get install -y -q libusb-1.0-0 >&2; fi
fi
command -v "$PY" >/dev/null || { log "ERROR: $PY is not on PATH; set LITESHIP_PYTHON"; exit 1; }
mkdir -p "$CACHE_ROOT"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet "tflite-support==$VERSION"
imports || { log "ERROR: tflite_support.metadata does not import in $VENV"; exit 1; }
log "ready: $VENV"
echo "$VENV/bin/python"
