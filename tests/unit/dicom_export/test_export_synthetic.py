"""The DICOM export on a small synthetic series: manual edits recorded as MANUAL, the creator from the
user settings, dciodvfy and dcmqi checks; the algorithm type rule; bad input refused without a file."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest

from cned_viewer.cli import main
from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR, LabelMap
from cned_viewer.core.provenance import Provenance
from cned_viewer.io.case_export import export_case
from cned_viewer.io.case_loader import load_case
from cned_viewer.io.images import load_image
from cned_viewer.io.masks import save_labels
from cned_viewer.io.seg_export import algorithm_type
from cned_viewer.io.user_settings import CONTENT_CREATOR, set_user_setting
from cned_viewer.measure import MeasureOptions, measure

from sr_readback import groups_by_id, item_value

from tests.synthetic_cases import tiny_liver_labels


@pytest.fixture
def synthetic(dicom_series, tmp_path):
    """A 8 x 6 x 8 CT series of 5 mm voxels and its labels file: liver, two lesions, both veins."""
    folder = dicom_series([5.0 * k for k in range(8)], pixel_spacing_mm=(5.0, 5.0))
    volume = load_image(folder).volume
    array = tiny_liver_labels(volume.array.shape)
    labels = save_labels(LabelMap(array, volume.geometry), tmp_path / "labels.nii.gz")
    return folder, labels, array


def test_manual_edits_creator_and_independent_checks(synthetic, tmp_path, monkeypatch, dciodvfy_errors, dcmqi_segments, tid1500):
    folder, labels, array = synthetic
    monkeypatch.setenv("CNED_CONFIG_DIR", str(tmp_path / "config"))
    set_user_setting(CONTENT_CREATOR, "Surgeon^Bea")
    case = load_case(folder, labels)
    case.provenance.append(Provenance("cned-viewer editor", "0.1.0", "paint"))
    result = export_case(case, "dicom-sr", tmp_path / "out" / "sr.dcm")
    sr_path, seg_path = result.paths
    assert seg_path.name == "sr_seg.dcm" and not result.warnings
    seg = pydicom.dcmread(seg_path)
    assert seg.ContentCreatorName == "Surgeon^Bea"
    assert {s.SegmentAlgorithmType for s in seg.SegmentSequence} == {"MANUAL"}
    assert seg.FrameOfReferenceUID == "1.2.826.0.1.3680043.8.498.2"  # the source's own, kept
    assert dciodvfy_errors(seg_path) == [] and dciodvfy_errors(sr_path) == []
    segments = dcmqi_segments(seg_path, tmp_path / "dcmqi", case.labels.geometry)
    for number, value in enumerate((LIVER_PARENCHYMA, TUMOUR, PORTAL_VEIN, HEPATIC_VEINS), start=1):
        assert (segments[number] == (array == value)).all()
    measured = measure(case, MeasureOptions())
    groups = groups_by_id(tid1500(sr_path, tmp_path / "sr.json"))
    assert sorted(name for name in groups if name.startswith("Lesion")) == [f"Lesion {lesion.id}" for lesion in measured.lesions]
    assert measured.lesion_count == 2
    assert item_value(groups["Tumour total"], "Volume") == pytest.approx(measured.ttv_ml, rel=1e-3)
    assert item_value(groups["Hepatic veins including IVC"], "Volume") == pytest.approx(8 * 0.125)


def test_algorithm_type_follows_the_edit_log():
    plugin = Provenance("cned-totalseg-bridge", "1", "total", parameters={"task": "total", "automatic": True})
    seeded = Provenance("cned-segment-classic", "1", "region growing", parameters={"tolerance": 40})
    manual = Provenance("cned-viewer editor", "1", "paint")
    assert algorithm_type([]).value == "SEMIAUTOMATIC"
    assert algorithm_type([plugin]).value == "AUTOMATIC"
    assert algorithm_type([plugin, seeded]).value == "SEMIAUTOMATIC"
    assert algorithm_type([plugin, manual]).value == "MANUAL"


@pytest.mark.parametrize("argv, message", [
    (["demo", "--format", "dicom-seg", "-o", "{out}/x.dcm"], "DICOM folder"),
    (["{series}", "--labels", "{labels}", "--format", "dicom-seg", "-o", "{out}/x.nii.gz"], "writes .dcm"),
    (["{series}", "--labels", "{labels}", "--format", "nrrd", "--plugin", "p", "--exporter", "e", "-o", "{out}/x.nrrd"], "not both"),
    (["{series}", "--labels", "{labels}", "-o", "{out}/x.dcm"], "--format"),
    (["{series}", "--labels", "{labels}", "--format", "dicom-sr", "-o", "{out}/x.dcm", "--seg", "{out}/x.dcm"], "two files"),
    (["{series}", "--labels", "{empty}", "--format", "dicom-sr", "-o", "{out}/x.dcm"], "empty"),
    (["{series}", "--labels", "{labels}", "--format", "dicom-seg", "-o", "{out}/missing/x.dcm"], "does not exist"),
])
def test_bad_input_one_line_exit_2_no_file(synthetic, tmp_path, capsys, argv, message):
    folder, labels, array = synthetic
    empty = save_labels(LabelMap(np.zeros_like(array), load_image(folder).volume.geometry), tmp_path / "empty.nii.gz")
    out = tmp_path / "out"
    out.mkdir()
    names = {"series": folder, "labels": labels, "empty": empty, "out": out}
    assert main(["export", *(a.format(**names) for a in argv)]) == 2
    err = [line for line in capsys.readouterr().err.strip().splitlines() if not line.startswith("warning: ")]
    assert len(err) == 1 and err[0].startswith("cned-viewer: error: ") and message in err[0], err
    assert list(out.iterdir()) == []


def test_deidentified_dicom_report_is_refused(synthetic, tmp_path, capsys):
    folder, labels, _ = synthetic
    assert main(["report", str(folder), "--labels", str(labels), "-o", str(tmp_path / "r.dcm"), "--deidentify"]) == 2
    assert "contradict" in capsys.readouterr().err and not (tmp_path / "r.dcm").exists()


def test_nifti_and_nrrd_through_the_same_command(demo_files, tmp_path):
    image, labels = demo_files
    for fmt, name in (("nifti", "l.nii.gz"), ("nrrd", "l.nrrd")):
        assert main(["export", str(image), "--labels", str(labels), "--format", fmt, "-o", str(tmp_path / name)]) == 0
        assert (tmp_path / name).stat().st_size > 0
