"""Start the desktop application."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from cned_viewer.ui.first_start import prepare_kernels
from cned_viewer.ui.main_thread_gc import MainThreadCollector
from cned_viewer.ui.main_window import MainWindow


def run_app(demo: bool = False, image: str | None = None, labels: str | None = None, label_map: str | None = None, series: str | None = None,
            segments: str | None = None) -> int:
    """Open the main window on the demo case or on ``image`` (+ ``labels``); returns the exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("CNED Viewer")
    prepare_kernels()  # desktop bundle: numba kernels loaded, or compiled behind a progress dialog
    collector = MainThreadCollector(app)  # noqa: F841 - lives as long as the application
    window = MainWindow()
    window.show()
    session = window.session
    if session.offer_recovery(prefer=image):  # unsaved edits a crashed session left, whatever opened the app
        pass
    elif image:
        session.open_path(image, labels, label_map, series, segments)
    elif demo:
        session.open_demo()
    return app.exec()
