#!/usr/bin/env bash
# Start times of a built bundle in a clean environment (the numbers in installer/README.md).
# Usage: xvfb-run -a -s "-screen 0 1280x1024x24" bash installer/measure_start.sh [APP]
#        (APP default build/installer/dist/cned-viewer/cned-viewer; needs xdotool)
set -euo pipefail
APP=$(readlink -f "${1:-build/installer/dist/cned-viewer/cned-viewer}")
HOME_DIR=$(mktemp -d)
trap 'rm -rf "$HOME_DIR"' EXIT
clean() { env -i HOME="$HOME_DIR" PATH=/usr/bin:/bin DISPLAY="${DISPLAY:-}" XAUTHORITY="${XAUTHORITY:-}" "$@"; }
seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null; echo "$(echo "$EPOCHREALTIME - $start" | bc)"; }

echo "--version: $(seconds clean "$APP" --version) s"
echo "warm-up, first start (kernels from the shipped cache): $(clean "$APP" warm-up | grep -o 'in [0-9.]* s')"
echo "warm-up, forced host-only target (compiling): $(clean env NUMBA_CPU_NAME=generic NUMBA_CACHE_DIR="$HOME_DIR/compile" "$APP" warm-up | grep -o 'in [0-9.]* s')"
echo "screenshot demo: $(seconds clean "$APP" screenshot demo -o "$HOME_DIR/demo.png") s"
start=$EPOCHREALTIME
clean "$APP" demo & pid=$!
xdotool search --sync --onlyvisible --name "CNED Viewer" >/dev/null
echo "viewer window on screen: $(echo "$EPOCHREALTIME - $start" | bc) s"
kill "$pid"; wait "$pid" 2>/dev/null || true
