"""The liver a plan cuts, and the voxels a plan resects in it (never writing the diagnostic labels).

Volume convention (the TLVR liver of :mod:`cned_viewer.measure.burden`):

* **liver** = parenchyma + tumour inside the liver + the portal and hepatic vein voxels enclosed by
  the liver on their axial slice; its volume is ``total_liver_ml``. Tumour components outside the
  liver (:mod:`cned_viewer.measure.outside`) are not liver.
* **functional liver** = liver minus tumour (``total_liver_ml - ttv_ml``): parenchyma and the
  intrahepatic vessels, as CT volumetry counts them.
* **resected** = functional voxels the plan removes; **remnant** = the other functional voxels, so
  ``resected + remnant = functional``. Tumour is in neither volume.

Voxels are indexed ``[z, y, x]``; everything here works on the liver's bounding box (``box``,
stops exclusive), with absolute indices where a plane is evaluated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR, LabelMap
from cned_viewer.errors import UserError
from cned_viewer.kernels.boxes import Box, box_slices
from cned_viewer.measure.burden import ORGAN_VALUES, VESSEL_VALUES, scan_labels
from cned_viewer.measure.outside import component_mask
from cned_viewer.measure.tracking import Component
from cned_viewer.planning.plan import KEEP, RESECT, CutPlane, ResectionPlan

#: In-plane 4-connectivity only: holes are filled slice by slice, as the TLVR envelope is.
_SLICE_CROSS = np.zeros((3, 3, 3), bool)
_SLICE_CROSS[1] = ndimage.generate_binary_structure(2, 1)


@dataclass(frozen=True, eq=False)
class LiverRegion:
    """The liver (module doc) on its box: ``liver`` and ``functional`` masks, the segment map there (or None)."""

    geometry: Geometry
    box: Box
    liver: np.ndarray
    functional: np.ndarray
    segments: np.ndarray | None

    @property
    def origin(self) -> np.ndarray:
        """The box's first voxel ``(z, y, x)``: local index + origin = absolute index."""
        return np.array(self.box[0::2], np.int64)

    def grids(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Absolute ``z, y, x`` index grids of the box, broadcastable to its shape."""
        z0, z1, y0, y1, x0, x1 = self.box
        return np.arange(z0, z1)[:, None, None], np.arange(y0, y1)[None, :, None], np.arange(x0, x1)[None, None, :]


def liver_region(labels: LabelMap, segments: LabelMap | None = None, outside: Sequence[Component] = ()) -> LiverRegion:
    """The :class:`LiverRegion` of ``labels``; ``outside``: the tumour components outside the liver."""
    box = scan_labels(labels.array).box_of(*ORGAN_VALUES) or (0, 0, 0, 0, 0, 0)
    crop = labels.array[box_slices(box)]
    organ = np.isin(crop, ORGAN_VALUES)
    holes = ndimage.binary_fill_holes(organ, _SLICE_CROSS) & ~organ if organ.size else organ
    functional = (crop == LIVER_PARENCHYMA) | (holes & np.isin(crop, VESSEL_VALUES))
    tumour = crop == TUMOUR
    for comp in outside:
        local = (comp.box[0] - box[0], comp.box[1] - box[0], comp.box[2] - box[2], comp.box[3] - box[2],
                 comp.box[4] - box[4], comp.box[5] - box[4])
        tumour[box_slices(local)] &= ~component_mask(comp.z, comp.y, comp.x0, comp.x1, comp.box)
    segment_crop = None if segments is None else np.ascontiguousarray(segments.array[box_slices(box)])
    return LiverRegion(labels.geometry, box, functional | tumour, functional, segment_crop)


def segment_at(segments: np.ndarray, index_zyx: Sequence[float]) -> int | None:
    """The Couinaud segment (1-8) at a continuous voxel index, or the most common one among its 26 neighbours
    (a point picked on a surface lies between voxels); None outside the map."""
    centre = np.rint(np.asarray(index_zyx, float)).astype(int)
    low, high = np.maximum(centre - 1, 0), np.minimum(centre + 2, segments.shape)
    if np.any(low >= high):
        return None
    values = segments[low[0]:high[0], low[1]:high[1], low[2]:high[2]].ravel()
    inside = (0 <= centre).all() and (centre < segments.shape).all()
    middle = int(segments[tuple(centre)]) if inside else 0
    if 1 <= middle <= 8:
        return middle
    counts = np.bincount(values[(values >= 1) & (values <= 8)], minlength=9)
    return int(np.argmax(counts)) if counts.any() else None


def axis_steps_mm(geometry: Geometry, normal_xyz: tuple[float, float, float]) -> tuple[float, float, float, float]:
    """``(o, a_z, a_y, a_x)``: a voxel centre's projection on ``normal`` is ``o + a_x x + a_y y + a_z z``."""
    along = geometry.direction_matrix.T @ np.asarray(normal_xyz) * np.asarray(geometry.spacing_xyz_mm)
    origin = float(np.dot(np.asarray(geometry.origin_xyz_mm), np.asarray(normal_xyz)))
    return origin, float(along[2]), float(along[1]), float(along[0])


def projection_mm(geometry: Geometry, normal_xyz: tuple[float, float, float], z: np.ndarray, y: np.ndarray,
                  x: np.ndarray) -> np.ndarray:
    """Voxel centres ``(z, y, x)`` (arrays, broadcastable) projected on ``normal`` (mm).

    The one formula both the general path and the plane sweep use, so both agree to the bit.
    """
    o, a_z, a_y, a_x = axis_steps_mm(geometry, normal_xyz)
    return ((o + a_x * x) + a_y * y) + a_z * z


def half_extent_mm(geometry: Geometry, normal_xyz: tuple[float, float, float]) -> float:
    """Half the extent of one voxel (a box) along ``normal``: how far its surface reaches past its centre."""
    _, a_z, a_y, a_x = axis_steps_mm(geometry, normal_xyz)
    return 0.5 * (abs(a_z) + abs(a_y) + abs(a_x))


def removed_by_plane(plane: CutPlane, geometry: Geometry, z: np.ndarray, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Whether each voxel centre lies strictly on the removed side of ``plane``."""
    return projection_mm(geometry, plane.normal_xyz, z, y, x) > plane.offset_mm


def resected_by_rule(plan: ResectionPlan, geometry: Geometry, zyx: tuple[np.ndarray, np.ndarray, np.ndarray],
                     segment_values: np.ndarray | None, override_values: np.ndarray | None) -> np.ndarray:
    """The plan's rule (see :mod:`cned_viewer.planning.plan`) at the voxels ``zyx`` (absolute, broadcastable),
    given their segment and override values there."""
    shape = np.broadcast_shapes(*(np.shape(a) for a in zyx))
    out = np.zeros(shape, bool)
    if plan.segments:
        if segment_values is None:
            raise UserError(f"plan {plan.name!r} resects segments {', '.join(map(str, sorted(plan.segments)))} but the "
                            "case has no Couinaud segment map; open one (--segments) or cut with planes")
        out |= np.isin(segment_values, sorted(plan.segments))
    for plane in plan.planes:
        out |= removed_by_plane(plane, geometry, *zyx)
    if override_values is not None:
        out |= override_values == RESECT
        out &= override_values != KEEP
    return out


def check_overrides(plan: ResectionPlan, geometry: Geometry) -> None:
    if plan.overrides is not None and plan.overrides.shape != geometry.shape_zyx:
        raise UserError(f"plan {plan.name!r}: overrides of shape {plan.overrides.shape} do not lie on the image grid "
                        f"{geometry.shape_zyx}")


def resected_mask(plan: ResectionPlan, region: LiverRegion) -> np.ndarray:
    """The liver voxels (tumour included) ``plan`` resects, as a mask on ``region.box``."""
    check_overrides(plan, region.geometry)
    overrides = None if plan.overrides is None else plan.overrides[box_slices(region.box)]
    return resected_by_rule(plan, region.geometry, region.grids(), region.segments, overrides) & region.liver
