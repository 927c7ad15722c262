"""Region tools: delete or relabel a clicked lesion, fill holes, remove small islands.

Each tool writes into the label array in place and returns the record of exactly the changed box
(None when nothing changed), like a brush dab.
"""

from __future__ import annotations

import numpy as np
import scipy.ndimage as ndi

from cned_viewer.core.labels import BACKGROUND, LIVER_PARENCHYMA, TUMOUR
from cned_viewer.core.provenance import EditRecord, EditTarget
from cned_viewer.editing.brush import Plane
from cned_viewer.editing.records import changed_record
from cned_viewer.editing.regions import component_at, fill_runs, holes, runs_box, small_components, value_runs
from cned_viewer.editing.rules import in_values
from cned_viewer.kernels.boxes import Box, box_slices, grow_box
from cned_viewer.kernels.runs import Runs

def delete_lesion(
    labels: np.ndarray,
    seed_zyx: tuple[int, int, int],
    replacement: int | None = None,
    connectivity: int = 26,
    value: int = TUMOUR,
    spacing_zyx_mm: tuple[float, float, float] = (1.0, 1.0, 1.0),
    target: EditTarget = "labels",
) -> EditRecord | None:
    """Remove the connected component of ``value`` (tumour) at ``seed``; None if the seed holds another value.

    With ``replacement=None`` each deleted voxel takes the side of the nearest voxel outside the
    lesion (Euclidean, in mm): liver parenchyma when that voxel is in the liver (any label but
    background), else background. A lesion inside the liver becomes parenchyma; a lesion bulging
    out of the liver is split where the liver surface and the outside meet. Pass a value to
    write it everywhere instead.
    """
    if labels[tuple(seed_zyx)] != value:
        return None
    lesion = component_at(labels, seed_zyx, connectivity)
    box = runs_box(lesion)
    before = labels[box_slices(box)].copy()
    if replacement is not None:
        fill_runs(labels, lesion, replacement)
    else:
        _fill_from_nearest_outside(labels, box, lesion, spacing_zyx_mm)
    return changed_record(target, box[::2], before, labels[box_slices(box)])  # type: ignore[arg-type]


def _fill_from_nearest_outside(labels: np.ndarray, lesion_box: Box, lesion: Runs, spacing_zyx_mm: tuple[float, float, float]) -> None:
    """Give each lesion voxel parenchyma or background after the nearest voxel outside the lesion."""
    region = grow_box(lesion_box, (1, 1, 1), labels.shape)
    sub = labels[box_slices(region)]
    inside = np.zeros(sub.shape, np.uint8)
    fill_runs(inside, lesion, 1, region[::2])  # type: ignore[arg-type]
    if inside.all():  # the lesion is the whole array: nothing outside to go by
        sub[:] = BACKGROUND
        return
    nearest = ndi.distance_transform_edt(inside, sampling=spacing_zyx_mm, return_distances=False, return_indices=True)
    outside_value = sub[tuple(nearest)]
    deleted = inside.astype(bool)
    sub[deleted] = np.where(outside_value[deleted] != BACKGROUND, LIVER_PARENCHYMA, BACKGROUND)


def relabel_component(
    labels: np.ndarray,
    seed_zyx: tuple[int, int, int],
    new_value: int,
    connectivity: int = 26,
    target: EditTarget = "labels",
) -> EditRecord | None:
    """Give the connected component of the value at ``seed`` the value ``new_value`` (e.g. tumour -> parenchyma)."""
    component = component_at(labels, seed_zyx, connectivity)
    if component is None or labels[tuple(seed_zyx)] == new_value:
        return None
    box = runs_box(component)
    before = labels[box_slices(box)].copy()
    fill_runs(labels, component, new_value)
    return changed_record(target, box[::2], before, labels[box_slices(box)])  # type: ignore[arg-type]


def fill_holes(
    labels: np.ndarray,
    value: int,
    plane: Plane | None = None,
    replaceable: frozenset[int] = frozenset({BACKGROUND}),
    target: EditTarget = "labels",
) -> EditRecord | None:
    """Give the holes of ``value`` that value, in 3D (``plane=None``) or slice by slice in ``plane``.

    Only voxels whose label is in ``replaceable`` (background by default) are filled, so a tumour
    that is a "hole" of the parenchyma stays tumour.
    """
    box = runs_box(value_runs(labels, value))
    if box is None:
        return None
    sub = labels[box_slices(box)]
    before = sub.copy()
    sub[holes(sub == value, plane) & in_values(sub, frozenset(replaceable))] = value
    return changed_record(target, box[::2], before, sub)  # type: ignore[arg-type]


def remove_islands(
    labels: np.ndarray,
    value: int,
    min_ml: float,
    voxel_volume_ml: float,
    replace_with: int = BACKGROUND,
    connectivity: int = 26,
    target: EditTarget = "labels",
) -> EditRecord | None:
    """Replace the components of ``value`` smaller than ``min_ml`` by ``replace_with``."""
    max_voxels = int(np.ceil(min_ml / voxel_volume_ml - 1e-9)) - 1  # islands hold fewer voxels than min_ml
    if max_voxels < 1:
        return None
    islands = small_components(labels, value, max_voxels, connectivity)
    box = runs_box(islands)
    if box is None:
        return None
    before = labels[box_slices(box)].copy()
    fill_runs(labels, islands, replace_with)
    return changed_record(target, box[::2], before, labels[box_slices(box)])  # type: ignore[arg-type]
