"""What the headless session tests share: a case copy, a paint stroke, independent counts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from psygnal import SignalInstance

from cned_viewer.core.case import Case
from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR
from cned_viewer.editing.tool_settings import ToolSettings
from cned_viewer.session import CaseSession
from tests.synthetic_cases import tiny_liver_labels

ROOT = Path(__file__).resolve().parents[2]

#: An axial stroke through pure liver parenchyma of the demo phantom (z, y, x), far from any lesion.
STROKE = ((77, 141, 241), (77, 141, 245), (77, 141, 249))


def copy_case(case: Case) -> Case:
    """``case`` with its own label array (the image is shared: nothing writes it)."""
    return Case(case.image, case.labels.copy(), case.segments, case.clinical, dict(case.metadata), list(case.warnings), list(case.provenance))


def voxels(session: CaseSession, value: int = TUMOUR) -> int:
    return int(np.count_nonzero(session.case.labels.array == value))


def volume_ml(session: CaseSession, value: int = TUMOUR) -> float:
    """The volume of ``value`` counted with numpy (not with the measurer)."""
    return voxels(session, value) * session.case.image.geometry.voxel_volume_ml


def paint(session: CaseSession, radius_mm: float = 6.0, tool: str = "paint", label: int = TUMOUR, points=STROKE) -> None:
    """One stroke (press, moves, release) with ``tool`` through the session, as a mouse drag in the axial view."""
    z, y, x = points[0]
    if tool == "paint" and label == TUMOUR:
        reach = int(radius_mm / min(session.case.image.geometry.spacing_zyx_mm[1:])) + 2  # voxels the brush reaches
        around = session.case.labels.array[z, y - reach:y + reach + 1, x - reach:points[-1][2] + reach + 1]
        assert (around == LIVER_PARENCHYMA).all(), "the demo phantom changed: choose another stroke"
    session.tool = ToolSettings(tool=tool, label=label, radius_mm=radius_mm)
    session.press("axial", points[0])
    for point in points[1:]:
        session.move(point)
    session.release()


def record(*signals: SignalInstance) -> list[tuple[str, tuple]]:
    """Connect a recorder to each signal: ``[(signal name, args), ...]`` in emission order."""
    seen: list[tuple[str, tuple]] = []
    for signal in signals:
        signal.connect(lambda *args, name=signal.name: seen.append((name, args)))
    return seen


def names(seen: list[tuple[str, tuple]]) -> list[str]:
    return [name for name, _ in seen]


def synthetic_dicom_case(dicom_series, folder):
    """An 8 x 6 x 8 CT series of 5 mm voxels and its labels file: liver, two lesions (1 mL, 0.125 mL), both veins."""
    from cned_viewer.core.labels import LabelMap
    from cned_viewer.io.images import load_image
    from cned_viewer.io.masks import save_labels

    series = dicom_series([5.0 * k for k in range(8)], folder=folder / "dicom", pixel_spacing_mm=(5.0, 5.0))
    volume = load_image(series).volume
    array = tiny_liver_labels(volume.array.shape)
    return series, save_labels(LabelMap(array, volume.geometry), folder / "labels.nii.gz")


def killed_after_saving(code: str, recovery: Path, *args: str) -> list[str]:
    """Run ``python -c code args`` until it prints "saved", then SIGKILL it: the lines it printed before."""
    env = dict(os.environ, CNED_RECOVERY_DIR=str(recovery), PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (line := child.stdout.readline()):
            lines.append(line.strip())
            if line.strip() == "saved":
                break
        assert lines[-1:] == ["saved"], lines
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return lines[:-1]
