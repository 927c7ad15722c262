"""Pictures of a case without Qt or a display: the 3D model from camera presets and the
axial slice through the largest lesion (for the report, the screenshot command, thumbnails)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cned_viewer.core.case import Case
from cned_viewer.measure.results import Lesion
from cned_viewer.mesh.case_meshes import build_case_meshes
from cned_viewer.render.png import physical_aspect
from cned_viewer.render.slice_compositor import WINDOW_PRESETS, composite, extract_slice
from cned_viewer.render.snapshot import render_scene_offscreen


def largest_lesion_slice(case: Case, lesions: Sequence[Lesion]) -> int:
    """The axial index through the centre of the largest lesion (the middle slice if none)."""
    if not lesions:
        return case.image.array.shape[0] // 2
    return int(np.rint(case.image.geometry.patient_to_index(lesions[0].centroid_mm)[0]))


def axial_picture(case: Case, lesions: Sequence[Lesion], window: str = "abdomen", outline: bool = False, crop_to_labels: bool = False) -> tuple[np.ndarray, int]:
    """The axial slice through the largest lesion with the labels on top, square pixels; and its index."""
    index = largest_lesion_slice(case, lesions)
    labels = None if case.labels is None else case.labels.array
    plane = extract_slice("axial", index, case.image.array, labels, case.image.geometry)
    rgb = composite(plane, *WINDOW_PRESETS[window], None if case.labels is None else case.labels.table, outline=outline)
    if crop_to_labels and plane.labels is not None and plane.labels.any():
        rows, columns = np.nonzero(plane.labels)
        margin = 12
        rgb = rgb[max(rows.min() - margin, 0): rows.max() + margin, max(columns.min() - margin, 0): columns.max() + margin]
    return np.ascontiguousarray(physical_aspect(rgb, plane.pixel_width_mm, plane.pixel_height_mm)), index


def model_pictures(case: Case, lesions: Sequence[Lesion], cameras: Sequence[str], size: tuple[int, int], select_largest: bool = False,
                   connectivity: int = 26) -> list[np.ndarray]:
    """The 3D model (meshes built once, lesions as ``connectivity``-connected components) seen from each camera preset."""
    meshes = build_case_meshes(case.labels, lesions, connectivity=connectivity)
    selected = lesions[0].id if select_largest and lesions else None
    return [render_scene_offscreen(meshes, size=size, camera=camera, selected_lesion=selected) for camera in cameras]
