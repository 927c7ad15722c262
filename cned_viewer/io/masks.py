"""Label maps: read them (NIfTI, NRRD, MHA, DICOM-SEG), fit them to the image grid, save them.

A mask on the image grid is used as is. A mask on another grid or orientation that
overlaps the image is resampled onto the image grid by patient coordinates (nearest
neighbour) and the user is told. No overlap, or a map that is not integer-valued, is an
error. Saving is atomic (temporary file in the same folder, then rename).
"""

from __future__ import annotations

import os
from pathlib import Path

import highdicom as hd
import numpy as np
import SimpleITK as sitk

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import DEFAULT_LABEL_TABLE, LABEL_DTYPE, SEGMENT_LABEL_TABLE, LabelMap, LabelTable
from cned_viewer.errors import UserError
from cned_viewer.io.images import check_readable, has_image_suffix, nifti_nonfinite, read_sitk
from cned_viewer.io.label_mappings import LabelMapping, key_for_segment_name, resolve_mapping
from cned_viewer.io.sitk_bridge import array_and_geometry, to_sitk, write_image

SAVE_SUFFIXES = (".nii", ".nii.gz", ".nrrd", ".mha")
#: A Couinaud map holds the segment numbers themselves: 1-8 (I-VIII), 0 outside the liver.
SEGMENT_MAPPING = LabelMapping("segments", "Couinaud segments 1-8", {v: f"segment_{v}" for v in range(1, 9)})


def load_labels(
    path: str | os.PathLike,
    reference: Geometry,
    mapping: str | os.PathLike | LabelMapping | None = None,
    table: LabelTable = DEFAULT_LABEL_TABLE,
) -> LabelMap:
    """Read a label map, map its values to ``table`` and put it on the ``reference`` grid."""
    source = Path(path)
    check_readable(source, "label file")
    if has_image_suffix(source):
        array, geometry = _read_map(source, "label file", reference)
        chosen = resolve_mapping(mapping)
    else:
        array, geometry, by_name = read_dicom_seg(source, table)
        chosen = resolve_mapping(mapping) if mapping is not None else by_name
    values = _integer_values(array, source.name)
    mapped, notices = chosen.apply(values, table)
    fitted, fit_notices = fit_to_grid(mapped, geometry, reference, source.name)
    return LabelMap(fitted, reference, table, source=str(source), notices=notices + fit_notices + content_notices(fitted, table, source.name))


def _read_map(source: Path, what: str, reference: Geometry) -> tuple[np.ndarray, Geometry]:
    """A label or segment map file as a 3D array; a 2D map for a 3D image is refused as such."""
    image = read_sitk(source, what)
    nonfinite = nifti_nonfinite(source)
    if nonfinite is not None:
        raise UserError(f"{what} {source.name} is not a label map: it holds non-integer values ({int(nonfinite.sum())} NaN or infinite); "
                        "threshold probability maps into labels first")
    if image.GetDimension() == 2 and reference.size_xyz[2] > 1:
        size = "x".join(str(v) for v in image.GetSize())
        raise UserError(f"{what} {source.name} is a 2D image ({size}), but the image has {reference.size_xyz[2]} slices; "
                        "give a 3D label map covering the whole image (e.g. the segmentation tool's NIfTI output)")
    return array_and_geometry(image, f"{what} {source.name}")


def content_notices(array: np.ndarray, table: LabelTable, name: str) -> list[str]:
    """Warnings about a label map that measures nothing useful: empty, or no liver around the tumour."""
    if table is not DEFAULT_LABEL_TABLE:
        return [] if np.any(array) else [f"{name} labels no voxel at all on the image; check the file and the label mapping"]
    present = set(np.unique(array).tolist()) - {0}
    if not present:
        return [f"{name} labels no voxel at all (every value is 0 on the image): every volume is 0; check the file and --label-map"]
    liver = table.by_key("liver_parenchyma").value
    if liver not in present:
        return [f"{name} labels no liver parenchyma: the total liver volume and TLVR are not meaningful; "
                "check the label values (1 liver, 2 tumour, 3 portal vein, 4 hepatic veins) or --label-map"]
    return []


def load_segments(path: str | os.PathLike, reference: Geometry) -> LabelMap:
    """Read a Couinaud segment map (values 1-8, 0 elsewhere) and put it on the ``reference`` grid.

    Any other value is refused: segment IV split into IVa / IVb, or a map from another scheme,
    would otherwise be miscounted silently.
    """
    source = Path(path)
    check_readable(source, "segment map")
    if not has_image_suffix(source):
        raise UserError(f"segment map {source.name}: give a NIfTI, NRRD or MHA file of Couinaud segments 1-8")
    array, _ = _read_map(source, "segment map", reference)
    values = np.unique(_integer_values(array, source.name))
    outside = [int(v) for v in values if v > 8]
    if outside:
        shown = ", ".join(str(v) for v in outside[:8])
        raise UserError(
            f"segment map {source.name} holds values {shown} outside 1-8; a Couinaud map numbers segments I-VIII as 1-8 "
            "(merge IVa/IVb into 4 first)"
        )
    return load_labels(source, reference, SEGMENT_MAPPING, SEGMENT_LABEL_TABLE)


def _integer_values(array: np.ndarray, name: str) -> np.ndarray:
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)) or not np.array_equal(array, np.round(array)):
            sample = array[np.isfinite(array) & (array != np.round(array))]
            shown = f"{float(sample.flat[0]):.3g}" if sample.size else "NaN"
            raise UserError(f"{name} is not a label map: it holds non-integer values (e.g. {shown}); threshold probability maps into labels first")
    if array.size and (array.min() < 0):
        raise UserError(f"{name} holds negative values; label values must be 0 (background) or positive")
    if array.size and array.max() > 65535:
        raise UserError(f"{name} holds label values above 65535; is it really a label map?")
    return array.astype(np.uint16 if array.size and array.max() > 255 else LABEL_DTYPE)


def read_dicom_seg(path: Path, table: LabelTable = DEFAULT_LABEL_TABLE) -> tuple[np.ndarray, Geometry, LabelMapping]:
    """A DICOM Segmentation as a segment-number array, its grid, and a mapping by segment name."""
    try:
        seg = hd.seg.segread(str(path))
    except Exception as error:  # highdicom/pydicom raise many kinds for a non-SEG file
        raise UserError(f"{path.name} is neither a NIfTI/NRRD/MHA label map nor a DICOM segmentation ({type(error).__name__})") from None
    try:
        volume = seg.get_volume(combine_segments=True, relabel=False, dtype=np.uint16)
    except (ValueError, RuntimeError) as error:
        raise UserError(f"{path.name}: its segments cannot form one label map ({error}); export non-overlapping segments") from None
    affine = np.asarray(volume.affine, dtype=float)
    axes = [affine[:3, k] for k in (2, 1, 0)]  # highdicom arrays are [slice, row, column]
    spacing = tuple(float(np.linalg.norm(a)) for a in axes)
    direction = np.column_stack([a / s for a, s in zip(axes, spacing)]).ravel()
    array = np.asarray(volume.array)
    geometry = Geometry(array.shape[::-1], spacing, tuple(affine[:3, 3]), tuple(direction))
    by_name: dict[int, str] = {}
    for segment in seg.SegmentSequence:
        key = key_for_segment_name(str(segment.SegmentLabel))
        if key is not None:
            by_name[int(segment.SegmentNumber)] = key
    names = ", ".join(str(s.SegmentLabel) for s in seg.SegmentSequence)
    return array, geometry, LabelMapping(f"DICOM-SEG segment names ({names})", "segments matched to labels by their names", by_name)


def fit_to_grid(array: np.ndarray, geometry: Geometry, reference: Geometry, name: str) -> tuple[np.ndarray, list[str]]:
    """``array`` on ``reference``'s grid: as is when the grids match, else resampled by patient coordinates."""
    if geometry.matches(reference):
        return np.ascontiguousarray(array, dtype=LABEL_DTYPE), []
    if not _boxes_overlap(geometry, reference):
        raise UserError(f"{name} does not overlap the image (no common patient coordinates); it belongs to another scan or its geometry is wrong")
    resampled = sitk.Resample(
        to_sitk(array, geometry), reference.size_xyz, sitk.Transform(), sitk.sitkNearestNeighbor,
        reference.origin_xyz_mm, reference.spacing_xyz_mm, reference.direction, 0, sitk.sitkUInt8,
    )
    fitted = sitk.GetArrayFromImage(resampled)
    labelled_before, labelled_after = int(np.count_nonzero(array)), int(np.count_nonzero(fitted))
    if labelled_before and not labelled_after:
        raise UserError(f"{name}: no labelled voxel falls inside the image; the labels belong to another scan")
    notices = [f"{name} was on another grid ({_describe(geometry)}) and was resampled onto the image grid ({_describe(reference)}) by patient coordinates, nearest neighbour"]
    kept = labelled_after * reference.voxel_volume_ml / max(labelled_before * geometry.voxel_volume_ml, 1e-12)
    if kept < 0.99:
        notices.append(f"about {100 * (1 - kept):.0f} % of the labelled volume lies outside the image and was dropped")
    return fitted, notices


def _boxes_overlap(a: Geometry, b: Geometry) -> bool:
    ca, cb = a.corners_patient_mm(), b.corners_patient_mm()
    return bool(np.all(ca.min(axis=0) < cb.max(axis=0)) and np.all(cb.min(axis=0) < ca.max(axis=0)))


def _describe(geometry: Geometry) -> str:
    size = "x".join(str(v) for v in geometry.size_xyz)
    spacing = "x".join(f"{v:.3g}" for v in geometry.spacing_xyz_mm)
    flips = [axis for axis, sign in zip("xyz", np.sign(np.diag(geometry.direction_matrix))) if sign < 0]
    return f"{size} at {spacing} mm" + (f", {'/'.join(flips)} flipped" if flips else "")


def check_label_suffix(path: str | os.PathLike) -> Path:
    """``path`` if labels can be saved under its name (NIfTI, NRRD or MHA suffix), else UserError."""
    target = Path(path)
    if not any(target.name.lower().endswith(s) for s in SAVE_SUFFIXES):
        raise UserError(f"cannot save labels as {target.name}; use one of {', '.join(SAVE_SUFFIXES)}")
    return target


def save_labels(labels: LabelMap, path: str | os.PathLike) -> Path:
    """Write ``labels`` as NIfTI, NRRD or MHA (chosen by suffix), atomically."""
    return write_image(labels.array, labels.geometry, check_label_suffix(path))
