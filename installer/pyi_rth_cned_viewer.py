"""PyInstaller runtime hook: before any app import, point numba at the bundle's kernel cache."""

from cned_viewer.frozen import configure_frozen_app

configure_frozen_app()
