"""The tumour surface meshed per component, so that a stroke re-meshes only the lesions it touched.

Each tumour component (the lesion connectivity) is meshed on its own box, padded by one voxel,
from a mask of its voxels alone; its cells carry the lesion id (matched by bounding box, as in
:mod:`cned_viewer.mesh.lesion_ids`; -1 for tiny or unmatched components). The tumour surface is
the union of the parts. With 26-connectivity no two components share a SurfaceNets cube (two
voxels of one 2 x 2 x 2 cube are neighbours), so each part equals that component's piece of a
mesh of the whole tumour, smoothing and normals included (point coordinates to rounding).

After an edit the components are followed with :class:`~cned_viewer.measure.tracking.ComponentTracker`
on the box of the changed voxels: a component with no voxel within one voxel of that box is
unchanged and keeps its part; a renumbered one gets its ids swapped without meshing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkFiltersCore import vtkAppendPolyData

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import TUMOUR
from cned_viewer.kernels.boxes import Box, box_slices, grow_box
from cned_viewer.kernels.components import paint_runs
from cned_viewer.kernels.runs import extract_runs
from cned_viewer.measure.results import Lesion
from cned_viewer.measure.tracking import Component, ComponentTracker
from cned_viewer.mesh.surfaces import LABEL_ARRAY, SurfaceOptions, prepare_for_display, surface_of_labels


@dataclass(frozen=True)
class TumourPart:
    """One component's display surface (normals added), its cells naming ``lesion_id``."""

    component: Component
    lesion_id: int
    surface: vtkPolyData


@dataclass(frozen=True)
class TumourModel:
    """The parts of one tumour surface, and the connectivity they were found with."""

    parts: tuple[TumourPart, ...]
    connectivity: int
    surface: vtkPolyData | None


def _lesion_id(comp: Component, by_box: dict[tuple[int, ...], int]) -> int:
    z0, z1, y0, y1, x0, x1 = comp.box
    return by_box.get((z0, y0, x0, z1 - 1, y1 - 1, x1 - 1), -1)


def _with_id(surface: vtkPolyData, lesion_id: int) -> vtkPolyData:
    """A shallow copy of ``surface`` whose cells all name ``lesion_id``."""
    out = vtkPolyData()
    out.ShallowCopy(surface)
    ids = numpy_to_vtk(np.full(out.GetNumberOfCells(), lesion_id, np.int32), deep=True)
    ids.SetName(LABEL_ARRAY)
    out.GetCellData().AddArray(ids)
    return out


def _mesh_part(comp: Component, lesion_id: int, shape: tuple[int, int, int], geometry: Geometry,
               options: SurfaceOptions | None) -> TumourPart | None:
    box = grow_box(comp.box, (1, 1, 1), shape)
    mask = np.zeros((box[1] - box[0], box[3] - box[2], box[5] - box[4]), np.uint8)
    paint_runs(mask, comp.runs(), np.ones(len(comp.x0), np.uint8), (box[0], box[2], box[4]))
    surface = surface_of_labels(mask, (1,), geometry, options, box=box_slices(box))
    if surface is None:
        return None
    return TumourPart(comp, lesion_id, _with_id(prepare_for_display(surface), lesion_id))


def _union(parts: Sequence[TumourPart]) -> vtkPolyData | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0].surface
    append = vtkAppendPolyData()
    for part in parts:
        append.AddInputData(part.surface)
    append.Update()
    out = vtkPolyData()
    out.ShallowCopy(append.GetOutput())
    return out


def build_tumour(labels: np.ndarray, lesions: Sequence[Lesion], geometry: Geometry, connectivity: int,
                 options: SurfaceOptions | None = None, previous: TumourModel | None = None,
                 changed: Box | None = None, tumour_box: Box | None = None) -> TumourModel:
    """The tumour model of ``labels``; with ``previous`` (made from the labels before an edit whose changed
    voxels lie in ``changed``, None: none changed) only the components the edit reached are meshed again.
    ``tumour_box``: the box of the tumour voxels, for a build from scratch (None: no tumour)."""
    shape = labels.shape
    tracker = ComponentTracker(connectivity, shape, lambda box: extract_runs(labels, box, TUMOUR))
    reuse = previous is not None and previous.connectivity == connectivity
    if reuse:
        tracker.components = [part.component for part in previous.parts]
        if changed is not None:
            tracker.update(changed)
    else:
        tracker.rebuild(tumour_box)
    kept = {id(part.component): part for part in previous.parts} if reuse else {}
    by_box = {tuple(lesion.bbox): lesion.id for lesion in lesions}
    parts: list[TumourPart] = []
    for comp in sorted(tracker.components, key=lambda c: c.first_raster):
        lesion_id = _lesion_id(comp, by_box)
        part = kept.get(id(comp))
        if part is None:
            part = _mesh_part(comp, lesion_id, shape, geometry, options)
        elif part.lesion_id != lesion_id:
            part = TumourPart(comp, lesion_id, _with_id(part.surface, lesion_id))
        if part is not None:
            parts.append(part)
    if reuse and [id(p) for p in parts] == [id(p) for p in previous.parts]:
        return previous
    return TumourModel(tuple(parts), connectivity, _union(parts))
