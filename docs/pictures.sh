#!/usr/bin/env bash
# Makes the README's pictures again, with spacefold itself: screenshots of the window (on
# the X display in $DISPLAY, e.g. Xvfb :99 with WGPU_BACKEND=vulkan) and one render.
#
#   docs/pictures.sh [path/to/spacefold]     (default: target/release/spacefold, else debug)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-}"
if [[ -z "$bin" ]]; then
  bin=target/release/spacefold
  [[ -x "$bin" ]] || bin=target/debug/spacefold
fi
[[ -x "$bin" ]] || { echo "no spacefold binary at $bin: cargo build first" >&2; exit 2; }
[[ -n "${DISPLAY:-}" ]] || { echo "no DISPLAY: start Xvfb (Xvfb :99 &; export DISPLAY=:99)" >&2; exit 2; }
out=docs/images
shot() {
  local name=$1; shift
  "$bin" --size 1280x800 --screenshot "$out/$name.png" "$@" >/dev/null
  echo "$out/$name.png"
}
shot explorer --data spiral:arms=3,n=600 --arch 2-16-16-3 --screenshot-after 8
shot layers-cube --preset rings-cube --position 1
shot layers-digits --preset digits-bottleneck --position 2
shot landscape-four-neurons --preset four-neurons
shot landscape-softmax --preset softmax-surfaces --split
"$bin" render relu-fold --out "$out/relu-fold.gif" --size 480x270 --fps 10
