#!/usr/bin/env bash
# CPU time per frame of the layers view while it plays (its main schedule: sampling the flow,
# moving every point entity, drawing the grid lines; rendering excluded): 100k points and a
# 64x64-line grid sampled 256 times a line (32,768 grid samples), beside smaller cases.
# Runs the real window, under Xvfb if there is no display. Prints one JSON line per run.
#
#   bench/layers_frame.sh [FRAMES] [FRAMES_100K]   (default 30 and 8 frames, after 10 of
#   warm-up; under a software renderer a 100k-point frame takes seconds to draw)
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-30}
frames_big=${2:-8}
source bench/window_env.sh 78
# A trained-looking 2-16-16-3 net is not needed: any weights move the points the same way.
run() {
  "$bin" --data "spiral:arms=3,n=$1" --arch 2-16-16-3 --paused --view layers --play --loop \
    --grid "$2" --size 640x400 --bench-frames "$3" 2>/dev/null | tail -1
}
run 10000 0x2 "$frames"
run 10000 64x256 "$frames"
run 100000 0x2 "$frames_big"
run 100000 64x256 "$frames_big"
