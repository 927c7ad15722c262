"""Read TotalSegmentator output (a multi-label file or a folder of per-class masks) onto the image grid."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cned_totalseg_bridge.classes import AMBIGUOUS_VESSELS, LABEL_OF_CLASS, TASK_CLASSES, is_used, rank, segment_of_class
from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import DEFAULT_LABEL_TABLE, PORTAL_VEIN, SEGMENT_LABEL_TABLE, LabelMap
from cned_viewer.errors import UserError
from cned_viewer.io.images import read_sitk
from cned_viewer.io.masks import fit_to_grid
from cned_viewer.io.sitk_bridge import array_and_geometry
from cned_viewer.plugins import ImportedLabels

NIFTI = (".nii.gz", ".nii")


def class_name(path: Path) -> str:
    name = path.name
    for suffix in NIFTI:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def read_classes(path: Path, task: str = "total") -> dict[str, tuple[np.ndarray, Geometry]]:
    """Boolean mask and grid per known class: from a folder of masks or a multi-label file of ``task``."""
    if path.is_dir():
        files = {class_name(f): f for f in sorted(path.iterdir()) if f.name.endswith(NIFTI)}
        known = {n: f for n, f in files.items() if is_used(n)}
        if not known:
            raise UserError(f"{path} holds no TotalSegmentator mask the app uses (e.g. liver.nii.gz, liver_segment_1.nii.gz)")
        return {n: _mask(f, n) for n, f in known.items()}
    if task not in TASK_CLASSES:
        raise UserError(f"unknown TotalSegmentator task {task!r}; use one of {', '.join(TASK_CLASSES)}")
    array, geometry = array_and_geometry(read_sitk(path, "TotalSegmentator output"), path.name)
    return {name: (array == value, geometry) for value, name in TASK_CLASSES[task].items() if np.any(array == value)}


def _mask(path: Path, name: str) -> tuple[np.ndarray, Geometry]:
    array, geometry = array_and_geometry(read_sitk(path, f"mask {name}"), path.name)
    return array > 0, geometry


def to_app_maps(classes: dict[str, tuple[np.ndarray, Geometry]], reference: Geometry,
                vessels_label: int = PORTAL_VEIN) -> ImportedLabels:
    """Paint the classes (priority order) into the app's labels and the Couinaud map, on ``reference``."""
    labels = np.zeros(reference.shape_zyx, np.uint8)
    segments = np.zeros(reference.shape_zyx, np.uint8)
    notices: list[str] = []
    resampled = False
    for name in sorted(classes, key=rank):
        mask, geometry = classes[name]
        fitted, fit_notices = fit_to_grid(mask.astype(np.uint8), geometry, reference, f"TotalSegmentator {name}")
        resampled |= bool(fit_notices)
        inside = fitted > 0
        segment = segment_of_class(name)
        if segment is not None:
            segments[inside] = segment
        elif name == AMBIGUOUS_VESSELS and inside.any():
            labels[inside] = vessels_label
            notices.append(f"TotalSegmentator's liver_vessels does not separate portal from hepatic veins; imported as "
                           f"{DEFAULT_LABEL_TABLE.by_value(vessels_label).name.lower()}: review them")
        else:
            labels[inside] = LABEL_OF_CLASS[name]
    if resampled:
        notices.insert(0, "TotalSegmentator output was on another grid; resampled onto the image by patient coordinates (nearest neighbour)")
    return ImportedLabels(
        LabelMap(labels, reference, source="TotalSegmentator") if labels.any() else None,
        LabelMap(segments, reference, SEGMENT_LABEL_TABLE, source="TotalSegmentator") if segments.any() else None,
        tuple(notices),
    )


def import_output(path: Path, reference: Geometry, task: str = "total", vessels_label: int = PORTAL_VEIN) -> ImportedLabels:
    """TotalSegmentator output at ``path`` as the app's maps on ``reference``; UserError if nothing usable."""
    imported = to_app_maps(read_classes(Path(path), task), reference, vessels_label)
    if imported.labels is None and imported.segments is None:
        wanted = ", ".join(sorted(set(TASK_CLASSES.get(task, {}).values()))) if not Path(path).is_dir() else "its classes"
        raise UserError(f"{Path(path).name}: TotalSegmentator found nothing the app uses ({wanted} are empty)")
    return imported
