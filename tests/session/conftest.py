"""Headless case-session tests: no QApplication, no PySide6; recovery saves and config per test."""

from __future__ import annotations

import sys

import pytest


def _qt_application():
    core = sys.modules.get("PySide6.QtCore")  # pytest-qt loads it at start; never imported here
    return core.QCoreApplication.instance() if core is not None else None


@pytest.fixture(autouse=True)
def headless():
    """A test here loads no Qt module (nor the window's code) and creates no QApplication."""
    loaded, app = set(sys.modules), _qt_application()
    yield
    new = sorted(m for m in set(sys.modules) - loaded if m.startswith(("PySide6", "shiboken6", "cned_viewer.ui")))
    assert new == [], f"a headless session test loaded {new}"
    assert app is not None or _qt_application() is None, "a headless session test created a QApplication"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Recovery saves and settings go to the test's folder, never the user's (nor another test's)."""
    monkeypatch.setenv("CNED_RECOVERY_DIR", str(tmp_path / "recovery"))
    monkeypatch.setenv("CNED_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def make_session():
    """``make_session(**answers)``: a synchronous session that writes reports (offscreen VTK)."""
    from cned_viewer.render.report_export import write_case_report
    from cned_viewer.session import Answers, CaseSession, SyncExecutor

    def make(**answers):
        return CaseSession(SyncExecutor(), questions=Answers(**answers), report_writer=write_case_report)

    return make


@pytest.fixture
def demo_session(make_session, demo_case):
    """A session with the demo case open and measured (a copy of the shared demo case: faster than ``open_demo``)."""
    from tests.session.helpers import copy_case

    session = make_session()
    assert session.open("the demo case", lambda: copy_case(demo_case))
    assert session.editable and session.measurements is not None
    return session
