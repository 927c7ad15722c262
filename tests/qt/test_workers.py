"""BackgroundRunner: newest request wins, errors become messages, cancel drops results."""

from __future__ import annotations

import threading

from cned_viewer.errors import UserError
from cned_viewer.ui.workers import BackgroundRunner


def test_newest_request_wins(qtbot) -> None:
    runner = BackgroundRunner()
    gate = threading.Event()
    results: list[object] = []
    runner.finished.connect(results.append)
    runner.submit(lambda: (gate.wait(10), "old")[1])
    with qtbot.waitSignal(runner.finished, timeout=10_000):
        runner.submit(lambda: "new")
    with qtbot.assertNotEmitted(runner.finished, wait=300):
        gate.set()  # the old job ends now; its result must not arrive
    assert results == ["new"] and not runner.busy


def test_errors_become_messages(qtbot) -> None:
    runner = BackgroundRunner()

    def broken() -> None:
        raise UserError("the file is damaged; open another")

    with qtbot.waitSignal(runner.failed) as failed:
        runner.submit(broken)
    assert failed.args == ["the file is damaged; open another"]
    with qtbot.waitSignal(runner.failed) as failed:
        runner.submit(lambda: 1 / 0)
    assert failed.args[0].startswith("internal error: ZeroDivisionError")


def test_cancel_drops_the_result(qtbot) -> None:
    runner = BackgroundRunner()
    gate = threading.Event()
    runner.submit(lambda: gate.wait(10))
    runner.cancel()
    assert not runner.busy
    with qtbot.assertNotEmitted(runner.finished, wait=300):
        gate.set()


def test_cancel_stops_a_job_that_checks(qtbot) -> None:
    """runner.cancel() (and a newer submit) turn cancelled() true inside the running job."""
    from cned_viewer.core.cancel import cancelled

    runner = BackgroundRunner()
    started, stopped = threading.Event(), threading.Event()

    def patient() -> str:
        started.set()
        for _ in range(1000):
            if cancelled():
                stopped.set()
                return "stopped"
            threading.Event().wait(0.01)
        return "ran out"

    runner.submit(patient)
    assert started.wait(10)
    runner.cancel()
    assert stopped.wait(5), "the job did not see the cancel"
    started.clear(), stopped.clear()
    runner.submit(patient)
    assert started.wait(10)
    with qtbot.waitSignal(runner.finished, timeout=10_000) as done:
        runner.submit(lambda: "newer")
    assert stopped.wait(5) and done.args == ["newer"]
