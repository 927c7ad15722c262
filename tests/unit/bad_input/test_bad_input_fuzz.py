"""Issue 14: random byte changes and cuts in a small valid NIfTI and DICOM file never crash or hang the
command line: every outcome is exit 0, or exit 2 with one error line (a bounded run, about 20 s)."""

from __future__ import annotations

import faulthandler
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bad_input_kit import Call, Kit, run_call

#: Hang guard: a stuck read (in C code, where no Python timeout reaches) dumps the stacks and stops the run.
HANG_S = 120
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def mutations(size: int, header: int) -> st.SearchStrategy:
    """Up to 6 byte changes (mostly in the first ``header`` bytes) and maybe a cut."""
    offset = st.one_of(st.integers(0, header - 1), st.integers(0, size - 1))
    return st.tuples(st.lists(st.tuples(offset, st.integers(0, 255)), min_size=1, max_size=6), st.one_of(st.none(), st.integers(0, size)))


def mutate(data: bytes, changes: list[tuple[int, int]], cut: int | None) -> bytes:
    raw = bytearray(data)
    for offset, value in changes:
        raw[offset] = value
    return bytes(raw[:cut] if cut is not None else raw)


def check(call: Call, capfd) -> None:
    outcome = run_call(call, capfd)
    assert outcome.code in (0, 2), outcome.err
    assert "Traceback" not in outcome.err and "internal error" not in outcome.err, outcome.err
    if outcome.code == 2:
        *earlier, last = outcome.err.rstrip("\n").split("\n")
        assert last.startswith("cned-viewer: error:") and all(line.startswith("warning:") for line in earlier), outcome.err


@pytest.fixture(scope="module")
def kit() -> Iterator[Kit]:
    folder = Path(tempfile.mkdtemp(prefix="cned-fuzz-"))
    made = Kit(folder, folder)
    made.image("img.nii")
    made.labels("lab.nii.gz")
    series = made.dicom("dcm", count=3)
    reference = sitk.Image(8, 6, 3, sitk.sitkUInt8)
    reference.SetSpacing((0.7, 0.7, 2.0))
    reference.SetOrigin((-10.0, -20.0, 0.0))
    reference = reference + 1
    sitk.WriteImage(reference, str(folder / "dcm_lab.nii.gz"))
    assert (series / "IM0001").is_file()
    faulthandler.dump_traceback_later(HANG_S, exit=True)
    yield made
    faulthandler.cancel_dump_traceback_later()
    shutil.rmtree(folder)


def test_fuzzed_nifti(kit: Kit, capfd) -> None:
    original = kit.path("img.nii").read_bytes()

    @FUZZ
    @given(mutations(len(original), 352))
    def run(mutation) -> None:
        target = kit.write("fuzz.nii", mutate(original, *mutation))
        check(Call(["info", str(target)]), capfd)
        check(Call(["measure", str(target), "--labels", str(kit.path("lab.nii.gz")), "--json"]), capfd)

    run()


def test_fuzzed_dicom_slice(kit: Kit, capfd) -> None:
    slice_path = kit.path("dcm/IM0001")
    original = slice_path.read_bytes()
    assert np.frombuffer(original[-96:], "<i2").tolist() == [11] * 48  # the pixels close the file

    @FUZZ
    @given(mutations(len(original), len(original) - 96))
    def run(mutation) -> None:
        slice_path.write_bytes(mutate(original, *mutation))
        check(Call(["info", str(kit.path("dcm"))]), capfd)
        check(Call(["measure", str(kit.path("dcm")), "--labels", str(kit.path("dcm_lab.nii.gz")), "--json"]), capfd)

    try:
        run()
    finally:
        slice_path.write_bytes(original)
