"""Crash recovery as a user meets it: the real command under X, painted with real key and mouse events
(xdotool), killed with SIGKILL, started again with the same command, Recover pressed with the keyboard.

Runs under Xvfb (README's test command) and needs ``xdotool`` (installed by ``installer/setup.sh --test``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

AUTOSAVE_WAIT_S = 120.0  # the case loads and is measured first; the autosave follows within 10 s of an edit


def _xdotool(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=30).stdout.strip()


def _wait_for(condition: Callable[[], object], timeout_s: float, what: str, step: Callable[[], None] | None = None,
              step_every_s: float = 0.5) -> object:
    deadline = time.monotonic() + timeout_s
    stepped = 0.0
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        if step is not None and time.monotonic() - stepped >= step_every_s:
            step()
            stepped = time.monotonic()
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


class App:
    """One launch of ``cned-viewer ARGS`` on the test's X display."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        command = [str(Path(sys.executable).with_name("cned-viewer")), *args]
        self.log = log
        self.process = subprocess.Popen(command, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
        self.window = _wait_for(self._find_window, 60, f"the window of {' '.join(args)}")

    def _find_window(self) -> str:
        assert self.process.poll() is None, f"the app exited: {self.log.read_text(errors='replace')[-2000:]}"
        ids = _xdotool("search", "--all", "--onlyvisible", "--pid", str(self.process.pid), "--name", "CNED Viewer").split()
        return ids[0] if ids else ""

    def recovery_offer(self) -> str:
        """The id of the shown "Recover unsaved work" question ("" while there is none)."""
        ids = _xdotool("search", "--all", "--onlyvisible", "--pid", str(self.process.pid), "--name", "Recover unsaved work").split()
        return ids[0] if ids else ""

    def recover(self) -> None:
        """Wait for the offer and press Return: its default button is Recover."""
        _wait_for(self.recovery_offer, 60, "the offer to recover the unsaved edits")

        def press_return() -> None:
            offer = self.recovery_offer()
            if offer:
                _xdotool("windowfocus", "--sync", offer)
                time.sleep(0.3)
                _xdotool("key", "--clearmodifiers", "Return")

        _wait_for(lambda: not self.recovery_offer(), 20, "the offer to close", step=press_return)

    def geometry(self) -> tuple[int, int, int, int]:
        found = dict(line.strip().split(": ", 1) for line in _xdotool("getwindowgeometry", self.window).splitlines()[1:])
        x, y = (int(v) for v in found["Position"].split(" ")[0].split(","))
        width, height = (int(v) for v in found["Geometry"].split("x"))
        return x, y, width, height

    def key(self, *keys: str) -> None:
        """Keys on the main window (focused first: there is no window manager under Xvfb)."""
        _xdotool("windowfocus", "--sync", self.window)
        time.sleep(0.2)
        for key in keys:
            _xdotool("key", "--clearmodifiers", key)

    def paint_stroke(self) -> None:
        """B (paint), then a left drag across the axial view (the grid's top-left quarter)."""
        self.key("b")
        x, y, width, height = self.geometry()
        left, top = x + int(width * 0.33), y + int(height * 0.25)
        _xdotool("mousemove", str(left), str(top), "mousedown", "1")
        for step in range(1, 8):
            _xdotool("mousemove", str(left + 12 * step), str(top + 6 * step))
        _xdotool("mouseup", "1")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def _manifests(root: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(root.glob("*/manifest.json"))]


def _saved_labels(root: Path) -> tuple[np.ndarray, dict]:
    [manifest] = _manifests(root)
    folder = next(path.parent for path in root.glob("*/manifest.json"))
    with np.load(folder / manifest["labels_file"]) as data:
        return data["labels"], manifest


@pytest.fixture
def launch(tmp_path):
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs an X display: run the tests under xvfb-run")
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is missing: run installer/setup.sh --test")
    env = dict(os.environ, CNED_RECOVERY_DIR=str(tmp_path / "recovery"), CNED_CONFIG_DIR=str(tmp_path / "config"),
               XDG_CONFIG_HOME=str(tmp_path / "xdg-config"), XDG_DATA_HOME=str(tmp_path / "xdg-data"))
    env.pop("QT_QPA_PLATFORM", None)
    apps: list[App] = []

    def start(*args: str) -> App:
        apps.append(App(list(args), env, tmp_path / "app.log"))
        return apps[-1]

    yield start
    for app in apps:
        app.close()


def _edit_until_autosaved(app: App, root: Path) -> tuple[np.ndarray, dict]:
    """Paint strokes until the autosave (every 10 s at most) holds them; then its labels and manifest."""
    _wait_for(lambda: _manifests(root), AUTOSAVE_WAIT_S, "the autosave", step=app.paint_stroke, step_every_s=4.0)
    time.sleep(0.5)
    return _saved_labels(root)


def _demo_bundle(tmp_path: Path) -> Path:
    from cned_viewer.demo.phantom import make_demo_case
    from cned_viewer.io.case_bundle import save_bundle

    return save_bundle(make_demo_case(), tmp_path / "demo.cned")


@pytest.mark.gui
def test_killed_gui_case_is_recovered_by_the_same_command_and_saved(launch, tmp_path) -> None:
    bundle = _demo_bundle(tmp_path)
    recovery = tmp_path / "recovery"
    first = launch("gui", str(bundle))
    painted, manifest = _edit_until_autosaved(first, recovery)
    assert manifest["edits"] >= 1 and manifest["source"]["bundle"] == str(bundle)
    first.kill()

    second = launch("gui", str(bundle))
    second.recover()
    _wait_for(lambda: _saved_labels(recovery)[1]["pid"] == second.process.pid, 60, "the recovered session to take over the save")
    second.key("ctrl+s")
    _wait_for(lambda: not list(recovery.glob("*/manifest.json")), 30, "the save to remove the recovery copy")

    from cned_viewer.io.case_bundle import load_bundle

    saved = load_bundle(bundle).case
    assert np.array_equal(saved.labels.array, painted)
    assert len(saved.provenance) == manifest["edits"] and saved.provenance[0].operation.startswith("paint")
    second.key("ctrl+q")
    assert second.process.wait(timeout=30) == 0
    third = launch("gui", str(bundle))  # nothing is offered any more: the case opens as saved
    time.sleep(3)
    assert not third.recovery_offer() and not _manifests(recovery)


@pytest.mark.gui
def test_killed_demo_is_recovered_not_replaced_by_a_fresh_demo(launch, tmp_path) -> None:
    recovery = tmp_path / "recovery"
    first = launch()
    painted, manifest = _edit_until_autosaved(first, recovery)
    first.kill()
    second = launch()
    second.recover()
    _wait_for(lambda: _saved_labels(recovery)[1]["pid"] == second.process.pid, 60, "the recovered session to take over the save")
    labels, taken_over = _saved_labels(recovery)
    assert np.array_equal(labels, painted) and taken_over["edits"] == manifest["edits"]
