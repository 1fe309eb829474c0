#!/usr/bin/env bash
# Seconds `spacefold pack` takes to make one executable of a talk (two scenes, a CSV of
# 20,000 points), beside its baseline: copying the program it packs onto (`cp`), which is
# the least any packing can cost. The median of REPEAT runs of each.
#
#   bench/pack.sh [REPEAT]   (default 5; uses target/release/spacefold if it is built,
#   target/debug/spacefold otherwise)
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=${1:-5}
bin=target/release/spacefold
[ -x "$bin" ] || bin=target/debug/spacefold
[ -x "$bin" ] || { echo "build spacefold first (cargo build --release)" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" data spiral n=20000 --csv "$dir/points.csv" >/dev/null 2>&1
cat > "$dir/scene.ron" <<'RON'
Scene(dataset: "points.csv", network: Train(arch: [2, 8, 3], epochs: 5), timeline: [Wait(1.0), Cue])
RON
cat > "$dir/talk.ron" <<'RON'
Talk(title: "Bench", scenes: ["relu-fold", "scene.ron"])
RON
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_of() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
copy=$(for _ in $(seq "$repeat"); do time_of cp "$bin" "$dir/copy"; done | median)
pack=$(for _ in $(seq "$repeat"); do time_of "$bin" pack "$dir/talk.ron" --out "$dir/talk.bin"; done | median)
size=$(du -m "$dir/talk.bin" | cut -f1)
printf '%-34s %8.3f s\n' "baseline: cp of the program" "$copy"
printf '%-34s %8.3f s   (%s MiB written)\n' "spacefold pack talk.ron" "$pack" "$size"
