# Sourced by the window benchmarks: builds the app (the dev profile the tests use, or the
# release build with PROFILE=release; SPACEFOLD_BIN=path runs another build instead, an
# older one for a baseline) and gives it a display, starting Xvfb on display $1 when there
# is none. Sets $bin.
if [ -n "${SPACEFOLD_BIN:-}" ]; then
  bin=$SPACEFOLD_BIN
elif [ "${PROFILE:-dev}" = release ]; then
  cargo build --release --quiet
  bin=${CARGO_TARGET_DIR:-target}/release/spacefold
else
  cargo build --quiet
  bin=${CARGO_TARGET_DIR:-target}/debug/spacefold
fi
if [ -z "${DISPLAY:-}" ]; then
  Xvfb ":$1" -screen 0 1600x1000x24 >/dev/null 2>&1 &
  xvfb=$!
  trap 'kill $xvfb' EXIT
  export DISPLAY=":$1"
  sleep 1
fi
export WGPU_BACKEND=${WGPU_BACKEND:-vulkan}
