"""Run the ``TotalSegmentator`` command on an image (subprocess, progress, cancel) and import its output.

Before every run the bridge turns TotalSegmentator's usage statistics off in the home
folder it then passes to the command (:mod:`cned_totalseg_bridge.offline`) and, unless
allowed, refuses to start when weights are missing (TotalSegmentator would download them).
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cned_totalseg_bridge.importer import import_output
from cned_totalseg_bridge.offline import command_environment, disable_usage_stats, home_dir, require_weights, weights_dir
from cned_totalseg_bridge.progress import ProgressParser
from cned_totalseg_bridge.tasks import TASKS, Task
from cned_viewer.core.labels import PORTAL_VEIN
from cned_viewer.core.volume import Volume
from cned_viewer.errors import UserError
from cned_viewer.io.sitk_bridge import to_sitk
from cned_viewer.plugins import CancelCheck, Cancelled, ImportedLabels, Progress

COMMAND = "TotalSegmentator"
DEVICE = re.compile(r"^(auto|cpu|gpu|mps|gpu:\d+)$")
MULTILABEL_NAME = "segmentation.nii.gz"


def command_path() -> str | None:
    """The TotalSegmentator executable on PATH, or None when it is not installed."""
    return shutil.which(COMMAND)


@dataclass(frozen=True)
class RunSettings:
    """How to run a task: device (``auto`` lets TotalSegmentator take the GPU when there is one),
    ``fast`` (3 mm model, total tasks only), ``multilabel`` (one ``--ml`` file instead of a mask
    folder), the home folder, whether downloads are allowed, and where liver_vessels go."""

    device: str = "auto"
    fast: bool = False
    multilabel: bool = False
    home: str | None = None
    allow_download: bool = False
    vessels_label: int = PORTAL_VEIN
    extra_args: tuple[str, ...] = ()
    poll_s: float = 0.2

    def __post_init__(self) -> None:
        if not DEVICE.match(self.device):
            raise UserError(f"device {self.device!r}: use auto, gpu, gpu:N, cpu or mps")


def build_command(executable: str, source: Path, output: Path, task: Task, settings: RunSettings) -> list[str]:
    """The command line for ``task`` (never ``--statistics``, ``--preview`` or a license: nothing extra)."""
    if settings.fast and not task.fast_datasets:
        raise UserError(f"TotalSegmentator {task.name} has no fast mode (only total and total_mr have)")
    command = [executable, "-i", str(source), "-o", str(output), "--task", task.name]
    if settings.multilabel:
        command.append("--ml")
    if settings.fast:
        command.append("--fast")
    if settings.device != "auto":
        command += ["--device", settings.device]
    return [*command, *settings.extra_args]


def run_totalsegmentator(image: Volume, task: Task, progress: Progress, is_cancelled: CancelCheck,
                         settings: RunSettings = RunSettings()) -> ImportedLabels:
    """Write ``image`` to a temporary NIfTI, run ``task`` on it, import its output onto the image grid."""
    import SimpleITK as sitk

    executable = command_path()
    if executable is None:
        raise UserError("the TotalSegmentator command is not installed (pip install TotalSegmentator, then place its "
                        "weights: see the cned-totalseg-bridge README)")
    home = home_dir(override=settings.home)
    disable_usage_stats(home)
    env = command_environment(home)
    if not settings.allow_download:
        require_weights(task, settings.fast, weights_dir(home, env))
    with tempfile.TemporaryDirectory(prefix="cned-totalseg-") as folder:
        source = Path(folder) / "image.nii.gz"
        output = Path(folder) / (MULTILABEL_NAME if settings.multilabel else "masks")
        sitk.WriteImage(to_sitk(image.array, image.geometry), str(source))
        progress(0.02, f"TotalSegmentator {task.name}: starting")
        run_command(build_command(executable, source, output, task, settings), env, ProgressParser(task.name),
                    progress, is_cancelled, settings.poll_s)
        _check_not_cancelled(is_cancelled)
        progress(0.95, f"importing TotalSegmentator {task.name} output")
        return import_output(output, image.geometry, task.name, settings.vessels_label)


def run_command(command: list[str], env: Mapping[str, str], parser: ProgressParser, progress: Progress,
                is_cancelled: CancelCheck, poll_s: float = 0.2) -> None:
    """Run ``command``, reporting its output as progress; Cancelled (process group ended) or UserError on failure."""
    lines: queue.Queue[str] = queue.Queue()
    tail: deque[str] = deque(maxlen=30)
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=dict(env), start_new_session=os.name == "posix")
    reader = threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True)
    reader.start()
    try:
        while True:
            try:
                _handle(lines.get(timeout=poll_s), tail, parser, progress)
                _drain(lines, tail, parser, progress)
            except queue.Empty:
                pass
            if process.poll() is not None:
                reader.join(5)
                _drain(lines, tail, parser, progress)
                break
            if is_cancelled():
                _end(process)
                raise Cancelled("TotalSegmentator cancelled")
    finally:
        if process.poll() is None:
            _end(process)
        if process.stdout:
            process.stdout.close()
    if process.returncode != 0:
        raise UserError(_failure(command, process.returncode, list(tail)))


def _read_lines(stream: IO[bytes] | None, lines: queue.Queue[str]) -> None:
    """Split the output on newlines and carriage returns (tqdm redraws a line with ``\\r``)."""
    if stream is None:
        return
    pending = b""
    for chunk in iter(lambda: stream.read1(4096), b""):  # type: ignore[attr-defined]
        pending += chunk
        *complete, pending = re.split(rb"[\r\n]", pending)
        for raw in complete:
            lines.put(raw.decode("utf-8", "replace"))
    if pending:
        lines.put(pending.decode("utf-8", "replace"))


def _drain(lines: queue.Queue[str], tail: deque[str], parser: ProgressParser, progress: Progress) -> None:
    while True:
        try:
            _handle(lines.get_nowait(), tail, parser, progress)
        except queue.Empty:
            return


def _handle(line: str, tail: deque[str], parser: ProgressParser, progress: Progress) -> None:
    if line.strip():
        tail.append(line.strip())
    update = parser.feed(line)
    if update:
        progress(*update)


def _end(process: subprocess.Popen[bytes]) -> None:
    """Terminate the command and every process it started (its session), then kill what is left."""
    def signal_all(sig: int) -> None:
        try:
            if os.name == "posix":
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)
        except (ProcessLookupError, PermissionError):
            pass

    signal_all(signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        pass
    signal_all(getattr(signal, "SIGKILL", signal.SIGTERM))
    process.wait()


def _failure(command: list[str], code: int, tail: list[str]) -> str:
    task = command[command.index("--task") + 1]
    text = " ".join(tail)
    if "invalid choice" in text and task in text:
        return (f"the installed TotalSegmentator has no task {task} (it came with release {TASKS[task].since}); "
                f"update TotalSegmentator or choose another task")
    last = tail[-1] if tail else f"exit code {code}"
    return f"TotalSegmentator {task} failed: {last[:300]}"


def _check_not_cancelled(is_cancelled: CancelCheck) -> None:
    if is_cancelled():
        raise Cancelled("TotalSegmentator cancelled")
