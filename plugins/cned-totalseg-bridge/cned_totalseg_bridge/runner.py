"""Run the ``TotalSegmentator`` command on an image (subprocess, cancellable) and import its masks."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from cned_totalseg_bridge.importer import import_output
from cned_viewer.core.volume import Volume
from cned_viewer.io.sitk_bridge import to_sitk
from cned_viewer.plugins import CancelCheck, Cancelled, ImportedLabels, Progress

COMMAND = "TotalSegmentator"


def command_path() -> str | None:
    """The TotalSegmentator executable on PATH, or None when it is not installed."""
    return shutil.which(COMMAND)


def run_totalsegmentator(image: Volume, task: str, progress: Progress, is_cancelled: CancelCheck,
                         extra_args: tuple[str, ...] = (), poll_s: float = 0.5) -> ImportedLabels:
    """Write ``image`` to a temporary NIfTI, run the command for ``task``, import its per-class masks."""
    import SimpleITK as sitk

    executable = command_path()
    if executable is None:
        raise RuntimeError("the TotalSegmentator command is not installed (pip install TotalSegmentator, then download its weights)")
    with tempfile.TemporaryDirectory(prefix="cned-totalseg-") as folder:
        source, output = Path(folder) / "image.nii.gz", Path(folder) / "masks"
        sitk.WriteImage(to_sitk(image.array, image.geometry), str(source))
        command = [executable, "-i", str(source), "-o", str(output), "--task", task, *extra_args]
        progress(0.05, f"TotalSegmentator {task}: running")
        with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as process:
            started = time.monotonic()
            while process.poll() is None:
                if is_cancelled():
                    process.terminate()
                    try:
                        process.wait(10)
                    except subprocess.TimeoutExpired:
                        process.kill()
                    raise Cancelled("TotalSegmentator cancelled")
                progress(min(0.9, 0.05 + (time.monotonic() - started) / 600), f"TotalSegmentator {task}: running")
                time.sleep(poll_s)
            errors = process.stderr.read() if process.stderr else ""
        if process.returncode != 0:
            last = errors.strip().splitlines()[-1] if errors.strip() else f"exit code {process.returncode}"
            raise RuntimeError(f"TotalSegmentator failed: {last[:200]}")
        progress(0.95, "importing TotalSegmentator masks")
        return import_output(output, image.geometry, task)
