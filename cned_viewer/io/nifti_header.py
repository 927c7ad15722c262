"""Check a NIfTI file's header against itself and the file's size before ITK reads it.

ITK reads what it is given without a word: a zero or negative voxel size becomes 1 mm, a
file cut short or a header whose dimensions or voxel offset are wrong is read (the missing
voxels are garbage), a broken magic is read as an old Analyze file. :func:`check_nifti`
refuses each of these with the reason, reading only the header (and, for ``.nii.gz``, the
gzip trailer; the whole stream only when the trailer disagrees).
"""

from __future__ import annotations

import gzip
import struct
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from cned_viewer.errors import UserError

#: NIfTI datatype code -> bytes per voxel.
DATATYPE_BYTES = {2: 1, 4: 2, 8: 4, 16: 4, 32: 8, 64: 8, 128: 3, 256: 1, 512: 2, 768: 4, 1024: 8, 1280: 8, 1536: 16, 1792: 16, 2048: 32, 2304: 4}
#: Floating-point datatypes whose NaN and infinite voxels ITK reads as 0 without a word.
FLOAT_TYPES = {16: "f4", 64: "f8"}
_GZIP_MAGIC = b"\x1f\x8b"
_FIX = "re-export the image (e.g. with dcm2niix or 3D Slicer) or open the DICOM series instead"


@dataclass(frozen=True)
class NiftiHeader:
    """The header values that decide the voxel grid and the data size."""

    version: int
    dims: tuple[int, ...]
    spacing: tuple[float, ...]
    datatype: int
    vox_offset: int
    endian: str = "<"
    gz: bool = False

    @property
    def data_bytes(self) -> int:
        return int(np.prod(self.dims, dtype=np.int64)) * DATATYPE_BYTES[self.datatype]


def is_nifti(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(".nii") or name.endswith(".nii.gz")


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == _GZIP_MAGIC


def _head(path: Path, what: str, gz: bool) -> bytes:
    try:
        with (gzip.open(path, "rb") if gz else open(path, "rb")) as handle:
            return handle.read(544)
    except (OSError, EOFError, zlib.error) as error:
        raise UserError(f"{what} {path.name} is not a readable gzip file ({error}); the file is damaged or cut short, copy it again") from None


def parse_header(raw: bytes, name: str, what: str) -> NiftiHeader:
    """The :class:`NiftiHeader` of the first bytes of a NIfTI-1 or NIfTI-2 file; UserError if it lies."""
    if len(raw) < 348:
        raise UserError(f"{what} {name} is too short for a NIfTI header ({len(raw)} bytes); the file is cut short, copy it again")
    for endian in "<>":
        size = struct.unpack_from(endian + "i", raw, 0)[0]
        if size == 348:
            magic = raw[344:348]
            dims = struct.unpack_from(endian + "8h", raw, 40)
            datatype, bitpix = struct.unpack_from(endian + "2h", raw, 70)
            pixdim = struct.unpack_from(endian + "8f", raw, 76)
            vox_offset = struct.unpack_from(endian + "f", raw, 108)[0]
            header_bytes, version, good_magic = 352, 1, (b"n+1\x00",)
            break
        if size == 540 and len(raw) >= 540:
            magic = raw[4:12]
            datatype, bitpix = struct.unpack_from(endian + "2h", raw, 12)
            dims = struct.unpack_from(endian + "8q", raw, 16)
            pixdim = struct.unpack_from(endian + "8d", raw, 104)
            vox_offset = struct.unpack_from(endian + "q", raw, 168)[0]
            header_bytes, version, good_magic = 544, 2, (b"n+2\x00\r\n\x1a\n",)
            break
    else:
        raise UserError(f"{what} {name} has no valid NIfTI header (header size field is not 348 or 540); the file is damaged or not NIfTI, {_FIX}")
    if magic not in good_magic:
        raise UserError(f"{what} {name} has a broken NIfTI magic ({bytes(magic[:4])!r} instead of {good_magic[0][:3].decode()!r}); "
                        f"it is damaged or an old Analyze file, {_FIX}")
    ndim = dims[0]
    if not 1 <= ndim <= 7 or any(d < 1 for d in dims[1:ndim + 1]):
        raise UserError(f"{what} {name}: the header's dimensions {list(dims[:ndim + 1 if 0 <= ndim <= 7 else 8])} are invalid; {_FIX}")
    if datatype not in DATATYPE_BYTES or bitpix != 8 * DATATYPE_BYTES[datatype]:
        raise UserError(f"{what} {name}: the header's voxel type (datatype {datatype}, {bitpix} bits) is invalid; {_FIX}")
    spatial = pixdim[1:min(ndim, 3) + 1]
    if not all(np.isfinite(spatial)) or min(spatial) <= 0:
        shown = ", ".join(f"{v:g}" for v in spatial)
        raise UserError(f"{what} {name}: the header's voxel size ({shown} mm) is zero, negative or not a number; volumes would be wrong, {_FIX}")
    if not np.isfinite(vox_offset) or vox_offset < header_bytes or vox_offset != int(vox_offset):
        raise UserError(f"{what} {name}: the header's voxel offset {vox_offset:g} is invalid (at least {header_bytes}); {_FIX}")
    return NiftiHeader(version, tuple(int(d) for d in dims[1:ndim + 1]), tuple(float(v) for v in spatial), datatype, int(vox_offset), endian)


def _gzip_size(path: Path, what: str) -> int:
    """Uncompressed size of a gzip file: streamed only when asked (the trailer may lie for several members)."""
    total = 0
    try:
        with gzip.open(path, "rb") as handle:
            while chunk := handle.read(1 << 22):
                total += len(chunk)
    except (OSError, EOFError, zlib.error) as error:
        raise UserError(f"{what} {path.name} is truncated or damaged (compressed data: {error}); copy the file again") from None
    return total


def check_nifti(path: Path, what: str = "image") -> NiftiHeader:
    """Validate the header of a ``.nii`` / ``.nii.gz`` file and its data size; UserError naming the lie."""
    gz = _is_gzip(path)
    header = replace(parse_header(_head(path, what, gz), path.name, what), gz=gz)
    expected = header.vox_offset + header.data_bytes
    if gz:
        with open(path, "rb") as handle:
            handle.seek(-4, 2)
            trailer = struct.unpack("<I", handle.read(4))[0]
        actual = expected if trailer == expected % (1 << 32) else _gzip_size(path, what)
    else:
        actual = path.stat().st_size
    if actual < expected:
        raise UserError(f"{what} {path.name} is truncated: its header ({'x'.join(map(str, header.dims))} voxels from byte {header.vox_offset}) "
                        f"needs {expected} bytes, the file holds {actual}; copy the file again or re-export it")
    if actual > expected:
        raise UserError(f"{what} {path.name}: the header's dimensions ({'x'.join(map(str, header.dims))}) or voxel offset ({header.vox_offset}) "
                        f"disagree with the data ({actual} bytes where {expected} are expected); {_FIX}")
    return header


def nonfinite_mask(path: Path, header: NiftiHeader) -> np.ndarray | None:
    """Where a floating-point NIfTI holds NaN or infinite voxels (ITK reads them as 0), flat in file
    order (x fastest, as a ``[z, y, x]`` array); None for other types or when there is none."""
    if header.datatype not in FLOAT_TYPES:
        return None
    dtype = np.dtype(header.endian + FLOAT_TYPES[header.datatype])
    with (gzip.open(path, "rb") if header.gz else open(path, "rb")) as handle:
        handle.seek(header.vox_offset)
        values = np.frombuffer(handle.read(header.data_bytes), dtype)
    mask = ~np.isfinite(values)
    return mask if mask.any() else None
