#!/usr/bin/env bash
# Build the self-contained Linux x86_64 desktop bundle of CNED Viewer with PyInstaller, its numba
# kernel cache, and package it as dist/cned-viewer_VERSION_amd64.deb and
# dist/cned-viewer-VERSION-linux-x86_64.tar.gz. Needs: .venv with the `build` extra
# (pip install -e ".[build]"), dpkg-deb. Network: only pip's package index (metadata refresh).
# Usage: bash installer/build.sh [--work DIR]   (default build/installer; outputs in dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=build/installer
[ "${1:-}" = "--work" ] && WORK=$2
WORK=$(realpath -m "$WORK")
PY=$ROOT/.venv/bin/python
step() { printf '[build %4ds] %s\n' "$SECONDS" "$*"; }

[ "$(uname -m)" = x86_64 ] || { echo "build.sh builds the Linux x86_64 bundle; this is $(uname -m)" >&2; exit 1; }
"$PY" -c 'import PyInstaller' 2>/dev/null || { echo "PyInstaller missing: .venv/bin/pip install -e '.[build]'" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "dpkg-deb missing: apt-get install dpkg-dev" >&2; exit 1; }

step "refreshing the installed metadata (version, requirements, plugin entry points)"
plugins=(); for p in plugins/*/pyproject.toml; do plugins+=(-e "$(dirname "$p")"); done
mkdir -p "$WORK"
"$PY" -m pip install -q --no-deps -e . "${plugins[@]}" >"$WORK/pip.log" 2>&1 || { cat "$WORK/pip.log" >&2; exit 1; }
VERSION=$("$PY" -c 'from importlib.metadata import version; print(version("cned-viewer"))')

step "PyInstaller (cned-viewer $VERSION)"
rm -rf "$WORK/dist"
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$WORK/dist" --workpath "$WORK/pyinstaller" installer/cned-viewer.spec
APP=$WORK/dist/cned-viewer
INTERNAL=$APP/_internal

step "stripping the symbols VTK's and llvmlite's libraries ship with (-130 MB)"
# Only these: the other wheels' libraries were patched by auditwheel, and strip breaks them.
find "$INTERNAL/vtkmodules" -name 'libvtk*.so*' -exec strip --strip-unneeded {} +
strip --strip-unneeded "$INTERNAL/llvmlite/binding/libllvmlite.so"

step "build info, licence list and the numba kernel cache"
"$PY" installer/bundle_info.py "$INTERNAL" "$VERSION"
# The shipped kernels are compiled by the frozen app itself, for the portable target of build-info.json.
eval "$("$PY" installer/bundle_info.py --target-env "$INTERNAL")"
env -i HOME="$WORK/home" PATH=/usr/bin:/bin NUMBA_CACHE_DIR="$INTERNAL/numba_cache" \
    NUMBA_CPU_NAME="$NUMBA_CPU_NAME" NUMBA_CPU_FEATURES="$NUMBA_CPU_FEATURES" "$APP/cned-viewer" warm-up

step "Debian package"
bash installer/make_deb.sh "$APP" "$VERSION" "$WORK/deb" "dist/cned-viewer_${VERSION}_amd64.deb"

step "tar.gz"
cp resources/cned-viewer.svg resources/cned-viewer.desktop resources/cned-viewer-mime.xml "$APP/"
cp installer/deb/cned-viewer-open "$APP/"
tar -C "$WORK/dist" -cf - cned-viewer | gzip -5 > "dist/cned-viewer-$VERSION-linux-x86_64.tar.gz"

step "done: $(du -sm "$APP" | cut -f1) MB unpacked"
ls -l "dist/cned-viewer_${VERSION}_amd64.deb" "dist/cned-viewer-$VERSION-linux-x86_64.tar.gz"
