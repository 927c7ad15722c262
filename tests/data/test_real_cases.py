"""Real CT cases from ../shared/data: geometry, labels, external label maps, DICOM-SEG."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
import SimpleITK as sitk

from cned_viewer.io.case_loader import load_case
from cned_viewer.io.images import load_image
from cned_viewer.io.masks import load_labels

pytestmark = pytest.mark.data


def _sitk_series(folder) -> sitk.Image:
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder)))
    return reader.Execute()


@pytest.fixture(scope="module")
def ircad(shared_data):
    return load_image(shared_data / "ircadb01_p1" / "ct_dicom")


def test_ircad_series_geometry_matches_simpleitk(ircad, shared_data):
    g = ircad.volume.geometry
    assert g.size_xyz == (512, 512, 129)
    assert g.spacing_xyz_mm == pytest.approx((0.57, 0.57, 1.6), abs=1e-6)
    reference = _sitk_series(shared_data / "ircadb01_p1" / "ct_dicom")
    assert g.spacing_xyz_mm == pytest.approx(reference.GetSpacing(), abs=1e-6)
    assert g.origin_xyz_mm == pytest.approx(reference.GetOrigin(), abs=1e-6)
    assert g.direction == pytest.approx(reference.GetDirection(), abs=1e-9)
    assert np.array_equal(ircad.volume.array, sitk.GetArrayFromImage(reference))
    assert ircad.warnings == []


def test_ircad_loads_the_same_whatever_the_file_names(ircad, shared_data, tmp_path):
    """Files renamed in reverse order (and nested) give the same volume."""
    source = sorted((shared_data / "ircadb01_p1" / "ct_dicom").iterdir(), key=lambda p: int(p.name.split("_")[1]))
    for k, path in enumerate(source):
        target = tmp_path / f"part{k % 2}" / f"z{len(source) - k:04d}.dcm"
        target.parent.mkdir(exist_ok=True)
        os.symlink(path, target) if hasattr(os, "symlink") else shutil.copy(path, target)
    shuffled = load_image(tmp_path)
    assert shuffled.volume.geometry.matches(ircad.volume.geometry)
    assert np.array_equal(shuffled.volume.array, ircad.volume.array)


def test_ircad_nifti_and_labels(ircad, shared_data):
    case = load_case(shared_data / "ircadb01_p1" / "ct.nii.gz", shared_data / "ircadb01_p1" / "labels.nrrd")
    assert case.image.geometry.matches(ircad.volume.geometry)
    assert case.labels.present_values() == [1, 2, 3, 4]
    assert case.warnings == []
    hu = case.image.array
    assert 40 < np.median(hu[case.labels.array == 1]) < 200  # contrast-enhanced liver


def test_totalsegmentator_output_overlays_the_ct(shared_data):
    folder = shared_data / "totalseg_example"
    case = load_case(folder / "ct_dicom", folder / "example_seg_dicom.nii.gz", "totalseg-total")
    labels, hu = case.labels.array, case.image.array
    assert any("resampled" in w for w in case.warnings)  # its NIfTI has y flipped
    liver = hu[labels == 1]
    assert liver.size > 100_000
    assert 40 < np.median(liver) < 160  # liver intensities, not fat or air
    assert np.median(hu[labels == 3]) > np.median(liver)  # contrast-filled portal vein


def test_dicom_seg_equals_the_nrrd(shared_data):
    folder = shared_data / "dcmqi_liver_seg"
    image = load_image(folder / "ct_dicom").volume
    from_seg = load_labels(folder / "liver.dcm", image.geometry)
    from_nrrd = load_labels(folder / "liver_seg.nrrd", image.geometry)
    assert from_seg.present_values() == [1]
    assert np.count_nonzero(from_seg.array) == 107098
    assert np.array_equal(from_seg.array, from_nrrd.array)


def test_folder_with_seg_and_ct_picks_the_ct(shared_data):
    loaded = load_image(shared_data / "dcmqi_liver_seg")
    assert loaded.metadata["Modality"] == "CT"
    assert loaded.volume.array.shape == (3, 512, 512)
    assert any("not DICOM images" in w for w in loaded.warnings)  # liver_seg.nrrd beside them
