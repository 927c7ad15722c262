"""Running TotalSegmentator: a fake command checks the subprocess path and cancel; the real one when installed."""

from __future__ import annotations

import os
import stat
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from cned_totalseg_bridge import command_path, make_plugin
from cned_viewer.core.volume import Volume
from cned_viewer.plugins import Cancelled, SegmentationRequest

FAKE = """#!{python}
import sys, time, pathlib, SimpleITK as sitk
args = sys.argv[1:]
src, out = args[args.index("-i") + 1], pathlib.Path(args[args.index("-o") + 1])
if "{mode}" == "slow":
    time.sleep(60)
image = sitk.ReadImage(src)
mask = sitk.Cast(image > 50, sitk.sitkUInt8)
out.mkdir(parents=True)
sitk.WriteImage(mask, str(out / "liver.nii.gz"))
"""


def install_fake(folder: Path, monkeypatch, mode: str) -> None:
    script = folder / "TotalSegmentator"
    script.write_text(FAKE.format(python=sys.executable, mode=mode))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


@pytest.fixture
def image() -> Volume:
    array = np.zeros((6, 8, 10), np.int16)
    array[2:4, 2:6, 3:7] = 100
    return Volume.from_array(array, (1.0, 1.0, 2.0))


def segmenter():
    return make_plugin().segmenter("totalsegmentator")


def test_fake_command_output_is_imported(tmp_path, monkeypatch, image):
    install_fake(tmp_path, monkeypatch, "fast")
    result = segmenter().run(SegmentationRequest(image), lambda f, m: None, lambda: False)
    assert np.count_nonzero(result.labels.array == 1) == 2 * 4 * 4


def test_cancel_terminates_the_command(tmp_path, monkeypatch, image):
    install_fake(tmp_path, monkeypatch, "slow")
    started = threading.Event()

    def progress(fraction, message):
        started.set()

    with pytest.raises(Cancelled):
        segmenter().run(SegmentationRequest(image), progress, started.is_set)


def test_missing_command_is_explained(monkeypatch, image):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(RuntimeError, match="not installed"):
        segmenter().run(SegmentationRequest(image), lambda f, m: None, lambda: False)


@pytest.mark.skipif(command_path() is None, reason="TotalSegmentator is not installed")
def test_real_totalsegmentator_on_the_small_example(shared_data):  # pragma: no cover - needs weights
    from cned_viewer.io.images import load_image

    volume = load_image(shared_data / "totalseg_example" / "example_ct_sm.nii.gz").volume
    result = segmenter().run(SegmentationRequest(volume, options={"task": "total"}), lambda f, m: None, lambda: False)
    assert result.labels is not None and 1 in result.labels.present_values()
