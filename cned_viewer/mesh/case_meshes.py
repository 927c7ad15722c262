"""All display surfaces of a case: liver envelope, each lesion, portal and hepatic veins."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from vtkmodules.vtkCommonDataModel import vtkPolyData

from cned_viewer.core import cancel
from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR, LabelMap
from cned_viewer.kernels.boxes import Box
from cned_viewer.kernels.diff import label_diff
from cned_viewer.kernels.histogram import label_histogram
from cned_viewer.measure.results import Lesion
from cned_viewer.mesh.lesion_ids import LesionIdMap, lesion_id_map
from cned_viewer.mesh.surfaces import SurfaceOptions, display_surface, prepare_for_display
from cned_viewer.mesh.tumour_parts import TumourModel, build_tumour

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
    :func:`build_case_meshes` a copy when the caller goes on editing); ``rebuilt`` the keys whose
    surface is a new object (the others are the previous model's, unchanged); ``tumour`` the
    per-lesion parts of the tumour surface (see :mod:`cned_viewer.mesh.tumour_parts`).
    """

    surfaces: dict[str, vtkPolyData] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
    labels: np.ndarray | None = None
    rebuilt: tuple[str, ...] = ()
    lesions: tuple[Lesion, ...] = ()
    connectivity: int = 26
    tumour: TumourModel | None = None
    _ids: list = field(default_factory=list, repr=False)

    @property
    def lesion_ids(self) -> LesionIdMap | None:
        """The lesion id of every tumour voxel (made on first use: the 3D update does not need it)."""
        if not self._ids:
            self._ids.append(None if self.labels is None else lesion_id_map(self.labels, self.lesions, self.connectivity))
        return self._ids[0]


def _structure_changes(previous: np.ndarray, array: np.ndarray, within: Box | None = None) -> tuple[Box | None, set[str]]:
    """The box of the changed voxels and the structures they changed (see :func:`changed_structures`);
    ``within``: a box known to hold every changed voxel (only it is compared)."""
    if previous.shape != array.shape:
        return (0, array.shape[0], 0, array.shape[1], 0, array.shape[2]), set(STRUCTURE_VALUES)
    if within is not None:
        region = tuple(slice(within[2 * a], within[2 * a + 1]) for a in range(3))
        local, pairs = label_diff(previous[region], array[region])
        box = None if local is None else tuple(int(v) + within[2 * (i // 2)] for i, v in enumerate(local))
    else:
        box, pairs = label_diff(previous, array)
    old, new = np.nonzero(pairs)
    changed = {key for key, values in STRUCTURE_VALUES.items() if np.any(np.isin(old, values) != np.isin(new, values))}
    return box, changed


def changed_structures(before: np.ndarray, after: np.ndarray) -> set[str]:
    """The structure keys whose voxels differ between two label arrays of one grid.

    A structure changes when a voxel enters or leaves its label values: painting tumour inside the
    liver changes the tumour but not the liver envelope (parenchyma + tumour) nor the vessels.
    """
    if before.shape != after.shape:
        return set(STRUCTURE_VALUES)
    return _structure_changes(before.reshape(1, 1, -1), after.reshape(1, 1, -1))[1]


def build_case_meshes(
    labels: LabelMap,
    lesions: Sequence[Lesion] = (),
    options: SurfaceOptions | None = None,
    connectivity: int = 26,
    cancelled: Callable[[], bool] = cancel.cancelled,
    previous: CaseMeshes | None = None,
    within: Box | None = None,
) -> CaseMeshes:
    """Mesh every structure present in ``labels`` (pure VTK filters: safe in a worker thread).

    Liver and vessels are meshed at display resolution (block maximum to about 0.9 mm, so no
    structure is lost and sub-millimetre CT does not make millions of triangles). The tumour is
    meshed per component at full resolution, each part's cells naming its lesion (tiny components:
    -1), see :mod:`cned_viewer.mesh.tumour_parts`.

    With ``previous`` (the model on screen, built from ``previous.labels``), a structure whose
    voxels did not change keeps its surface, and of the tumour only the components within one
    voxel of the changed voxels are meshed again (renumbered lesions only get their ids swapped).
    ``within`` (the union of the edits' boxes since ``previous``) spares comparing the whole scan.
    """
    array = labels.array
    result = CaseMeshes(labels=array, lesions=tuple(lesions), connectivity=connectivity)
    usable = previous is not None and previous.labels is not None and previous.labels.shape == array.shape
    dirty, changed = _structure_changes(previous.labels, array, within) if usable else (None, set(STRUCTURE_VALUES))
    for key, values in STRUCTURE_VALUES.items():
        if cancelled():
            raise MeshingCancelled("meshing cancelled")
        start = time.perf_counter()
        if key == "tumour":
            result.tumour = _tumour_model(array, labels, lesions, options, connectivity, previous if usable else None, dirty, changed)
            surface = result.tumour.surface
            if surface is not None:
                result.surfaces[key] = surface
        elif key not in changed:
            if key in previous.surfaces:  # type: ignore[union-attr]
                result.surfaces[key] = previous.surfaces[key]  # type: ignore[union-attr]
            continue
        else:
            surface = _binary_surface(array, values, labels, options)
            if surface is not None:
                result.surfaces[key] = prepare_for_display(surface)
        result.timings_ms[key] = (time.perf_counter() - start) * 1e3
    old = previous.surfaces if usable else {}  # type: ignore[union-attr]
    result.rebuilt = tuple(key for key in STRUCTURE_VALUES if key in result.surfaces and result.surfaces[key] is not old.get(key)
                           or key not in result.surfaces and key in old)
    return result


def _tumour_model(array: np.ndarray, labels: LabelMap, lesions: Sequence[Lesion], options: SurfaceOptions | None, connectivity: int,
                  previous: CaseMeshes | None, dirty: Box | None, changed: set[str]) -> TumourModel:
    geometry = labels.geometry
    if previous is not None and previous.tumour is not None:
        return build_tumour(array, lesions, geometry, connectivity, options, previous.tumour, dirty if "tumour" in changed else None)
    counts, boxes = label_histogram(array)
    box = tuple(int(v) for v in boxes[TUMOUR]) if counts[TUMOUR] else None
    return build_tumour(array, lesions, geometry, connectivity, options, tumour_box=box)


def _binary_surface(array: np.ndarray, values: tuple[int, ...], labels: LabelMap, options: SurfaceOptions | None) -> vtkPolyData | None:
    return display_surface(np.isin(array, values), labels.geometry, options)
