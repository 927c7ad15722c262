"""All display surfaces of a case: liver envelope, each lesion, portal and hepatic veins."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from vtkmodules.vtkCommonDataModel import vtkPolyData

from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR, LabelMap
from cned_viewer.core import cancel
from cned_viewer.measure.results import Lesion
from cned_viewer.mesh.lesion_ids import LesionIdMap, lesion_id_map
from cned_viewer.mesh.surfaces import SurfaceOptions, display_steps, mask_box, max_pool, prepare_for_display, surface_of_labels

#: Structure key -> the label values it is made of (the liver: the organ envelope seen from outside).
STRUCTURE_VALUES: dict[str, tuple[int, ...]] = {
    "liver": (LIVER_PARENCHYMA, TUMOUR),
    "tumour": (TUMOUR,),
    "portal_vein": (PORTAL_VEIN,),
    "hepatic_veins": (HEPATIC_VEINS,),
}


class MeshingCancelled(cancel.OperationCancelled):
    """Raised between structures when the caller asked to stop."""


@dataclass
class CaseMeshes:
    """Surfaces by structure key; the tumour surface's cells carry the lesion id (``label_id``).

    ``labels`` is the label array the surfaces were made from (kept, not copied: give
    :func:`build_case_meshes` a copy when the caller goes on editing); ``rebuilt`` the keys meshed
    anew by the build that made them (the others were carried over from the previous model).
    """

    surfaces: dict[str, vtkPolyData] = field(default_factory=dict)
    lesion_ids: LesionIdMap | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    labels: np.ndarray | None = None
    rebuilt: tuple[str, ...] = ()


def changed_structures(before: np.ndarray, after: np.ndarray) -> set[str]:
    """The structure keys whose voxels differ between two label arrays of one grid.

    A structure changes when a voxel enters or leaves its label values: painting tumour inside the
    liver changes the tumour but not the liver envelope (parenchyma + tumour) nor the vessels.
    """
    if before.shape != after.shape:
        return set(STRUCTURE_VALUES)
    moved = before != after
    if not moved.any():
        return set()
    old, new = before[moved], after[moved]
    return {key for key, values in STRUCTURE_VALUES.items() if np.any(np.isin(old, values) != np.isin(new, values))}


def build_case_meshes(
    labels: LabelMap,
    lesions: Sequence[Lesion] = (),
    options: SurfaceOptions | None = None,
    connectivity: int = 26,
    cancelled: Callable[[], bool] = cancel.cancelled,
    previous: CaseMeshes | None = None,
) -> CaseMeshes:
    """Mesh every structure present in ``labels`` (pure VTK filters: safe in a worker thread).

    Liver and vessels are meshed at display resolution (block maximum to about 0.9 mm, so no
    structure is lost and sub-millimetre CT does not make millions of triangles). Lesions are meshed from the lesion-id map so that a picked cell names the lesion; tiny
    components (id 0) are still drawn, as a separate part of the tumour surface.

    With ``previous`` (the model on screen, built from ``previous.labels``), a structure whose
    voxels did not change keeps its surface; the tumour is always meshed again, since an edit
    anywhere can renumber the lesions its cells name.
    """
    result = CaseMeshes(labels=labels.array)
    array = labels.array
    unchanged: set[str] = set()
    if previous is not None and previous.labels is not None:
        unchanged = set(STRUCTURE_VALUES) - changed_structures(previous.labels, array) - {"tumour"}
    for key, values in STRUCTURE_VALUES.items():
        if cancelled():
            raise MeshingCancelled("meshing cancelled")
        if key in unchanged:
            if key in previous.surfaces:  # type: ignore[union-attr]
                result.surfaces[key] = previous.surfaces[key]  # type: ignore[union-attr]
            continue
        start = time.perf_counter()
        surface = _tumour_surface(array, lesions, labels, options, connectivity, result) if key == "tumour" \
            else _binary_surface(array, values, labels, options)
        if surface is not None:
            result.surfaces[key] = prepare_for_display(surface)
        result.timings_ms[key] = (time.perf_counter() - start) * 1e3
    result.rebuilt = tuple(key for key in STRUCTURE_VALUES if key not in unchanged)
    return result


def _binary_surface(array: np.ndarray, values: tuple[int, ...], labels: LabelMap, options: SurfaceOptions | None) -> vtkPolyData | None:
    box = mask_box(np.isin(array, values))
    if box is None:
        return None
    steps = display_steps(labels.geometry.spacing_zyx_mm)
    crop = max_pool(np.isin(array[box], values).astype(np.uint8), steps)
    return surface_of_labels(crop, (1,), labels.geometry, options, box=box, steps=steps)


def _tumour_surface(array: np.ndarray, lesions: Sequence[Lesion], labels: LabelMap, options: SurfaceOptions | None,
                    connectivity: int, result: CaseMeshes) -> vtkPolyData | None:
    id_map = lesion_id_map(array, lesions, connectivity)
    if id_map is None:
        return None
    result.lesion_ids = id_map
    # Tiny components (id 0 in the map) are meshed too, under the id -1.
    crop = np.where((id_map.ids == 0) & (array[id_map.box] == TUMOUR), -1, id_map.ids).astype(np.int32)
    values = tuple(int(v) for v in np.unique(crop) if v != 0)
    return surface_of_labels(crop, values, labels.geometry, options, box=id_map.box)
