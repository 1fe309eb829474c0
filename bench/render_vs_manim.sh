#!/usr/bin/env bash
# Offline render speed: the same 10 s animation at 1280x720 and 30 fps (a grid of 24 + 24 lines
# and 2,000 points carried through a hand-set 2-2-2 ReLU network, stage by stage) rendered to
# an H.264 MP4 by spacefold (bench/render/relu-2000.ron) and by manim Community Edition
# (bench/render/relu_manim.py), installed from PyPI into a virtual environment.
# Prints frames, wall-clock seconds (process start to file written) and frames per second.
# spacefold renders with its default anti-aliasing (`--antialias auto`: this flat view's lines
# and points smooth their own edges), then again with 4x multisampling throughout.
#
#   bench/render_vs_manim.sh            # MANIM_VENV=dir reuses an environment
set -euo pipefail
cd "$(dirname "$0")/.."
size=1280x720
fps=30
venv=$(realpath -m "${MANIM_VENV:-target/manim-venv}")

# manim builds Cairo and Pango bindings from source here: it needs their headers.
need=()
for p in libcairo2-dev libpango1.0-dev pkg-config python3-venv; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  else
    echo "manim needs: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
if [ ! -x "$venv/bin/manim" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q manim imageio-ffmpeg
fi
"$venv/bin/pip" show -q imageio-ffmpeg > /dev/null 2>&1 || "$venv/bin/pip" install -q imageio-ffmpeg
# An ffmpeg for spacefold's MP4 (manim brings its own through PyAV).
ffmpeg=$(command -v ffmpeg || "$venv/bin/python" -c "import imageio_ffmpeg; print(imageio_ffmpeg.get_ffmpeg_exe())")

# SPACEFOLD_BIN=path measures another build (an older one, for a baseline).
if [ -n "${SPACEFOLD_BIN:-}" ]; then
  bin=$SPACEFOLD_BIN
else
  cargo build --release --quiet
  bin=${CARGO_TARGET_DIR:-target}/release/spacefold
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" data "moons:n=2000,noise=0.1,seed=1" --csv "$work/points.csv" 2> /dev/null

now() { date +%s.%N; }
report() { # name frames start end
  awk -v n="$1" -v f="$2" -v a="$3" -v b="$4" \
    'BEGIN { printf "%-10s %4d frames in %6.1f s: %6.1f frames/s\n", n, f, b - a, f / (b - a) }'
}

t0=$(now)
SPACEFOLD_FFMPEG="$ffmpeg" "$bin" render bench/render/relu-2000.ron --out "$work/spacefold.mp4" \
  --size "$size" --fps "$fps" 2> "$work/spacefold.log"
t1=$(now)
sf_frames=$(grep -o 'wrote [0-9]* frames' "$work/spacefold.log" | grep -o '[0-9]*')

t4=$(now)
SPACEFOLD_FFMPEG="$ffmpeg" "$bin" render bench/render/relu-2000.ron --out "$work/msaa.mp4" \
  --size "$size" --fps "$fps" --antialias msaa 2> "$work/msaa.log"
t5=$(now)

t2=$(now)
(cd "$work" && SPACEFOLD_BENCH_CSV="$work/points.csv" "$venv/bin/manim" \
  -r "${size/x/,}" --fps "$fps" --disable_caching --progress_bar none -v WARNING \
  --media_dir "$work/manim" -o manim.mp4 "$OLDPWD/bench/render/relu_manim.py" ReluSpace)
t3=$(now)
manim_frames=$("$venv/bin/python" -c "
import av, sys
with av.open(sys.argv[1]) as f: print(sum(1 for _ in f.decode(video=0)))
" "$(find "$work/manim" -name manim.mp4)")

echo "10 s at $size, $fps fps, to MP4, on $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
report spacefold "$sf_frames" "$t0" "$t1"
report "(msaa)" "$sf_frames" "$t4" "$t5"
report manim "$manim_frames" "$t2" "$t3"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v f="$sf_frames" -v g="$manim_frames" \
  'BEGIN { printf "spacefold is %.1fx faster (frames per second, both anti-aliased; goal 8x)\n", (f / (b - a)) / (g / (d - c)) }'
echo "($("$venv/bin/manim" --version 2>/dev/null | head -1); spacefold $("$bin" --version | cut -d' ' -f2))"
