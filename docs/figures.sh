#!/usr/bin/env bash
# Regenerates docs/figures.md: for each reference figure, one small frame rendered by
# spacefold, the scene that makes it, and its `check --verify` table.
#
#   docs/figures.sh [path/to/spacefold]     (default: target/release/spacefold, else debug)
#
# Renders headless (software Vulkan is enough); takes a few minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-}"
if [[ -z "$bin" ]]; then
  bin=target/release/spacefold
  [[ -x "$bin" ]] || bin=target/debug/spacefold
fi
[[ -x "$bin" ]] || { echo "no spacefold binary at $bin: cargo build first" >&2; exit 2; }
out=docs/figures
mkdir -p "$out"

# article | scene | seconds before the end to take the frame (its point is made by then)
figures=(
  "000|neuron-plane|0.6"
  "000|neuron-sigmoid-step|0.6"
  "000|four-neurons|0.6"
  "001|boundary-logistic-1|0.6"
  "001|boundary-logistic-30|0.6"
  "001|boundary-identity-30|0.6"
  "001|boundary-relu-30|0.6"
  "001|boundary-3class|0.6"
  "001|boundary-4-4-2|0.6"
  "001|training-replay|0.6"
  "002|mixture-square|0.6"
  "002|rings-cube|0.6"
  "003|layer-anatomy|0.6"
  "003|spirals-2wide|0.6"
  "003|spirals3-2wide|0.6"
  "003|spiral-bottleneck|0.6"
  "004|relu-fold|0.6"
  "004|relu-fold-3d|0.6"
  "004|softmax-argmax|0.6"
  "004|relu-zoomed-out|0.6"
  "004|sine-zoomed-out|0.6"
)
declare -A article=(
  [000]="Neuron landscapes: a 3D hike through one neuron to four"
  [001]="A visual introduction: decision boundaries and hidden width"
  [002]="Hidden layers as transformations: into the unit square and cube"
  [003]="Layers stretch, shift and squash"
  [004]="ReLU folds, the bottleneck, softmax and argmax"
)

md=docs/figures.md
tmp="$md.partial"
{
  echo "# The reference figures, made by spacefold"
  echo
  echo "Each figure of the five reference articles (see \`scenes/README.md\`) as a shipped scene:"
  echo "one frame near its end, rendered headless at 480x270, and what \`spacefold check"
  echo "--verify\` measures of the network the scene trains (accuracy; at every layer boundary the"
  echo "width, how spread the points are after \`W·a\` and after the activation, and how well a"
  echo "line or plane separates the classes), with the claims the scene states checked."
  echo
  echo "Regenerate this page with \`docs/figures.sh\` (it renders every frame and runs every check)."
} > "$tmp"
last=""
for entry in "${figures[@]}"; do
  IFS='|' read -r art scene before <<< "$entry"
  if [[ "$art" != "$last" ]]; then
    printf '\n## %s\n' "${article[$art]}" >> "$tmp"
    last="$art"
  fi
  verify=$("$bin" check --verify "scenes/$scene.ron" 2>&1) || {
    echo "$verify" >&2
    echo "check --verify failed for $scene" >&2
    exit 1
  }
  duration=$(sed -n '1s/.*, \([0-9.]*\) s, .*/\1/p' <<< "$verify")
  at=$(awk -v d="$duration" -v b="$before" 'BEGIN { t = d - b; if (t < 0) t = 0; print t }')
  rm -rf "$out/$scene.frames"
  env -u DISPLAY "$bin" render "scenes/$scene.ron" --size 480x270 --at "$at" \
    --out "$out/$scene.frames/" > /dev/null 2>&1 || {
    echo "render failed for $scene" >&2
    exit 1
  }
  mv "$out/$scene.frames/frame-00000.png" "$out/$scene.png"
  rm -rf "$out/$scene.frames"
  title=$(sed -n '1s/.*"\(.*\)".*/\1/p' <<< "$verify")
  {
    printf '\n### %s (`scenes/%s.ron`)\n\n' "$title" "$scene"
    printf '![%s, at %.1f s](figures/%s.png)\n\n' "$title" "$at" "$scene"
    echo '```'
    echo "$verify"
    echo '```'
  } >> "$tmp"
  echo "$scene: frame at $at s" >&2
done
mv "$tmp" "$md"
echo "wrote $md and $out/*.png" >&2
