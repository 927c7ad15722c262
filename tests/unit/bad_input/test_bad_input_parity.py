"""The viewer shows what the command line says: a case the CLI refuses while loading raises the same
UserError text from :func:`load_case` (what the viewer's loading worker runs and puts in its dialog);
and ``info`` on an image reads its header only (issue 14, wasted work)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import SimpleITK as sitk

from bad_input_corpus import CASES
from bad_input_kit import NOBODY, Call, Kit, effective_user, run_call

from cned_viewer.errors import UserError
from cned_viewer.io.case_loader import load_case

LOADING = [c for c in CASES if c.id.startswith(("nifti-", "real-dicom-", "dicom-", "cause-", "garbage-", "nrrd-", "mha-"))]


def _load_arguments(argv: list[str]) -> dict | None:
    if argv[0] != "measure" or any(flag in argv for flag in ("--label-map", "--json")):
        return None
    options = dict(zip(argv[2::2], argv[3::2]))
    return {"image_path": argv[1], "labels_path": options.get("--labels"), "segments_path": options.get("--segments")}


@pytest.mark.data
@pytest.mark.parametrize("bad", LOADING, ids=[c.id for c in LOADING])
def test_viewer_gets_the_cli_message(bad, work: Path, shared_data: Path, capfd) -> None:
    call = bad.build(Kit(work, shared_data))
    arguments = _load_arguments(call.argv)
    if call.code != 2 or arguments is None:
        pytest.skip("not a loading error of 'measure'")
    cli_line = run_call(call, capfd).err.rstrip("\n").split("\n")[-1]
    with pytest.raises(UserError) as raised, effective_user(NOBODY if call.as_nobody and os.geteuid() == 0 else None):
        load_case(**arguments)
    assert cli_line == f"cned-viewer: error: {raised.value}"


@pytest.mark.data
def test_info_reads_only_the_header(shared_data: Path, capfd, monkeypatch) -> None:
    def no_voxels(*args, **kwargs):
        raise AssertionError("info read the voxels")

    monkeypatch.setattr(sitk, "ReadImage", no_voxels)
    monkeypatch.setattr(sitk.ImageFileReader, "Execute", no_voxels)
    outcome = run_call(Call(["info", str(shared_data / "ircadb01_p1" / "ct.nii.gz")]), capfd)
    assert outcome.code == 0, outcome.err
    assert "512 x 512 x 129" in outcome.out and "0.57 x 0.57 x 1.6" in outcome.out
