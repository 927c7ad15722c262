"""Building blocks of the bad-input corpus: a workspace of small valid files to break, and the runner.

:class:`Kit` writes small synthetic images, label maps and DICOM series (and copies of the real
cases) into a work folder; the corpus (:mod:`bad_input_corpus`) breaks them. :func:`run_call`
runs the command line in-process (optionally as the unprivileged user ``nobody`` through
``seteuid`` when the tests run as root, since root ignores file permissions) or as a
subprocess, and :func:`snapshot` records every file's hash so that a test can prove that
the inputs did not change and that nothing was left behind.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pydicom
import SimpleITK as sitk
from pydicom.dataset import FileMetaDataset
from pydicom.filebase import DicomBytesIO
from pydicom.filewriter import write_dataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

NOBODY = 65534
STUDY_UID = "1.2.826.0.1.3680043.8.498.11"
FRAME_UID = "1.2.826.0.1.3680043.8.498.12"
SPACING = (0.8, 0.8, 2.0)
#: NIfTI-1 header offsets patched by the corpus.
DIM, DATATYPE, PIXDIM, VOX_OFFSET, MAGIC = 40, 70, 76, 108, 344


@dataclass
class Call:
    """One command line and what must come of it."""

    argv: list[str]
    code: int = 2
    words: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    creates: tuple[str, ...] = ()
    as_nobody: bool = False
    in_subprocess: bool = False


@dataclass(frozen=True)
class BadCase:
    id: str
    build: object  # Callable[[Kit], Call]


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def phantom_labels(shape_zyx: tuple[int, int, int]) -> np.ndarray:
    """Liver block (1) holding a tumour (2), a portal vein (3) and a hepatic vein (4) line."""
    labels = np.zeros(shape_zyx, np.uint8)
    z, y, x = shape_zyx
    labels[1:z - 1, 2:y - 2, 2:x - 2] = 1
    labels[z // 2 - 1:z // 2 + 2, y // 2 - 2:y // 2 + 2, x // 2 - 2:x // 2 + 2] = 2
    labels[1:z - 1, 3, 3] = 3
    labels[1:z - 1, y - 4, x - 4] = 4
    return labels


@dataclass
class Kit:
    """A work folder with small valid inputs, and the real cases to copy from."""

    work: Path
    shared: Path
    made: dict[str, Path] = field(default_factory=dict)

    def path(self, name: str) -> Path:
        return self.work / name

    # -- images and label maps ----------------------------------------------------------
    def image(self, name: str = "img.nii.gz", array: np.ndarray | None = None, spacing: Sequence[float] = SPACING) -> Path:
        """A small CT-like image (int16, 24 x 20 x 10 voxels) or ``array`` on that grid."""
        if array is None:
            array = (np.arange(10 * 20 * 24).reshape(10, 20, 24) % 400 - 100).astype(np.int16)
        image = sitk.GetImageFromArray(array)
        image.SetSpacing(tuple(float(v) for v in spacing))
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        sitk.WriteImage(image, str(target), useCompression=name.endswith(".gz"))
        return target

    def labels(self, name: str = "lab.nii.gz", array: np.ndarray | None = None) -> Path:
        return self.image(name, phantom_labels((10, 20, 24)) if array is None else array)

    def nifti_bytes(self, array: np.ndarray | None = None) -> bytearray:
        """The uncompressed NIfTI-1 file of :meth:`image` as bytes, to patch."""
        raw = bytearray(self.image("_tmp.nii", array).read_bytes())
        self.path("_tmp.nii").unlink()
        return raw

    def patched_nifti(self, name: str, patches: Sequence[tuple[int, str, Sequence[float]]] = (), cut: int | None = None,
                      extra: bytes = b"", array: np.ndarray | None = None) -> Path:
        """:meth:`nifti_bytes` with ``(offset, struct format, values)`` patches, cut or extended; gzip by name."""
        raw = self.nifti_bytes(array)
        for offset, fmt, values in patches:
            struct.pack_into("<" + fmt, raw, offset, *values)
        data = bytes(raw[:cut] if cut is not None else raw) + extra
        target = self.path(name)
        target.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
        return target

    def write(self, name: str, data: bytes | str) -> Path:
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        (target.write_text(data, encoding="utf-8") if isinstance(data, str) else target.write_bytes(data))
        return target

    def folder(self, name: str) -> Path:
        target = self.path(name)
        target.mkdir(parents=True, exist_ok=True)
        return target

    # -- DICOM ----------------------------------------------------------------------------
    def dicom(self, folder: str = "dcm", count: int = 4, step_mm: float = 2.0, **per_slice) -> Path:
        """A synthetic CT series of ``count`` 8 x 6 slices; ``per_slice`` values are callables of the slice index."""
        target = self.folder(folder)
        uid = generate_uid()
        for k in range(count):
            options = {key: (value(k) if callable(value) else value) for key, value in per_slice.items()}
            write_slice(target / f"IM{k:04d}", k * 10 + 1, (-10.0, -20.0, k * step_mm), options.pop("uid", uid), **options)
        return target

    def real_dicom(self, which: str = "dcmqi_liver_seg", folder: str = "real") -> Path:
        """A copy of a real case's ``ct_dicom`` folder (never modify the shared one)."""
        target = self.path(folder)
        shutil.copytree(self.shared / which / "ct_dicom", target)
        for path in target.iterdir():
            path.chmod(0o644)
        target.chmod(0o755)
        return target

    def real(self, relative: str, name: str | None = None) -> Path:
        target = self.path(name or Path(relative).name)
        shutil.copyfile(self.shared / relative, target)
        target.chmod(0o644)
        return target


def write_slice(path: Path, value: int, position: Sequence[float], series_uid: str, *, spacing: Sequence[float] = (0.7, 0.7),
                orientation: Sequence[float] = (1, 0, 0, 0, 1, 0), frame_uid: str = FRAME_UID, study_uid: str = STUDY_UID,
                rgb: bool = False, preamble: bool = True, shift_x: float = 0.0) -> None:
    """One uncompressed CT slice (8 x 6 pixels, every pixel ``value``), greyscale or RGB, with or without preamble."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = CTImageStorage, generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = pydicom.Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, meta.MediaStorageSOPInstanceUID
    ds.Modality, ds.SeriesDescription, ds.PatientName, ds.PatientID = "CT", "synthetic", "TEST^PATIENT", "ID-1"
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study_uid, series_uid, frame_uid
    ds.ImagePositionPatient = [f"{position[0] + shift_x:.4f}", f"{position[1]:.4f}", f"{position[2]:.4f}"]
    ds.ImageOrientationPatient = [f"{v:.6f}" for v in orientation]
    ds.PixelSpacing = [f"{v:.4f}" for v in spacing]
    ds.SliceThickness, ds.Rows, ds.Columns = "2.0", 6, 8
    if rgb:
        ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PlanarConfiguration = 3, "RGB", 0
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
        ds.PixelData = np.full((6, 8, 3), value % 256, np.uint8).tobytes()
    else:
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.RescaleIntercept, ds.RescaleSlope = "0", "1"
        ds.PixelData = np.full((6, 8), value, "<i2").tobytes()
    if preamble:
        ds.save_as(path, enforce_file_format=True)
    else:
        path.write_bytes(bare_dataset(ds))


def bare_dataset(ds: pydicom.Dataset) -> bytes:
    """``ds`` as implicit-VR little-endian bytes without preamble, ``DICM`` or file meta (as old PACS write)."""
    buffer = DicomBytesIO()
    buffer.is_little_endian, buffer.is_implicit_VR = True, True
    write_dataset(buffer, ds)
    return buffer.getvalue()


def edit_dicom(path: Path, **values) -> None:
    """Set header values of a DICOM file in place (a copy in the work folder)."""
    ds = pydicom.dcmread(path)
    for key, value in values.items():
        setattr(ds, key, value)
    ds.save_as(path)


def bad_number_of_frames(path: Path) -> None:
    """Give an implicit-VR file the invalid NumberOfFrames ``1A`` (pydicom refuses to write it)."""
    edit_dicom(path, NumberOfFrames="1")
    good = b"\x28\x00\x08\x00\x02\x00\x00\x001 "
    raw = path.read_bytes()
    assert good in raw, "expected an implicit-VR little-endian file"
    path.write_bytes(raw.replace(good, b"\x28\x00\x08\x00\x02\x00\x00\x001A"))


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file below ``folder`` (folders too, as ``<dir>``)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink() or path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "<dangling>"
        elif path.is_dir():
            found[rel] = "<dir>"
    return found


@contextlib.contextmanager
def effective_user(uid: int | None) -> Iterator[None]:
    """Run the block with the effective uid/gid ``uid`` (root only), restored afterwards."""
    if uid is None:
        yield
        return
    os.setegid(uid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def run_call(call: Call, capfd) -> Outcome:
    """Run ``call`` in-process through ``cned_viewer.cli.main`` (or as a subprocess) and collect its output."""
    if call.in_subprocess:
        result = subprocess.run([sys.executable, "-m", "cned_viewer", *call.argv], capture_output=True, text=True, timeout=120,
                                env={**os.environ, "PYTHONWARNINGS": "default"})
        return Outcome(result.returncode, result.stdout, result.stderr)
    from cned_viewer.cli import main

    capfd.readouterr()
    uid = NOBODY if call.as_nobody and os.geteuid() == 0 else None
    with effective_user(uid):
        code = main(list(call.argv))
    captured = capfd.readouterr()
    return Outcome(code, captured.out, captured.err)
