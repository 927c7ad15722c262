"""DICOM discovery and geometry checks on synthetic series (good and bad input)."""

from __future__ import annotations

import numpy as np
import pytest

from cned_viewer.errors import UserError
from cned_viewer.io.dicom_series import scan_dicom_folder
from cned_viewer.io.images import load_image


def test_slices_are_ordered_by_position_not_file_name(dicom_series):
    z = [30.0, 10.0, 20.0, 0.0, 40.0]
    folder = dicom_series(z, names=["a", "b", "c", "d", "e"])
    loaded = load_image(folder)
    # slice k holds k*10+1; sorted by z: 0 (k=3), 10 (k=1), 20 (k=2), 30 (k=0), 40 (k=4)
    assert list(loaded.volume.array[:, 0, 0]) == [31, 11, 21, 1, 41]
    g = loaded.volume.geometry
    assert g.size_xyz == (8, 6, 5)
    assert g.spacing_xyz_mm == pytest.approx((0.7, 0.7, 10.0))
    assert g.origin_xyz_mm == pytest.approx((-10.0, -20.0, 0.0))
    assert loaded.warnings == []


def test_feet_first_order_and_direction(dicom_series):
    """A series whose normal points down keeps its direction; z positions decrease."""
    folder = dicom_series([0.0, -2.0, -4.0], orientation=(1, 0, 0, 0, -1, 0))
    g = load_image(folder).volume.geometry
    assert g.direction == pytest.approx((1, 0, 0, 0, -1, 0, 0, 0, -1))
    assert g.origin_xyz_mm[2] == pytest.approx(0.0)
    assert g.spacing_xyz_mm[2] == pytest.approx(2.0)


def test_empty_folder(tmp_path):
    with pytest.raises(UserError, match="empty"):
        scan_dicom_folder(tmp_path)


def test_folder_of_non_dicom_files(tmp_path):
    for i in range(3):
        (tmp_path / f"note{i}.txt").write_text("not an image")
    with pytest.raises(UserError, match="no DICOM files.*3 files checked"):
        load_image(tmp_path)


def test_truncated_file(dicom_series):
    folder = dicom_series([0.0, 1.0, 2.0, 3.0])
    victim = sorted(folder.iterdir())[1]
    victim.write_bytes(victim.read_bytes()[:-40])
    with pytest.raises(UserError, match="truncated"):
        load_image(folder)


def test_two_series_in_one_folder_lists_both_and_picks_the_larger(dicom_series, tmp_path):
    folder = tmp_path / "mixed"
    dicom_series([0.0, 1.0, 2.0], folder=folder, series_uid="1.2.3.1", names=["s1a", "s1b", "s1c"], description="small")
    dicom_series([0.0, 2.0, 4.0, 6.0, 8.0], folder=folder, series_uid="1.2.3.2", names=[f"s2{i}" for i in range(5)], description="large")
    scan = scan_dicom_folder(folder)
    assert {s.uid for s in scan.series} == {"1.2.3.1", "1.2.3.2"}
    loaded = load_image(folder)
    assert loaded.volume.array.shape[0] == 5
    assert any("2 image series" in w for w in loaded.warnings)
    assert load_image(folder, series="1.2.3.1").volume.array.shape[0] == 3


def test_missing_slice(dicom_series):
    with pytest.raises(UserError, match="slice missing between 2.00 and 6.00 mm"):
        load_image(dicom_series([0.0, 2.0, 6.0, 8.0, 10.0]))


def test_duplicated_slice(dicom_series):
    with pytest.raises(UserError, match="duplicated slice position"):
        load_image(dicom_series([0.0, 2.0, 2.0, 4.0]))


def test_irregular_spacing(dicom_series):
    with pytest.raises(UserError, match="irregular slice spacing"):
        load_image(dicom_series([0.0, 2.0, 3.2, 5.2, 7.2]))


def test_small_spacing_jitter_warns(dicom_series):
    loaded = load_image(dicom_series([0.0, 2.0, 4.04, 6.0, 8.0]))
    assert any("slice spacing varies" in w for w in loaded.warnings)


def test_mixed_orientations(dicom_series, tmp_path):
    folder = tmp_path / "mixed"
    dicom_series([0.0, 1.0, 2.0], folder=folder, series_uid="1.2.9", names=["a", "b", "c"])
    dicom_series([3.0], folder=folder, series_uid="1.2.9", names=["loc"], orientation=(1, 0, 0, 0, 0, -1))
    with pytest.raises(UserError, match="2 different orientations"):
        load_image(folder)


def test_gantry_tilt(dicom_series):
    tilt = np.tan(np.radians(15.0))
    folder = dicom_series([0.0, 2.0, 4.0, 6.0], position_of=lambda z: (-10.0, -20.0 + z * tilt, z))
    with pytest.raises(UserError, match="gantry tilt of 15.0 degrees"):
        load_image(folder)


def test_one_slice_series_warns_with_its_thickness(dicom_series):
    loaded = load_image(dicom_series([5.0]))
    assert loaded.volume.geometry.spacing_xyz_mm[2] == pytest.approx(1.0)
    assert any("single slice" in w for w in loaded.warnings)


def test_unknown_series_choice(dicom_series):
    with pytest.raises(UserError, match="no series 'nope'"):
        load_image(dicom_series([0.0, 1.0]), series="nope")


def test_single_dicom_file_opens_its_series(dicom_series):
    folder = dicom_series([0.0, 1.0, 2.0])
    loaded = load_image(sorted(folder.iterdir())[0])
    assert loaded.volume.array.shape == (3, 6, 8)
