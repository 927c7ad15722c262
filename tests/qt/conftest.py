"""Qt test set-up: a platform for display-less runs, isolated settings, window fixtures."""

from __future__ import annotations

import gc
import os

import pytest

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # plain widgets work; the embedded VTK view does not
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")  # offscreen pictures without X


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Recent cases and other QSettings go to a temporary folder, never the user's."""
    from PySide6.QtCore import QCoreApplication, QSettings

    QCoreApplication.setOrganizationName("cned-viewer-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    monkeypatch.setenv("CNED_RECOVERY_DIR", str(tmp_path / "recovery"))
    monkeypatch.setenv("CNED_CONFIG_DIR", str(tmp_path / "config"))
    yield


@pytest.fixture(autouse=True)
def quiet_questions(monkeypatch) -> dict[str, list]:
    """Unsaved-edits and recovery questions answer "discard" / "later" (a modal box would block); tests may change it."""
    from cned_viewer.ui.questions import DialogQuestions

    asked: dict[str, list] = {"unsaved": [], "recovery": []}
    answers = {"unsaved": "discard", "recovery": "later"}
    monkeypatch.setattr(DialogQuestions, "unsaved_edits", lambda self: asked["unsaved"].append(1) or answers["unsaved"])
    monkeypatch.setattr(DialogQuestions, "recovery", lambda self, info: asked["recovery"].append(info) or answers["recovery"])
    asked["answers"] = answers  # type: ignore[assignment]
    return asked


@pytest.fixture
def no_message_boxes(monkeypatch) -> list[str]:
    """Collect the texts of warning boxes instead of showing them (a modal box would block the test)."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    return shown


def _dispose(main) -> None:
    """Close and delete a window now, on the GUI thread.

    Left to the cyclic garbage collector, its VTK and Qt objects could be finalised later on
    whichever thread happens to allocate (a worker), which crashes Qt.
    """
    from PySide6.QtCore import QCoreApplication, QEvent

    main.close()
    main.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def make_window(qtbot, no_message_boxes):
    """``make_window(**options)``: a shown main window with the 3D view as an offscreen picture (runs
    without X); ``options`` go to ``MainWindow`` (e.g. ``plugin_manager``). Disposed after the test."""
    from cned_viewer.ui.main_window import MainWindow

    made = []

    def make(**options):
        main = MainWindow(interactive_3d=False, **options)
        main.show()
        made.append(main)
        return main

    yield make
    for main in made:
        _dispose(main)


@pytest.fixture
def window(make_window):
    """The main window with the 3D view as an offscreen picture (runs without X)."""
    return make_window()


@pytest.fixture
def gui_window(qtbot, no_message_boxes):
    """The main window with the embedded VTK view; skips without an X display (CI runs Xvfb)."""
    from PySide6.QtGui import QGuiApplication

    if not os.environ.get("DISPLAY") or QGuiApplication.platformName() in ("offscreen", "minimal"):
        pytest.skip("the embedded VTK view needs an X display: run under xvfb-run")
    from cned_viewer.ui.main_window import MainWindow

    main = MainWindow(interactive_3d=True)
    main.resize(1440, 900)
    main.show()
    qtbot.waitExposed(main)
    yield main
    _dispose(main)


@pytest.fixture
def wait_ready(qtbot):
    """``wait_ready(window)``: wait until loading, measuring and meshing are done (or one failed)."""

    def wait(window, timeout_ms: int = 180_000) -> None:
        qtbot.waitUntil(lambda: not window.busy, timeout=timeout_ms)

    return wait


@pytest.fixture
def demo_window(window, wait_ready):
    """The window on the demo case, measured, meshed and ready for editing."""
    window.session.open_demo()
    wait_ready(window)
    assert window.session.edits.ready and window.model.meshes is not None
    return window
