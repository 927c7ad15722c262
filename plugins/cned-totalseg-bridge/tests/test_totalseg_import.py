"""Importing real TotalSegmentator output (multi-label files and per-class folders) into the app's maps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

from cned_totalseg_bridge import import_output, make_plugin
from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR
from cned_viewer.io.images import load_image

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def example(shared_data) -> Path:
    return shared_data / "totalseg_example"


def read(path: Path) -> np.ndarray:
    return sitk.GetArrayFromImage(sitk.ReadImage(str(path)))


def test_multilabel_file_on_its_own_grid(example):
    image = load_image(example / "example_ct_sm.nii.gz").volume
    imported = import_output(example / "example_seg.nii.gz", image.geometry, "total")
    source = read(example / "example_seg.nii.gz")
    labels = imported.labels.array
    for value, app in ((5, LIVER_PARENCHYMA), (64, PORTAL_VEIN), (63, HEPATIC_VEINS)):
        assert np.array_equal(labels == app, source == value), value
    assert imported.segments is None and imported.notices == ()


def test_multilabel_file_over_the_dicom_series_is_resampled(example):
    image = load_image(example / "ct_dicom").volume
    imported = import_output(example / "example_seg_dicom.nii.gz", image.geometry, "total")
    source = read(example / "example_seg_dicom.nii.gz")
    assert imported.labels.geometry is image.geometry
    assert "resampled" in imported.notices[0]
    for value, app in ((5, LIVER_PARENCHYMA), (64, PORTAL_VEIN), (63, HEPATIC_VEINS)):
        assert np.count_nonzero(imported.labels.array == app) == np.count_nonzero(source == value) > 0


def write_mask(folder: Path, name: str, mask: np.ndarray, like: sitk.Image) -> None:
    image = sitk.GetImageFromArray(mask.astype(np.uint8))
    image.CopyInformation(like)
    sitk.WriteImage(image, str(folder / f"{name}.nii.gz"))


@pytest.fixture(scope="module")
def class_folder(example, tmp_path_factory):
    """Per-class masks as TotalSegmentator writes them, from the real example (+ derived liver tasks)."""
    folder = tmp_path_factory.mktemp("totalseg_masks")
    like = sitk.ReadImage(str(example / "example_seg.nii.gz"))
    source = sitk.GetArrayFromImage(like)
    for value, name in ((5, "liver"), (64, "portal_vein_and_splenic_vein"), (63, "inferior_vena_cava"), (1, "spleen")):
        write_mask(folder, name, source == value, like)
    liver = source == 5
    columns = np.nonzero(liver)[2]
    edges = np.linspace(columns.min(), columns.max() + 1, 9)
    x = np.arange(source.shape[2])[None, None, :]
    for k in range(8):
        write_mask(folder, f"liver_segment_{k + 1}", liver & (x >= edges[k]) & (x < edges[k + 1]), like)
    z, y, x3 = np.nonzero(liver)
    centre = (int(np.median(z)), int(np.median(y)), int(np.median(x3)))
    tumour = np.zeros_like(liver)
    tumour[centre[0] - 1:centre[0] + 2, centre[1] - 2:centre[1] + 3, centre[2] - 2:centre[2] + 3] = True
    write_mask(folder, "liver_tumor", tumour & liver, like)
    return folder, source, tumour & liver


def test_class_folder_gives_labels_and_couinaud_segments(example, class_folder):
    folder, source, tumour = class_folder
    image = load_image(example / "example_ct_sm.nii.gz").volume
    imported = import_output(folder, image.geometry)
    labels, segments = imported.labels.array, imported.segments.array
    assert np.array_equal(labels == TUMOUR, tumour)  # tumour wins over liver
    assert np.array_equal(labels == LIVER_PARENCHYMA, (source == 5) & ~tumour)
    assert np.array_equal(labels == PORTAL_VEIN, source == 64)
    assert set(imported.segments.present_values()) == set(range(1, 9))
    assert np.array_equal(segments > 0, source == 5)
    assert imported.segments.table.by_value(8).key == "segment_8"


def test_folder_importer_through_the_plugin(example, class_folder):
    folder = class_folder[0]
    image = load_image(example / "example_ct_sm.nii.gz").volume
    importer = next(i for i in make_plugin().importers if i.id == "totalseg-folder")
    assert importer.can_import(folder) and not importer.can_import(example / "label_names_source.py.txt")
    assert importer.load(folder, image.geometry).labels is not None


def test_liver_vessels_are_imported_with_a_review_notice(example, tmp_path):
    like = sitk.ReadImage(str(example / "example_seg.nii.gz"))
    write_mask(tmp_path, "liver_vessels", sitk.GetArrayFromImage(like) == 64, like)
    imported = import_output(tmp_path, load_image(example / "example_ct_sm.nii.gz").volume.geometry)
    assert imported.labels.present_values() == [PORTAL_VEIN]
    assert any("review" in n for n in imported.notices)


def test_unusable_input_is_a_user_error(example, tmp_path):
    from cned_viewer.errors import UserError

    geometry = load_image(example / "example_ct_sm.nii.gz").volume.geometry
    with pytest.raises(UserError, match="no TotalSegmentator mask"):
        import_output(tmp_path, geometry)
    with pytest.raises(UserError, match="unknown TotalSegmentator task"):
        import_output(example / "example_seg.nii.gz", geometry, "brain")
