#!/usr/bin/env bash
# CPU time per frame of the layers view while it plays (its main schedule: sampling the flow,
# placing every point, gathering the points' instances, drawing the grid lines, the panels,
# Bevy's own systems; rendering excluded: `--bench-frames` renders after the main schedule
# and starts each frame once the GPU is done) on a 2-16-16-3 network, a 64x64-line grid
# sampled 256 times a line, for 10k, 100k and 1M points. Release build; runs the real window,
# under Xvfb if there is no display. Prints each figure beside its goal and beside the
# baseline measured the same way on this machine before the points were drawn as one
# instanced draw (commit ca132b2: one mesh entity a point).
#
#   bench/layers_frame.sh [FRAMES]   (default 30 frames after 10 of warm-up, 8 at 1M; each row the
#   median of three runs; SPACEFOLD_BIN=older/spacefold measures another build)
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-30}
PROFILE=release source bench/window_env.sh 78
run() { # points grid frames -> "mean p95"
  "$bin" --data "spiral:arms=3,n=$1" --arch 2-16-16-3 --paused --view layers --play --loop \
    --grid "$2" --size 640x400 --bench-frames "$3" 2>/dev/null | tail -1 |
    sed -E 's/.*"mean_ms":([0-9.]+),"p95_ms":([0-9.]+).*/\1 \2/'
}
printf '%-9s %-7s %9s %9s %9s %14s\n' points grid "mean ms" "p95 ms" "goal ms" "ca132b2 mean"
# The median of three runs (this machine's timings move from minute to minute).
median3() { sort -n | sed -n 2p; }
row() { # points grid frames goal baseline
  runs=$(for _ in 1 2 3; do run "$1" "$2" "$3"; done)
  mean=$(cut -d' ' -f1 <<< "$runs" | median3)
  p95=$(cut -d' ' -f2 <<< "$runs" | median3)
  printf '%-9s %-7s %9s %9s %9s %14s\n' "$1" "$2" "$mean" "$p95" "$4" "$5"
}
row 10000 64x256 "$frames" 2 6.6
row 100000 64x256 "$frames" 8 26.7
row 1000000 64x256 8 60 "cannot draw"
row 10000 0x2 "$frames" - -
row 100 0x2 "$frames" - -
