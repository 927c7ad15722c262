"""A case opened and measured on the calling thread by the window's own session code: the command line and batch.

:func:`headless_session` is a :class:`~cned_viewer.session.case_session.CaseSession` whose jobs run
at once and raise what fails, so a :class:`~cned_viewer.errors.UserError` reaches the command
line's error handling (one line, exit code 2) and an internal error stays an exception.
:func:`open_case` opens a case with it the way the window does (the same loaders, the same
:class:`~cned_viewer.measure.IncrementalMeasurer`, the same lesion numbers), so the command line
and the viewer cannot disagree on a value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from cned_viewer.demo.phantom import make_demo_case
from cned_viewer.errors import UserError
from cned_viewer.io.case_bundle import is_bundle
from cned_viewer.io.case_loader import with_segments
from cned_viewer.measure import MeasureOptions
from cned_viewer.plugins.manager import PluginManager
from cned_viewer.session.case_files import ReportWriter
from cned_viewer.session.case_session import CaseSession
from cned_viewer.session.executor import SyncExecutor

T = TypeVar("T")

#: The word that names the demo case instead of a path.
DEMO = "demo"


def headless_session(options: MeasureOptions | None = None, plugins: PluginManager | None = None,
                     report_writer: ReportWriter | None = None) -> CaseSession:
    """A session that runs every job on the calling thread and lets its exceptions propagate."""
    return CaseSession(SyncExecutor(raise_errors=True), plugins=plugins, report_writer=report_writer, options=options, recovery=False)


def checked(session: CaseSession, step: Callable[[], T]) -> T:
    """Run ``step`` (its result); a message the session sent to ``failed`` meanwhile becomes a :class:`UserError`."""
    messages: list[str] = []
    session.failed.connect(messages.append)
    try:
        result = step()
    finally:
        session.failed.disconnect(messages.append)
    if messages:
        raise UserError(messages[0])
    return result


def open_case(session: CaseSession, image: str, labels: str | None = None, label_map: str | None = None,
              series: str | None = None, segments: str | None = None) -> CaseSession:
    """Open ``image`` (the word ``demo``, a case bundle, a DICOM folder or file, an image file) with
    its labels and segment map; a case with labels is measured (``session.measurements``)."""
    if image == DEMO and segments is None:
        opened = checked(session, session.open_demo)
    elif image == DEMO:  # the demo with a segment map, in one opening
        opened = checked(session, lambda: session.open("the demo case", lambda: with_segments(make_demo_case(), segments)))
    elif is_bundle(image) and labels:
        raise UserError("a case bundle holds its own labels; open the bundle without a labels file")
    else:
        opened = checked(session, lambda: session.open_path(image, labels, label_map, series, segments))
    if not opened:
        raise UserError(f"{image} was not opened: the open case has unsaved edits")
    return session
