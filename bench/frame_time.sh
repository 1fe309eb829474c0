#!/usr/bin/env bash
# CPU time per frame of the explorer (its main schedule: every app and engine system,
# rendering excluded: `--bench-frames` renders after the main schedule and starts each frame
# once the GPU is done) while it trains a 2-16-16-3 network on a 3-arm spiral, for 10k and
# 100k points and several heatmap resolutions. Release build; runs the real window, under
# Xvfb if there is no display. Prints each figure beside its goal and beside the baseline
# measured the same way on this machine before the points were drawn as one instanced draw
# (commit ca132b2: one mesh entity a point).
#
#   bench/frame_time.sh [FRAMES]   (default 30 frames after 10 of warm-up; each row the median of
#   three runs; SPACEFOLD_BIN=older/spacefold measures another build)
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-30}
PROFILE=release source bench/window_env.sh 77
run() { # points heatmap -> "mean p95"
  "$bin" --data "spiral:arms=3,n=$1" --arch 2-16-16-3 --heatmap "$2" --size 640x400 \
    --bench-frames "$frames" 2>/dev/null | tail -1 |
    sed -E 's/.*"mean_ms":([0-9.]+),"p95_ms":([0-9.]+).*/\1 \2/'
}
printf '%-9s %-8s %9s %9s %9s %14s\n' points heatmap "mean ms" "p95 ms" "goal ms" "ca132b2 mean"
# The median of three runs (this machine's timings move from minute to minute).
median3() { sort -n | sed -n 2p; }
row() { # points heatmap goal baseline
  runs=$(for _ in 1 2 3; do run "$1" "$2"; done)
  mean=$(cut -d' ' -f1 <<< "$runs" | median3)
  p95=$(cut -d' ' -f2 <<< "$runs" | median3)
  printf '%-9s %-8s %9s %9s %9s %14s\n' "$1" "$2" "$mean" "$p95" "$3" "$4"
}
row 10000 96 4 5.6
row 10000 256 - 5.9
row 100000 96 - 15.6
