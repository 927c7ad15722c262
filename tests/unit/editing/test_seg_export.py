"""DICOM-SEG export: round trip through highdicom on the real dcmqi case and a synthetic series."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest

from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR, LabelMap
from cned_viewer.editing import Brush, EditSession, PaintRules
from cned_viewer.errors import UserError
from cned_viewer.io.images import load_image
from cned_viewer.io.masks import load_labels
from cned_viewer.io.seg_export import export_dicom_seg


@pytest.mark.data
def test_dcmqi_import_edit_export_reimport(shared_data, tmp_path):
    folder = shared_data / "dcmqi_liver_seg"
    image = load_image(folder / "ct_dicom")
    labels = load_labels(folder / "liver.dcm", image.volume.geometry)
    session = EditSession(labels, image.volume)
    liver = np.argwhere(labels.array == LIVER_PARENCHYMA)
    centre = liver[len(liver) // 2].astype(float)
    session.begin_stroke(centre, Brush(6.0), PaintRules.paint(TUMOUR, replaceable=frozenset({LIVER_PARENCHYMA})))
    session.continue_stroke(centre + (0, 5, 12))
    session.end_stroke()
    assert np.count_nonzero(labels.array == TUMOUR) > 100

    out = export_dicom_seg(labels, folder / "ct_dicom", tmp_path / "edited_seg.dcm")
    again = load_labels(out, image.volume.geometry)
    assert np.array_equal(again.array, labels.array)

    seg = pydicom.dcmread(out)
    ct_series = image.metadata["SeriesInstanceUID"]
    assert seg.ReferencedSeriesSequence[0].SeriesInstanceUID == ct_series
    assert seg.StudyInstanceUID == image.metadata["StudyInstanceUID"]
    assert seg.SeriesInstanceUID != ct_series
    names = [s.SegmentLabel for s in seg.SegmentSequence]
    assert names == ["Liver parenchyma", "Tumour"]
    tumour = seg.SegmentSequence[1]
    assert tumour.SegmentedPropertyTypeCodeSequence[0].CodeValue == "108369006"  # SCT neoplasm
    assert tumour.SegmentedPropertyCategoryCodeSequence[0].CodeValue == "49755003"
    assert seg.SegmentSequence[0].SegmentedPropertyTypeCodeSequence[0].CodeValue == "10200004"  # SCT liver


def test_all_labels_round_trip_on_a_synthetic_series(dicom_series, tmp_path):
    folder = dicom_series([0.0, 2.5, 5.0, 7.5])
    volume = load_image(folder).volume
    array = np.zeros(volume.array.shape, np.uint8)
    array[0, 1:3, 2:5] = LIVER_PARENCHYMA
    array[1, 2, 2] = TUMOUR
    array[3, :, 0] = PORTAL_VEIN
    array[3, 0, 7] = HEPATIC_VEINS
    labels = LabelMap(array, volume.geometry)
    out = export_dicom_seg(labels, folder, tmp_path / "all.dcm", manual=False)
    assert np.array_equal(load_labels(out, volume.geometry).array, array)
    seg = pydicom.dcmread(out)
    assert [s.SegmentedPropertyTypeCodeSequence[0].CodeValue for s in seg.SegmentSequence] == ["10200004", "108369006", "32764006", "8993003"]
    assert seg.SegmentSequence[0].SegmentAlgorithmType == "SEMIAUTOMATIC"


def test_refuses_labels_off_the_series_grid_and_empty_maps(dicom_series, tmp_path):
    folder = dicom_series([0.0, 2.5, 5.0])
    volume = load_image(folder).volume
    empty = LabelMap(np.zeros(volume.array.shape, np.uint8), volume.geometry)
    with pytest.raises(UserError, match="empty"):
        export_dicom_seg(empty, folder, tmp_path / "x.dcm")
    elsewhere = dicom_series([10.0, 12.5, 15.0], folder=tmp_path / "other")  # same size, other slices
    array = np.ones(volume.array.shape, np.uint8)
    with pytest.raises(UserError, match="grid"):
        export_dicom_seg(LabelMap(array, volume.geometry), elsewhere, tmp_path / "y.dcm")
    assert not (tmp_path / "y.dcm").exists()
