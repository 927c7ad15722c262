"""First start of the desktop bundle: a progress dialog while numba compiles, not a frozen window.

The bundle ships its kernels compiled for a portable CPU target (:mod:`cned_viewer.frozen`);
loading them takes well under a second. Where they do not fit this CPU (or the cache is gone)
numba compiles them, about half a minute on a small machine: the warm-up then runs in a thread
while a dialog says what is happening, and the window opens when it is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog

from cned_viewer.frozen import bundle_dir

#: A warm-up still running after this long is compiling, not loading: show the dialog.
DIALOG_AFTER_S = 0.8
MESSAGE = "Preparing the measurement engine for this computer (once only)… {:.0f} s"


def prepare_kernels(warm_up: Callable[[], float] | None = None, frozen: bool | None = None,
                    dialog_after_s: float = DIALOG_AFTER_S) -> bool:
    """In the frozen bundle, load or compile the kernels before the window opens; True if the dialog was shown.

    Needs the QApplication. ``frozen`` (default: whether this is the bundle) and ``warm_up`` are for tests."""
    if not (bundle_dir() is not None if frozen is None else frozen):
        return False
    if warm_up is None:
        from cned_viewer.kernels import warm_up
    with ThreadPoolExecutor(1, thread_name_prefix="first-start") as pool:
        future = pool.submit(warm_up)
        compiling = not _finishes(future, dialog_after_s)
        if compiling:
            _wait_with_dialog(future)
        future.result()  # a failure of the warm-up surfaces here, as it would at the first measurement
    return compiling


def _finishes(future: Future, seconds: float) -> bool:
    try:
        future.exception(timeout=seconds)
    except TimeoutError:
        return False
    return True


def _wait_with_dialog(future: Future) -> None:
    """A modal busy dialog with the seconds elapsed, the event loop running, until ``future`` is done."""
    start = time.monotonic()
    dialog = QProgressDialog(MESSAGE.format(0), "", 0, 0)
    dialog.setCancelButton(None)
    dialog.setWindowTitle("CNED Viewer")
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.show()
    loop = QEventLoop()
    timer = QTimer(interval=100)
    timer.timeout.connect(lambda: loop.quit() if future.done() else dialog.setLabelText(MESSAGE.format(time.monotonic() - start)))
    timer.start()
    if not future.done():
        loop.exec()
    timer.stop()
    dialog.close()
