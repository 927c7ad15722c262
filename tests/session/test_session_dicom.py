"""Cases from DICOM through the session: labels saved as DICOM-SEG; the real IRCAD case edited and reopened."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest

from cned_viewer.io.masks import load_labels
from tests.session.helpers import record, synthetic_dicom_case


@pytest.fixture
def dicom_session(make_session, dicom_series, tmp_path):
    series, labels = synthetic_dicom_case(dicom_series, tmp_path)
    session = make_session()
    session.open_path(str(series), str(labels))
    assert session.files.dicom_source() == str(series) and session.measurements.to_json()["lesion_count"] == 2
    session.delete_lesion(1)  # a hand edit: the SEG says MANUAL
    assert session.measurements.to_json()["lesion_count"] == 1 and session.has_unsaved_changes
    return session


def test_labels_saved_as_dicom_seg(dicom_session, tmp_path):
    s = dicom_session
    failed, saved = record(s.failed), record(s.files.saved)
    assert s.files.save_labels_to(str(tmp_path / "seg.dcm"))
    assert failed == [] and saved == [("saved", (tmp_path / "seg.dcm",))]
    assert not s.has_unsaved_changes
    seg = pydicom.dcmread(tmp_path / "seg.dcm")
    assert {item.SegmentAlgorithmType for item in seg.SegmentSequence} == {"MANUAL"}
    assert np.array_equal(load_labels(tmp_path / "seg.dcm", s.case.image.geometry).array, s.case.labels.array)


@pytest.mark.data
def test_ircad_dicom_with_labels_edited_saved_and_reopened(shared_data, make_session, tmp_path):
    case = shared_data / "ircadb01_p1"
    s = make_session()
    s.open_dicom(str(case / "ct_dicom"))
    assert s.case.image.array.shape == (129, 512, 512) and s.case.labels is None
    assert s.open_labels(str(case / "labels.nrrd"))  # the mapping: the answer, the app's own values
    measured = s.measurements.to_json()
    assert measured["lesion_count"] == 7  # the dataset documents 7 liver tumours
    smallest = min(s.measurements.lesions, key=lambda lesion: lesion.volume_ml)
    s.delete_lesion(smallest.id)
    assert s.measurements.to_json()["ttv_ml"] == pytest.approx(measured["ttv_ml"] - smallest.volume_ml)
    s.files.save_to(tmp_path / "ircad.cned")  # the image stays a reference to the DICOM folder
    other = make_session()
    other.open_bundle(str(tmp_path / "ircad.cned"))
    assert other.files.dicom_source() == str((case / "ct_dicom").resolve())
    assert np.array_equal(other.case.labels.array, s.case.labels.array)
    assert other.measurements.to_json()["lesion_count"] == 6 and [e.operation for e in other.case.provenance] == ["delete_lesion"]
