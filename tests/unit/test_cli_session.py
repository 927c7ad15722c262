"""The command line opens and measures a case through the viewer's :class:`CaseSession`, so both show the same values.

``measure --json`` is compared with what a headless session (the window's session code on a
synchronous executor) holds after opening the same case: every value equal, floats exactly.
"""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import pytest

from cned_viewer.cli import main
from cned_viewer.commands.batch import process_case
from cned_viewer.errors import UserError
from cned_viewer.measure import MeasureOptions
from cned_viewer.session import CaseSession, SyncExecutor
from cned_viewer.session.headless import headless_session, open_case


def cli_json(capsys, *args: str) -> dict:
    code = main(["measure", *args, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def assert_same_values(cli: dict, session: CaseSession) -> None:
    """The CLI's JSON holds the session's measurements unchanged (timings aside), plus the image and the loaders' warnings."""
    assert session.measurements is not None and session.case is not None
    viewer = session.measurements.to_json()
    for key in ("timings_ms", "warnings"):
        cli.pop(key), viewer.pop(key)
    assert cli.pop("image") == session.case.image.geometry.to_json()
    assert cli == viewer  # plain ==: floats equal to the last bit (JSON keeps a float's shortest exact repr)


@pytest.fixture
def opened(monkeypatch) -> list[CaseSession]:
    """Every session whose ``open_path`` is called (the call goes on as usual)."""
    sessions: list[CaseSession] = []
    original = CaseSession.open_path

    def recording(self: CaseSession, *args, **kwargs) -> bool:
        sessions.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(CaseSession, "open_path", recording)
    return sessions


def test_measure_demo_equals_the_viewers_demo(capsys):
    viewer = CaseSession()
    viewer.open_demo()
    assert_same_values(cli_json(capsys, "demo"), viewer)


def test_measure_files_with_options_equals_the_viewer(capsys, demo_files, demo_segments):
    image, labels = map(str, demo_files)
    options = MeasureOptions(connectivity=6, min_lesion_volume_ml=0.5, contact_threshold_mm=2.0)
    viewer = CaseSession(options=options)
    viewer.open_path(image, labels, segments=str(demo_segments))
    cli = cli_json(capsys, image, "--labels", labels, "--segments", str(demo_segments),
                   "--connectivity", "6", "--min-lesion-ml", "0.5", "--contact-mm", "2")
    assert cli["options"]["connectivity"] == 6 and cli["bilobar"] is True
    assert_same_values(cli, viewer)


def test_measure_prints_what_its_session_measured(capsys, demo_files, opened, monkeypatch):
    """The numbers come from the session the command opened, not from a measurement of its own."""
    def no_standalone_measure(*args, **kwargs):
        raise AssertionError("measured outside the session")

    monkeypatch.setattr("cned_viewer.measure.engine.measure", no_standalone_measure)
    monkeypatch.setattr("cned_viewer.measure.measure", no_standalone_measure)
    image, labels = map(str, demo_files)
    cli = cli_json(capsys, image, "--labels", labels, "--min-lesion-ml", "0.5")
    (session,) = opened
    assert isinstance(session.executor, SyncExecutor) and session.options.min_lesion_volume_ml == 0.5
    assert session.case is not None and session.case.metadata["labels_source"] == labels
    assert_same_values(cli, session)


def test_batch_measures_through_a_session(demo_files, opened):
    image, labels = demo_files
    cells = process_case({"image": str(image), "labels": str(labels)}, image.parent, MeasureOptions())
    (session,) = opened
    assert cells["batch_error"] == ""
    assert cells["measured_tlvr"] == session.measurements.tlvr and cells["measured_lesion_count"] == session.measurements.lesion_count


def test_batch_frees_each_case_before_the_next(demo_files, monkeypatch):
    """A session is a web of reference cycles: ``process_case`` collects it, so a worker holds one case at a time."""
    sessions: list[weakref.ref] = []
    original = CaseSession.open_path

    def recording(self: CaseSession, *args, **kwargs) -> bool:
        sessions.append(weakref.ref(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(CaseSession, "open_path", recording)
    image, labels = demo_files
    gc.disable()  # no automatic collection may do it instead
    try:
        assert process_case({"image": str(image), "labels": str(labels)}, image.parent, MeasureOptions())["batch_error"] == ""
        assert len(sessions) == 1 and sessions[0]() is None
    finally:
        gc.enable()
    assert gc.get_freeze_count() == 0


def test_a_user_error_while_loading_stays_one_line_with_exit_code_2(capsys, tmp_path):
    with pytest.raises(UserError, match="not found|does not exist|no such"):
        open_case(headless_session(), str(tmp_path / "missing.nii.gz"), str(tmp_path / "none.nii.gz"))
    code = main(["measure", str(tmp_path / "missing.nii.gz"), "--labels", str(tmp_path / "none.nii.gz")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("cned-viewer: error:") and "Traceback" not in err


def test_an_internal_error_while_measuring_is_still_an_internal_error(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("kernel exploded")

    monkeypatch.setattr("cned_viewer.session.case_session.IncrementalMeasurer", broken)
    code = main(["measure", "demo"])
    err = capsys.readouterr().err
    assert code == 1 and err.strip() == "cned-viewer: internal error: RuntimeError: kernel exploded (run again with --debug and report it)"


def test_the_viewers_sync_executor_still_reports_failures_as_messages(tmp_path):
    session = CaseSession()  # raise_errors off: what the window's tests drive
    failures: list[str] = []
    session.failed.connect(failures.append)
    session.open_path(str(tmp_path / "missing.nii.gz"))
    assert session.case is None and len(failures) == 1 and "missing.nii.gz" in failures[0]


@pytest.mark.data
@pytest.mark.parametrize("source", ["ct.nii.gz", "ct_dicom"])
def test_measure_a_real_case_equals_the_viewer(capsys, shared_data: Path, source: str):
    """IRCAD patient 1, as NIfTI (File > Open) and as a DICOM folder (File > Open DICOM folder)."""
    case = shared_data / "ircadb01_p1"
    image, labels = str(case / source), str(case / "labels.nrrd")
    viewer = CaseSession()
    if source == "ct_dicom":  # File > Open DICOM folder, then File > Open labels
        viewer.open_dicom(image)
        viewer.open_labels(labels, "app")
    else:
        viewer.open_path(image, labels)
    cli = cli_json(capsys, image, "--labels", labels)
    assert cli["lesion_count"] == 7
    assert_same_values(cli, viewer)
