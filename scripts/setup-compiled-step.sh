#!/usr/bin/env bash
# Build liteship's own N-API addon (native/tf_graph.cc): TensorFlow graphs and sessions
# through the C API of the libtensorflow tfjs-node uses, for the compiled training
# step (ml/compiled/). Needs tfjs-node set up first (scripts/setup-tfjs-node.sh).
#
# Cached like tfjs-node's addon: built once per key (source hash + TensorFlow
# version + Node ABI) under ${LITESHIP_CACHE_DIR:-~/.cache/liteship}/compiled-step/<key>/
# and copied to native/build/liteship_tf_graph.node (a few seconds to build, none to copy).
#
# When it cannot be built it says why and exits 0: training then uses the tape step
# runners (ml/loop/step-runners.ts), nothing else changes.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_ROOT="${LITESHIP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/liteship}"
SRC="$REPO_ROOT/native/tf_graph.cc"
OUT="$REPO_ROOT/native/build/liteship_tf_graph.node"

log() { printf '[setup-compiled-step] %s\n' "$*"; }
give_up() {
  log "not built: $1"
  [[ -n "${2:-}" ]] && log "fix: $2"
  log "training uses the tape step runners instead (slower on convolutional models)."
  rm -f "$OUT"
  exit 0
}
trap 'give_up "unexpected failure at line $LINENO ($BASH_COMMAND)"' ERR

cd "$REPO_ROOT"
TFJS_DIR="$(node -p "require('path').dirname(require.resolve('@tensorflow/tfjs-node/package.json'))" 2>/dev/null)" ||
  give_up "@tensorflow/tfjs-node is not installed" "run scripts/setup.sh"
[[ -e "$TFJS_DIR/deps/lib/libtensorflow_cc.so.2" && -f "$TFJS_DIR/deps/include/tensorflow/c/c_api.h" ]] ||
  give_up "tfjs-node has no libtensorflow from the tensorflow-cpu wheel (native backend not set up)" "run scripts/setup-tfjs-node.sh"
LIB_DIR="$(readlink -f "$TFJS_DIR/deps/lib")"
INCLUDE_DIR="$(readlink -f "$TFJS_DIR/deps/include")"

TF_KEY="$(basename "$(dirname "$(dirname "$LIB_DIR")")")"   # the tfjs-node cache key: TF version, Node ABI, platform
FLAGS=(-std=c++17 -O2 -fPIC -shared -DNODE_GYP_MODULE_NAME=liteship_tf_graph -DNAPI_VERSION=8)
SRC_HASH="$( (cat "$SRC"; echo "${FLAGS[*]}") | sha256sum | cut -c1-16)"
KEY="tf-graph-${SRC_HASH}_${TF_KEY}"
KEY_DIR="$CACHE_ROOT/compiled-step/$KEY"
STAMP="$OUT.key"

if [[ -f "$OUT" && -f "$STAMP" && "$(cat "$STAMP")" == "$KEY" ]]; then
  log "already built ($KEY); nothing to do."
  exit 0
fi

mkdir -p "$KEY_DIR" "$(dirname "$OUT")"
# One build at a time per key: CI and a developer may run setup concurrently.
exec 9>"$KEY_DIR/.lock"
flock 9
HOW="copied from the cache"
if [[ ! -f "$KEY_DIR/liteship_tf_graph.node" ]]; then
  HOW="built"
  # Headers and a compiler are needed only to build; a cached build is copied without them.
  NODEDIR="${LITESHIP_NODEDIR:-$(dirname "$(dirname "$(command -v node)")")}"
  [[ -f "$NODEDIR/include/node/node_api.h" ]] ||
    give_up "Node headers not found ($NODEDIR/include/node/node_api.h)" "install Node's headers or set LITESHIP_NODEDIR"
  command -v g++ >/dev/null || give_up "g++ is not on PATH" "install build-essential"
  log "building native/tf_graph.cc against $LIB_DIR ..."
  # RUNPATH is the cached libtensorflow: the same file (same soname) tfjs-node loads, so
  # the process holds one TensorFlow runtime whichever addon loads first.
  if ! g++ "${FLAGS[@]}" -I"$NODEDIR/include/node" -I"$INCLUDE_DIR" "$SRC" -o "$KEY_DIR/liteship_tf_graph.node.tmp" \
        -L"$LIB_DIR" -l:libtensorflow_cc.so.2 -l:libtensorflow_framework.so.2 -Wl,-rpath,"$LIB_DIR" \
        2>"$KEY_DIR/build.log"; then
    tail -n 20 "$KEY_DIR/build.log" | sed 's/^/  | /'
    give_up "g++ failed (full log: $KEY_DIR/build.log)"
  fi
  mv "$KEY_DIR/liteship_tf_graph.node.tmp" "$KEY_DIR/liteship_tf_graph.node"
fi
cp "$KEY_DIR/liteship_tf_graph.node" "$OUT.tmp"
mv "$OUT.tmp" "$OUT"

# Prove it loads next to tfjs-node and runs a graph: 2 * 3 = 6.
if ! VERIFY="$(TF_CPP_MIN_LOG_LEVEL=2 node -e '
  require("@tensorflow/tfjs-node");
  const g = require(process.argv[1]);
  const graph = g.newGraph();
  const c = (v, n) => g.addOp(graph, "Const", n, [], [["dtype", "type", 1], ["value", "tensor", [1, [], new Float32Array([v])]]]);
  const mul = g.addOp(graph, "Mul", "mul", [[c(2, "a"), 0], [c(3, "b"), 0]], [["T", "type", 1]]);
  const [[, , data]] = g.run(g.newSession(graph, null), [], [[mul, 0]], []);
  if (data[0] !== 6) throw new Error("2 * 3 = " + data[0]);
  console.log("TensorFlow " + g.tensorflowVersion);
' "$OUT" 2>"$KEY_DIR/verify.log")"; then
  tail -n 5 "$KEY_DIR/verify.log" | sed 's/^/  | /'
  give_up "the built addon does not load or run"
fi
printf '%s' "$KEY" >"$STAMP"
log "$HOW and verified in $SECONDS s ($VERIFY, key $KEY)."
