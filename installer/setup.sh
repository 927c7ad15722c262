#!/usr/bin/env bash
# Install everything CNED Viewer needs on a fresh Debian/Ubuntu machine (Python 3.11+):
# system libraries for Qt, VTK (EGL/Mesa) and Xvfb, a virtual environment in .venv, the
# app (editable) and its first-party plugins. With --test, the test tools too.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

apt_packages=(
  libgl1 libegl1 libgl1-mesa-dri libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6
  libxkbcommon0 fonts-dejavu-core libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4
  libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
  xvfb xauth poppler-utils libgomp1
)
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "CNED Viewer needs Python 3.11 or newer (found $(python3 --version 2>&1))" >&2; exit 1; }
python3 -c 'import ensurepip' 2>/dev/null || apt_packages+=(python3-venv)
# Only for the tests: xdotool drives the real app with key and mouse events, lintian checks the .deb,
# orthanc is the PACS of the round-trip tests (started by the tests on loopback).
test_apt_packages=(xdotool lintian orthanc)
[ -n "$extras" ] && apt_packages+=("${test_apt_packages[@]}")

missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
plugin_args=()
for plugin in plugins/*/pyproject.toml; do
  [ -e "$plugin" ] && plugin_args+=(-e "$(dirname "$plugin")")
done
.venv/bin/python -m pip install -q -e ".${extras}" "${plugin_args[@]}"
echo "CNED Viewer installed in .venv"
# Compile the numba kernels now (~20 s once), not during the first measurement.
.venv/bin/cned-viewer warm-up
