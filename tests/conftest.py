"""Shared fixtures: the demo case and a synthetic DICOM writer (real data: the root conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.dataset import FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid



@pytest.fixture(scope="session")
def demo_case():
    from cned_viewer.demo.phantom import make_demo_case

    return make_demo_case()


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory, demo_case) -> tuple[Path, Path]:
    """The demo case written as NIfTI (image, labels)."""
    from cned_viewer.io.demo_files import save_demo_case

    return save_demo_case(tmp_path_factory.mktemp("demo"))


def write_ct_slice(
    path: Path,
    pixels: np.ndarray,
    position_mm: Sequence[float],
    series_uid: str,
    orientation: Sequence[float] = (1, 0, 0, 0, 1, 0),
    pixel_spacing_mm: Sequence[float] = (0.7, 0.7),
    description: str = "synthetic",
    modality: str = "CT",
    study_uid: str = "1.2.826.0.1.3680043.8.498.1",
    frame_uid: str = "1.2.826.0.1.3680043.8.498.2",
) -> None:
    """Write one uncompressed signed 16-bit CT slice with the geometry tags set."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = pydicom.Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, meta.MediaStorageSOPInstanceUID
    ds.Modality, ds.SeriesDescription = modality, description
    ds.PatientName, ds.PatientID, ds.PatientBirthDate = "TEST^PATIENT", "ID-0001", "19600101"
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study_uid, series_uid, frame_uid
    ds.ImagePositionPatient = [f"{v:.4f}" for v in position_mm]
    ds.ImageOrientationPatient = [f"{v:.6f}" for v in orientation]
    ds.PixelSpacing = [f"{v:.4f}" for v in pixel_spacing_mm]
    ds.SliceThickness = "1.0"
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.RescaleIntercept, ds.RescaleSlope = "0", "1"
    ds.PixelData = np.ascontiguousarray(pixels, dtype="<i2").tobytes()
    ds.save_as(path, enforce_file_format=True)


@pytest.fixture
def dicom_series(tmp_path) -> Callable[..., Path]:
    """``dicom_series(z_positions, folder=..., **slice_options)`` writes a series; returns its folder.

    Slice k holds the value k * 10 + 1 in every pixel (8 x 6 pixels), so order can be checked.
    File names are shuffled so that loading cannot rely on them.
    """

    def make(z_positions: Sequence[float], folder: Path | None = None, series_uid: str | None = None, names: Sequence[str] | None = None, **options) -> Path:
        target = folder or tmp_path / "series"
        target.mkdir(parents=True, exist_ok=True)
        uid = series_uid or generate_uid()
        position_of = options.pop("position_of", lambda zz: (-10.0, -20.0, zz))
        order = np.random.default_rng(len(z_positions)).permutation(len(z_positions))
        for k, z in enumerate(z_positions):
            name = names[k] if names else f"IM{order[k]:04d}"
            write_ct_slice(target / name, np.full((6, 8), k * 10 + 1, dtype=np.int16), position_of(z), uid, **options)
        return target

    return make


@pytest.fixture(scope="session")
def demo_segments(tmp_path_factory, demo_files) -> Path:
    """A Couinaud map on the demo grid: segment 2 on the low-x half of the image, 7 on the other."""
    import SimpleITK as sitk

    reference = sitk.ReadImage(str(demo_files[0]))
    array = np.full(sitk.GetArrayViewFromImage(reference).shape, 7, np.uint8)
    array[:, :, : array.shape[2] // 2] = 2
    image = sitk.GetImageFromArray(array)
    image.CopyInformation(reference)
    path = tmp_path_factory.mktemp("segments") / "segments.nii.gz"
    sitk.WriteImage(image, str(path))
    return path
