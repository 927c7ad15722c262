"""``cned-viewer export --format dicom-seg|dicom-sr`` and ``report -o OUT.dcm`` on the IRCAD case, checked by
dciodvfy (no error) and read back by dcmqi (voxels equal; TTV within 0.1 %; one group per lesion)."""

from __future__ import annotations

import pydicom
import pytest

from cned_viewer.cli import main
from cned_viewer.io.case_loader import load_case
from cned_viewer.io.dicom_source import stable_frame_of_reference_uid
from cned_viewer.measure import MeasureOptions, measure

from sr_readback import groups_by_id, item_value

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def ircad(shared_data, tmp_path_factory):
    """The case, its measurements, and the SR + SEG written by the command line."""
    folder = shared_data / "ircadb01_p1"
    out = tmp_path_factory.mktemp("ircad_export")
    code = main(["export", str(folder / "ct_dicom"), "--labels", str(folder / "labels.nrrd"), "--format", "dicom-sr",
                 "-o", str(out / "case_sr.dcm"), "--creator", "Surgeon^Ann"])
    assert code == 0
    case = load_case(folder / "ct_dicom", folder / "labels.nrrd")
    return case, measure(case, MeasureOptions()), out


def test_seg_and_sr_pass_dciodvfy(ircad, dciodvfy_errors):
    _, _, out = ircad
    assert dciodvfy_errors(out / "case_sr_seg.dcm") == []
    assert dciodvfy_errors(out / "case_sr.dcm") == []


def test_dcmqi_reads_the_seg_back_voxel_identical(ircad, dcmqi_segments):
    case, _, out = ircad
    seg = pydicom.dcmread(out / "case_sr_seg.dcm", stop_before_pixels=True)
    segments = dcmqi_segments(out / "case_sr_seg.dcm", out / "dcmqi_seg", case.labels.geometry)
    assert sorted(segments) == [1, 2, 3, 4]
    for number, value in enumerate(case.labels.present_values(), start=1):
        assert (segments[number] == (case.labels.array == value)).all(), f"segment {number}"
    # the IRCAD series has no Frame of Reference UID: derived from the series, the same on every export
    assert seg.FrameOfReferenceUID == stable_frame_of_reference_uid(case.metadata["SeriesInstanceUID"])
    assert seg.ContentCreatorName == "Surgeon^Ann"
    assert seg.ReferencedSeriesSequence[0].SeriesInstanceUID == case.metadata["SeriesInstanceUID"]
    veins = seg.SegmentSequence[3]
    assert veins.SegmentedPropertyTypeCodeSequence[0].CodeValue == "8993003" and "inferior vena cava" in veins.SegmentDescription
    assert {s.SegmentAlgorithmType for s in seg.SegmentSequence} == {"SEMIAUTOMATIC"}  # no edit in the log


def test_dcmqi_reads_the_sr_back_with_the_same_values(ircad, tid1500):
    _, measured, out = ircad
    report = tid1500(out / "case_sr.dcm", out / "sr.json")
    groups = groups_by_id(report)
    seg_uid = pydicom.dcmread(out / "case_sr_seg.dcm", stop_before_pixels=True).SOPInstanceUID
    liver = [g for g in report["Measurements"] if g["Finding"]["CodeMeaning"] == "Liver"]
    assert len(liver) == 1 and liver[0]["Finding"]["CodingSchemeDesignator"] == "SCT"
    assert item_value(liver[0], "Volume") == pytest.approx(measured.total_liver_ml, rel=1e-6)
    tumour = [g for g in report["Measurements"] if g["Finding"]["CodeValue"] == "108369006"]
    total = [g for g in tumour if "total" in g["TrackingIdentifier"].lower()]
    assert len(total) == 1
    assert item_value(total[0], "Volume") == pytest.approx(measured.ttv_ml, rel=1e-3)
    assert item_value(total[0], "Tumour-to-liver volume ratio") == pytest.approx(measured.tlvr, rel=1e-6)
    lesions = [g for g in tumour if g is not total[0]]
    assert len(lesions) == measured.lesion_count == 7
    for lesion in measured.lesions:
        group = groups[f"Lesion {lesion.id}"]
        assert item_value(group, "Volume") == pytest.approx(lesion.volume_ml, rel=1e-6)
        assert item_value(group, "Diameter") == pytest.approx(lesion.feret_diameter_mm, rel=1e-6)
        assert item_value(group, "Long axis") == pytest.approx(lesion.axial_diameter_mm, rel=1e-6)
    assert {g["segmentationSOPInstanceUID"] for g in report["Measurements"] if "ReferencedSegment" in g} == {seg_uid}
    assert item_value(groups["Portal vein"], "Volume") == pytest.approx(measured.volumes_ml["portal_vein"], rel=1e-6)
    cned = groups["C-NED score"]
    assert item_value(cned, "Number of lesions (observable entity)") == 7
    answers = {q["conceptCode"]["CodeValue"]: q["conceptValue"]["CodeMeaning"] for q in cned["qualitativeEvaluations"]}
    assert answers["CNED-COUNT"] == "No" and answers["CNED-TLVR"] == "No" and answers["CNED-DIFF"] == "Unknown"


def test_encapsulated_pdf_report_in_the_patients_study(ircad, shared_data, dciodvfy_errors, capsys):
    case, _, out = ircad
    folder = shared_data / "ircadb01_p1"
    code = main(["report", str(folder / "ct_dicom"), "--labels", str(folder / "labels.nrrd"), "-o", str(out / "report.dcm")])
    assert code == 0
    assert "no Patient ID" in capsys.readouterr().err  # warned, not refused
    assert dciodvfy_errors(out / "report.dcm") == []
    ds = pydicom.dcmread(out / "report.dcm")
    assert ds.StudyInstanceUID == case.metadata["StudyInstanceUID"] and ds.Modality == "DOC"
    assert ds.EncapsulatedDocument.startswith(b"%PDF") and ds.MIMETypeOfEncapsulatedDocument == "application/pdf"
