"""Label map -> display surfaces with VTK SurfaceNets3D (filters only, no rendering).

Each structure is meshed on its own bounding box (cropped first, padded by one voxel so the
surface closes), smoothed for display, and placed in patient coordinates (x, y, z mm, LPS).
Surfaces are for looking at: every volume the app reports comes from voxels, never from these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkCommonCore import vtkSMPTools
from vtkmodules.vtkCommonDataModel import vtkImageData, vtkPolyData
from vtkmodules.vtkFiltersCore import vtkPolyDataNormals, vtkSurfaceNets3D

from cned_viewer.core.geometry import Geometry

#: Cell-data array naming the label (e.g. the lesion id) inside each surface cell.
LABEL_ARRAY = "label_id"

_SMP_READY = False


def enable_smp_threads() -> None:
    """Let VTK's SMP filters (SurfaceNets3D among them) use all cores (std::thread backend)."""
    global _SMP_READY
    if not _SMP_READY:
        vtkSMPTools.SetBackend("STDThread")
        _SMP_READY = True


@dataclass(frozen=True)
class SurfaceOptions:
    """Display smoothing: iterations of SurfaceNets' constrained smoothing (0 = blocky voxels)."""

    smoothing_iterations: int = 16
    relaxation_factor: float = 0.5


def mask_box(mask: np.ndarray, pad: int = 1) -> tuple[slice, slice, slice] | None:
    """The bounding box of ``mask`` grown by ``pad`` voxels (clipped), or None if empty."""
    axes = []
    for axis in range(3):
        other = tuple(a for a in range(3) if a != axis)
        hit = np.flatnonzero(mask.any(axis=other))
        if hit.size == 0:
            return None
        axes.append(slice(max(int(hit[0]) - pad, 0), min(int(hit[-1]) + pad + 1, mask.shape[axis])))
    return tuple(axes)  # type: ignore[return-value]


def surface_of_labels(
    labels: np.ndarray,
    values: tuple[int, ...],
    geometry: Geometry,
    options: SurfaceOptions | None = None,
    box: tuple[slice, slice, slice] | None = None,
    steps: tuple[int, int, int] = (1, 1, 1),
) -> vtkPolyData | None:
    """The smoothed surface of the voxels whose value is in ``values``, in patient mm.

    ``labels`` is the full ``[z, y, x]`` array (or a crop of it, when ``box`` says where the
    crop's corner sits in the full grid). Each cell carries :data:`LABEL_ARRAY`, the value on
    the inside of that face, so one surface of many labels (e.g. lesion ids) can be picked.
    ``steps`` says that ``labels`` was pooled by these strides (see :func:`max_pool`): voxel ``i``
    of the crop covers full-grid voxels ``i * step`` to ``i * step + step - 1``.
    Returns None when no voxel has any of ``values``.
    """
    enable_smp_threads()
    options = options or SurfaceOptions()
    if box is None:
        box = mask_box(np.isin(labels, values))
        if box is None:
            return None
        crop = labels[box]
    else:
        crop = labels
    offset_zyx = np.array([s.start or 0 for s in box], dtype=float)
    image = _image_data(np.ascontiguousarray(crop))
    nets = vtkSurfaceNets3D()
    nets.SetInputData(image)
    for i, value in enumerate(values):
        nets.SetLabel(i, float(value))
    nets.SetBackgroundLabel(0)
    nets.SetOutputMeshTypeToTriangles()
    nets.SetSmoothing(options.smoothing_iterations > 0)
    nets.SetNumberOfIterations(options.smoothing_iterations)
    nets.SetRelaxationFactor(options.relaxation_factor)
    nets.Update()
    surface = vtkPolyData()
    surface.ShallowCopy(nets.GetOutput())
    if surface.GetNumberOfCells() == 0:
        return None
    _to_patient(surface, offset_zyx, np.asarray(steps, dtype=float), geometry)
    _name_inside_label(surface, set(values))
    return surface


def _image_data(array_zyx: np.ndarray) -> vtkImageData:
    """An index-space image (spacing 1, origin 0) whose x varies fastest, as VTK expects."""
    image = vtkImageData()
    z, y, x = array_zyx.shape
    image.SetDimensions(x, y, z)
    scalars = numpy_to_vtk(array_zyx.ravel(order="C"), deep=True)
    scalars.SetName("labels")
    image.GetPointData().SetScalars(scalars)
    return image


def _to_patient(surface: vtkPolyData, offset_zyx: np.ndarray, steps_zyx: np.ndarray, geometry: Geometry) -> None:
    """Move index-space points (x, y, z of the crop) to patient mm (strides, spacing, direction, origin)."""
    points = vtk_to_numpy(surface.GetPoints().GetData()).astype(float)
    index_zyx = offset_zyx + points[:, ::-1] * steps_zyx + (steps_zyx - 1) / 2.0
    patient = geometry.index_to_patient_mm(index_zyx)
    surface.GetPoints().SetData(numpy_to_vtk(np.ascontiguousarray(patient), deep=True))


def _name_inside_label(surface: vtkPolyData, wanted: set[int]) -> None:
    """Add :data:`LABEL_ARRAY`: of each face's two sides, the one that is a wanted label."""
    pairs = surface.GetCellData().GetArray("BoundaryLabels")
    if pairs is None:
        return
    sides = vtk_to_numpy(pairs).reshape(-1, 2).astype(np.int64)
    inside = np.where(np.isin(sides[:, 0], list(wanted)), sides[:, 0], sides[:, 1]).astype(np.int32)
    array = numpy_to_vtk(inside, deep=True)
    array.SetName(LABEL_ARRAY)
    surface.GetCellData().AddArray(array)


def prepare_for_display(surface: vtkPolyData) -> vtkPolyData:
    """Add point normals in the worker, so the GUI thread only uploads the surface."""
    normals = vtkPolyDataNormals()
    normals.SetInputData(surface)
    normals.ComputePointNormalsOn()
    normals.ComputeCellNormalsOff()
    normals.SplittingOff()
    normals.ConsistencyOff()
    normals.AutoOrientNormalsOff()
    normals.Update()
    out = vtkPolyData()
    out.ShallowCopy(normals.GetOutput())
    return out


def display_steps(spacing_zyx_mm: tuple[float, float, float], finest_mm: float = 0.9) -> tuple[int, int, int]:
    """Voxel strides that bring each axis to at least ``finest_mm`` (display resolution)."""
    return tuple(max(1, int(round(finest_mm / s))) if s < finest_mm else 1 for s in spacing_zyx_mm)  # type: ignore[return-value]


def max_pool(mask: np.ndarray, steps: tuple[int, int, int]) -> np.ndarray:
    """Block maximum of ``mask`` over ``steps`` (pads with 0): a coarser grid that loses no structure."""
    if steps == (1, 1, 1):
        return mask
    padded_shape = tuple(-(-n // k) * k for n, k in zip(mask.shape, steps))
    padded = np.zeros(padded_shape, mask.dtype)
    padded[tuple(slice(0, n) for n in mask.shape)] = mask
    z, y, x = (n // k for n, k in zip(padded_shape, steps))
    return padded.reshape(z, steps[0], y, steps[1], x, steps[2]).max(axis=(1, 3, 5))


def display_surface(mask: np.ndarray, geometry: Geometry, options: SurfaceOptions | None = None,
                    offset_zyx: tuple[int, int, int] = (0, 0, 0), full_resolution: bool = False) -> vtkPolyData | None:
    """The smoothed surface of a boolean ``mask`` whose first voxel sits at ``offset_zyx`` of the image grid, in patient
    mm; at display resolution (:func:`display_steps`, :func:`max_pool`) unless ``full_resolution``. None if empty."""
    box = mask_box(mask)
    if box is None:
        return None
    steps = (1, 1, 1) if full_resolution else display_steps(geometry.spacing_zyx_mm)
    crop = max_pool(mask[box].astype(np.uint8), steps)
    placed = tuple(slice(s.start + o, s.stop + o) for s, o in zip(box, offset_zyx))
    return surface_of_labels(crop, (1,), geometry, options, box=placed, steps=steps)  # type: ignore[arg-type]
