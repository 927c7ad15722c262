"""Render the main window on a case and save it as PNG, then return (for the CLI and docs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from cned_viewer.errors import UserError
from cned_viewer.render.offscreen import prefer_egl_without_display

TIMEOUT_MS = 180_000


def window_screenshot(image: str, labels: str | None, out: str | os.PathLike, size: tuple[int, int] = (1440, 900),
                      lesion: int | None = 1) -> Path:
    """Open ``image`` (or ``demo``) + ``labels`` in the main window, wait for every worker, save a PNG.

    Uses the display the process has (Xvfb in CI); without one, Qt's offscreen platform and the
    static 3D picture. ``lesion`` is selected first (None: no selection).
    """
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        prefer_egl_without_display()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from cned_viewer.ui.main_thread_gc import MainThreadCollector
    from cned_viewer.ui.main_window import MainWindow

    collector = MainThreadCollector(app)
    window = MainWindow()
    try:
        _open_and_wait(window, image, labels, size)
        if lesion is not None:
            window.panels.select_lesion(lesion)
        app.processEvents()
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(target)):
            raise UserError(f"cannot write {target}")
    finally:
        window.close()
        collector.stop()
    return target


def _open_and_wait(window, image: str, labels: str | None, size: tuple[int, int]) -> None:
    """Show the window, open the case and wait for every worker; UserError with the first failure."""
    window.resize(*size)
    window.show()
    errors: list[str] = []
    loop = QEventLoop()
    window.meshes_ready.connect(lambda *_: loop.quit())
    session = window.session
    session.failed.disconnect(window.show_error)  # no modal box in batch mode: the errors are collected
    session.failed.connect(lambda message: (errors.append(message), loop.quit()))
    session.case_opened.connect(lambda case: loop.quit() if case.labels is None else None)
    if image == "demo":
        session.open_demo()
    else:
        session.open_path(image, labels)
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    loop.exec()
    if errors:
        raise UserError(errors[0])
    if window.busy:
        raise UserError("the case did not finish loading in time")
