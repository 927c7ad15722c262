#!/usr/bin/env bash
# Package the frozen bundle as a .deb: /opt/cned-viewer, /usr/bin/cned-viewer, desktop entry,
# icon, the case-bundle MIME type, copyright and changelog. dpkg-deb only, no root needed.
# Usage: bash installer/make_deb.sh APP_FOLDER VERSION STAGING_DIR OUTPUT.deb
set -euo pipefail
cd "$(dirname "$0")/.."
APP=$1 VERSION=$2 STAGE=$3 OUT=$4
MAINTAINER=${CNED_DEB_MAINTAINER:-CNED Viewer developers <packaging@cned-viewer.org>}
# The system libraries the bundle loads from the host (OpenGL/EGL, X11/xcb for Qt, fonts).
DEPENDS="libc6 (>= 2.31), libgl1, libegl1, libglib2.0-0, libdbus-1-3, libfontconfig1, libfreetype6, libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-render-util0, libxcb-shape0, libxcb-xkb1, libgomp1, fonts-dejavu-core"

rm -rf "$STAGE"
install -d -m 755 "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/mime/packages" \
  "$STAGE/usr/share/doc/cned-viewer" "$STAGE/usr/share/lintian/overrides"
cp -a "$APP" "$STAGE/opt/cned-viewer"
install -m 755 installer/deb/cned-viewer-open "$STAGE/opt/cned-viewer/cned-viewer-open"
ln -s /opt/cned-viewer/cned-viewer "$STAGE/usr/bin/cned-viewer"
install -m 644 resources/cned-viewer.desktop "$STAGE/usr/share/applications/cned-viewer.desktop"
install -m 644 resources/cned-viewer.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/cned-viewer.svg"
install -m 644 resources/cned-viewer-mime.xml "$STAGE/usr/share/mime/packages/cned-viewer.xml"
install -m 644 installer/deb/copyright "$STAGE/usr/share/doc/cned-viewer/copyright"
install -m 644 installer/deb/lintian-overrides "$STAGE/usr/share/lintian/overrides/cned-viewer"
printf 'cned-viewer (%s) unstable; urgency=medium\n\n  * Desktop bundle built from commit %s.\n\n -- %s  %s\n' \
  "$VERSION" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$MAINTAINER" "$(date -R)" \
  | gzip -9n > "$STAGE/usr/share/doc/cned-viewer/changelog.gz"
chmod 644 "$STAGE/usr/share/doc/cned-viewer/changelog.gz"
install -m 755 installer/deb/postrm "$STAGE/DEBIAN/postrm"
# Permissions as Debian expects: no group/other write, data files not executable unless ELF/scripts.
chmod -R u+rwX,go+rX,go-w "$STAGE/opt"
find "$STAGE/opt" -type f -name '*.so*' -exec chmod 644 {} +  # shared libraries are not executables
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@SIZE@/$SIZE/" -e "s/@DEPENDS@/$DEPENDS/" -e "s|@MAINTAINER@|$MAINTAINER|" installer/deb/control.in > "$STAGE/DEBIAN/control"
mkdir -p "$(dirname "$OUT")"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$STAGE" "$OUT" >/dev/null
