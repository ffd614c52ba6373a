#!/usr/bin/env bash
# TFLite Support's own MetadataDisplayer on a FOLDER release's .tflite: labels that are class-folder
# names (bird, cat, dog) and the normalization, read by an independent reader.
#
#   bash bench/python/check_folder_release.sh              # makes the folder release first (local stack)
#   bash bench/python/check_folder_release.sh file.tflite  # checks a file you have
#
# Without a file it runs bench/python/folder-release.ts: PNG class folders, `liteship run` (which
# starts the local stack and workers unless TEMPORAL_ADDRESS/LITESHIP_S3_BUCKET point elsewhere),
# `liteship pull`. A rerun ends "unchanged" and checks the same release. Exit 1 if the metadata or
# its labels file is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=$(bash bench/python/setup_metadata_venv.sh)
if [[ $# -ge 1 ]]; then
  FILE=$1
else
  FILE=$(npx tsx bench/python/folder-release.ts)
fi
echo "\$ liteship inspect $FILE (metadata part)" >&2
node bin/liteship.js inspect "$FILE" | sed -n '/^TFLite metadata/,/associated files/p' >&2
echo "\$ $PY bench/python/check_metadata.py $FILE" >&2
"$PY" bench/python/check_metadata.py "$FILE"
