# Sourced by the window benchmarks: builds the app (the dev profile the tests use) and gives
# it a display, starting Xvfb on display $1 when there is none. Sets $bin.
cargo build --quiet
bin=target/debug/spacefold
if [ -z "${DISPLAY:-}" ]; then
  Xvfb ":$1" -screen 0 1600x1000x24 >/dev/null 2>&1 &
  xvfb=$!
  trap 'kill $xvfb' EXIT
  export DISPLAY=":$1"
  sleep 1
fi
export WGPU_BACKEND=${WGPU_BACKEND:-vulkan}
