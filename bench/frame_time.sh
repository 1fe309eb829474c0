#!/usr/bin/env bash
# CPU time per frame of the explorer (its main schedule: every app and engine system,
# rendering excluded) while it trains a 2-16-16-3 network on a 3-arm spiral, for 10k and
# 100k points and several heatmap resolutions. Runs the real window, under Xvfb if there is
# no display. Prints one JSON line per run.
#
#   bench/frame_time.sh [FRAMES] [FRAMES_100K]   (default 30 and 8 frames, after 10 of
#   warm-up; under a software renderer a 100k-point frame takes seconds to draw)
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-30}
frames_big=${2:-8}
source bench/window_env.sh 77
run() { "$bin" --data "spiral:arms=3,n=$1" --arch 2-16-16-3 --heatmap "$2" --size 640x400 --bench-frames "$3" 2>/dev/null | tail -1; }
for heatmap in 64 128 256; do run 10000 $heatmap "$frames"; done
run 100000 96 "$frames_big"
