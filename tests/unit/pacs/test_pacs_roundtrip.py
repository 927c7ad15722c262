"""A real PACS round trip against Orthanc on loopback: upload the IRCAD series, find and retrieve it
through the app, measure it, send a DICOM-SEG back and find it in Orthanc with the right references;
a PACS that is down or refuses gives one clear line and loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pydicom
import pytest
from orthanc_server import free_port

from cned_viewer.cli import main
from cned_viewer.errors import UserError
from cned_viewer.core.cancel import OperationCancelled, cancel_scope
from cned_viewer.io.case_loader import load_case
from cned_viewer.io.pacs import PacsError, echo, find_series, find_studies, get_series, store_files
from cned_viewer.io.pacs_settings import save_pacs_settings
from cned_viewer.io.seg_export import export_dicom_seg

pytestmark = pytest.mark.data


@pytest.fixture
def saved_settings(pacs, tmp_path, monkeypatch):
    """The test Orthanc saved as the app's PACS settings (the CLI reads them)."""
    monkeypatch.setenv("CNED_CONFIG_DIR", str(tmp_path / "config"))
    save_pacs_settings(pacs)
    return pacs


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _measure(capsys, folder: Path, labels: Path) -> dict:
    code, out, err = _cli(capsys, "measure", str(folder), "--labels", str(labels), "--json")
    assert code == 0, err
    result = json.loads(out)
    result.pop("timings_ms")
    return result


def test_echo(pacs) -> None:
    echo(pacs)


def test_find_studies_and_series_through_the_cli(saved_settings, uploaded, capsys) -> None:
    code, out, _ = _cli(capsys, "pacs", "find", "--patient-name", "liver_01", "--date", "20090501-20090531", "--json")
    assert code == 0
    studies = json.loads(out)
    assert [s["study_uid"] for s in studies] == [uploaded.study_uid]
    assert (studies[0]["patient_name"], studies[0]["study_date"], studies[0]["modalities"]) == ("liver_01^patient", "20090527", "CT")
    code, out, _ = _cli(capsys, "pacs", "find", "--study", uploaded.study_uid, "--json")
    series = json.loads(out)
    assert [(s["series_uid"], s["modality"], s["instance_count"]) for s in series] == [(uploaded.series_uid, "CT", 129)]
    assert find_studies(saved_settings, patient_id="NO-SUCH-ID") == []
    assert find_studies(saved_settings, study_date="20100101-") == []
    code, out, _ = _cli(capsys, "pacs", "find", "--patient-name", "LIVER_01")
    assert code == 0 and "1 studies found" in out and uploaded.study_uid in out


def test_retrieved_series_measures_as_the_original(saved_settings, uploaded, shared_data, tmp_path, capsys) -> None:
    target = tmp_path / "retrieved"
    code, out, err = _cli(capsys, "pacs", "get", "--study", uploaded.study_uid, "--series", uploaded.series_uid, "-o", str(target))
    assert code == 0, err
    assert f"retrieved 129 instances into {target}" in out
    files = sorted(target.iterdir())
    assert len(files) == 129 and not list(tmp_path.glob(".retrieved*"))  # no partial folder left
    sop_uids = {str(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID) for f in files}
    assert sop_uids == {str(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID) for f in uploaded.folder.iterdir()}
    labels = shared_data / "ircadb01_p1" / "labels.nrrd"
    assert _measure(capsys, target, labels) == _measure(capsys, uploaded.folder, labels)


def test_results_sent_back_are_found_with_their_references(saved_settings, uploaded, shared_data, orthanc, tmp_path, capsys) -> None:
    retrieved = get_series(saved_settings, uploaded.study_uid, uploaded.series_uid, tmp_path / "ct").folder
    labels = load_case(str(retrieved), str(shared_data / "ircadb01_p1" / "labels.nrrd")).labels
    seg = export_dicom_seg(labels, retrieved, tmp_path / "results" / "labels-seg.dcm", series_uid=uploaded.series_uid)
    (tmp_path / "results" / "notes.txt").write_text("not DICOM")
    code, out, err = _cli(capsys, "pacs", "send", str(seg))
    assert code == 0, err
    assert "sent 1 files" in out
    seg_uid = str(pydicom.dcmread(seg, stop_before_pixels=True).SeriesInstanceUID)
    found = orthanc.rest("/tools/find", {"Level": "Series", "Query": {"SeriesInstanceUID": seg_uid}, "Expand": True})
    assert len(found) == 1 and found[0]["MainDicomTags"]["Modality"] == "SEG"
    study = orthanc.rest(f"/studies/{found[0]['ParentStudy']}")
    assert study["MainDicomTags"]["StudyInstanceUID"] == uploaded.study_uid  # filed in the CT's study
    tags = orthanc.rest(f"/instances/{found[0]['Instances'][0]}/simplified-tags")
    assert tags["ReferencedSeriesSequence"][0]["SeriesInstanceUID"] == uploaded.series_uid
    assert tags["SOPClassUID"] == "1.2.840.10008.5.1.4.1.1.66.4"
    # a folder with a non-DICOM file: the SEG is sent again (the PACS accepts a duplicate), the text file named, exit 2
    code, out, err = _cli(capsys, "pacs", "send", str(tmp_path / "results"))
    assert code == 2 and "sent 1 files" in out and "notes.txt: not a DICOM file" in err
    assert err.strip().splitlines()[-1].startswith("cned-viewer: error: 1 file(s) were not stored")


def test_pacs_down_gives_one_line_and_exit_2(saved_settings, tmp_path, capsys) -> None:
    closed = free_port()
    for argv in (["pacs", "echo"], ["pacs", "find", "--patient-name", "x"], ["pacs", "get", "--study", "1.2.3", "-o", str(tmp_path / "out")],
                 ["pacs", "send", str(tmp_path)]):
        (tmp_path / "x.dcm").write_bytes(b"")  # send needs something to try; an empty file is skipped as non-DICOM
        code, out, err = _cli(capsys, *argv, "--port", str(closed))
        if argv[1] == "send":
            assert code == 2 and "no DICOM file to send" in err
            continue
        assert code == 2 and err.count("\n") == 1, err
        assert f"no PACS answers at 127.0.0.1:{closed} (connection refused)" in err
    assert not (tmp_path / "out").exists()


def test_a_refused_association_names_the_ae_title(saved_settings, capsys) -> None:
    code, _, err = _cli(capsys, "pacs", "echo", "--pacs-aet", "WRONGPACS")
    assert code == 2 and err.count("\n") == 1
    assert "WRONGPACS@127.0.0.1" in err and "refused the connection" in err and "check the called AE title" in err
    code, _, err = _cli(capsys, "pacs", "find", "--aet", "STRANGER")
    assert code == 2 and "does not know the app's AE title" in err


def test_a_failed_retrieval_keeps_the_earlier_one(saved_settings, uploaded, tmp_path) -> None:
    target = tmp_path / "out" / "kept"
    target.mkdir(parents=True)
    (target / "earlier.dcm").write_bytes(b"earlier retrieval")
    with pytest.raises(PacsError, match="refused C-GET: .*still there|incomplete: the PACS sent no instance"):
        get_series(saved_settings, uploaded.study_uid, "1.2.3.4.5.6.7", target)
    assert [p.name for p in target.iterdir()] == ["earlier.dcm"] and list(target.parent.iterdir()) == [target]


def test_a_cancelled_retrieval_leaves_nothing(saved_settings, uploaded, tmp_path) -> None:
    seen: list[tuple[int, int]] = []
    with cancel_scope(lambda: len(seen) >= 3), pytest.raises(OperationCancelled, match="cancelled"):
        get_series(saved_settings, uploaded.study_uid, uploaded.series_uid, tmp_path / "out" / "cancelled",
                   lambda done, total: seen.append((done, total)))
    assert seen[-1][1] == 129 and not list((tmp_path / "out").iterdir())
    echo(saved_settings)  # the PACS is still well after the aborted association
    series = {s.series_uid: s.instance_count for s in find_series(saved_settings, uploaded.study_uid)}
    assert series[uploaded.series_uid] == 129


def test_bad_uids_and_dates_are_refused_before_any_connection(saved_settings, tmp_path) -> None:
    with pytest.raises(UserError, match="no valid study instance UID"):
        get_series(saved_settings, "not-a-uid", None, tmp_path / "x")
    with pytest.raises(UserError, match="YYYYMMDD"):
        find_studies(saved_settings, study_date="27/05/2009")
    with pytest.raises(UserError, match="no DICOM file to send"):
        store_files(saved_settings, [tmp_path])
