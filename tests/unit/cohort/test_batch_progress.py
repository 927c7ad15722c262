"""batch's progress: a redrawn bar on a terminal (failures kept on lines of their own), one line per case in a log."""

from __future__ import annotations

import io

from cned_viewer.cohort.runner import Progress, Task


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(stream) -> str:
    progress = Progress(total=4, already=1, stream=stream)
    for index, error in ((1, ""), (2, "labels not found"), (3, "")):
        progress.update(Task(index, f"key{index}", f"case {index}", ()), error)
    return stream.getvalue()


def test_a_terminal_gets_one_redrawn_bar_and_the_failure_on_its_own_line() -> None:
    text = _run(Terminal())
    lines = text.split("\n")
    assert "[3/4] case 2: failed: labels not found" in lines[0]
    assert text.count("\r") == 4 and text.endswith("\n")  # redrawn in place, then left standing
    last = text.rsplit("\r", 1)[1]
    assert "[" + "#" * Progress.BAR_WIDTH + "] 4/4 done, 1 failed, finished" in last


def test_a_log_gets_one_line_per_case() -> None:
    lines = _run(io.StringIO()).splitlines()
    assert len(lines) == 3 and "\r" not in "".join(lines)
    assert lines[1].startswith("[3/4] case 2: failed: labels not found (done 3/4, failed 1;")
    assert lines[2].endswith("finished)")
