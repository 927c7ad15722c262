"""Is an erased voxel inside the liver? The rule that decides what erasing a tumour leaves behind.

Erasing tumour inside the liver must give the voxels back to the liver parenchyma, not punch
background holes into the organ; erasing tumour outside the liver gives background. "Inside"
is decided per axial slice, like the liver envelope of the measurement
(:mod:`cned_viewer.measure.burden`, :mod:`cned_viewer.kernels.envelope`):

* the *wall* of a slice is every liver voxel not being erased now: parenchyma and vessels (any
  liver label other than the erased one), plus the rest of the erased label where its in-plane
  component (8-connected) touches such a voxel -- the remainder of a lesion that sits in the
  liver. A tumour lying on its own outside the liver (touching only background) is no wall;
* an erased voxel is *inside* when it lies in a hole of the wall: no 4-connected in-plane path
  of non-wall voxels links it to the slice border (``binary_fill_holes`` of the wall).

So erasing within a lesion inside the liver, or a whole lesion enclosed by parenchyma, restores
parenchyma; erasing a lesion's part that bulges out of the liver surface, or a false tumour
outside the liver, gives background.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR

#: The labels that make up the liver (the organ with its tumours and vessels).
LIVER_LABELS = frozenset({LIVER_PARENCHYMA, TUMOUR, PORTAL_VEIN, HEPATIC_VEINS})
_CROSS = ndimage.generate_binary_structure(2, 1)
_SQUARE = ndimage.generate_binary_structure(2, 2)


def inside_liver(
    labels: np.ndarray, box: tuple[slice, slice, slice], erased: np.ndarray, erased_label: int,
) -> np.ndarray:
    """``bool`` like ``erased``: which of the ``erased`` voxels (a mask over ``labels[box]``, still
    holding ``erased_label``) lie inside the liver by the rule of the module docstring."""
    lut = np.zeros(256, np.bool_)
    lut[list(LIVER_LABELS)] = True
    out = np.zeros(erased.shape, np.bool_)
    z0, y0, x0 = (s.start for s in box)
    for dz in np.flatnonzero(erased.any(axis=(1, 2))):
        plane = labels[z0 + dz]
        liver = lut[plane]
        ey, ex = erased.shape[1], erased.shape[2]
        ya, yb = _span(liver.any(axis=1), y0, y0 + ey)
        xa, xb = _span(liver.any(axis=0), x0, x0 + ex)
        cut = np.zeros((yb - ya, xb - xa), np.bool_)
        cut[y0 - ya:y0 - ya + ey, x0 - xa:x0 - xa + ex] = erased[dz]
        inside = _holes_of_wall(plane[ya:yb, xa:xb], liver[ya:yb, xa:xb], cut, erased_label)
        out[dz] = inside[y0 - ya:y0 - ya + ey, x0 - xa:x0 - xa + ex] & erased[dz]
    return out


def _span(occupied: np.ndarray, start: int, stop: int) -> tuple[int, int]:
    """The range covering ``occupied``'s True entries with one more on each side, and ``start:stop``."""
    hits = np.flatnonzero(occupied)
    if hits.size:
        start, stop = min(start, int(hits[0]) - 1), max(stop, int(hits[-1]) + 2)
    return max(start, 0), min(stop, occupied.size)


def _holes_of_wall(plane: np.ndarray, liver: np.ndarray, erased: np.ndarray, erased_label: int) -> np.ndarray:
    """``bool`` like ``plane``: the non-wall voxels enclosed by the wall (see the module docstring)."""
    same = plane == erased_label
    other = liver & ~same
    components, _ = ndimage.label(same, _SQUARE)
    touching = ndimage.binary_dilation(other, _CROSS) & same
    anchored = np.isin(components, np.unique(components[touching]))
    wall = other | (anchored & ~erased)
    padded = np.pad(~wall, 1, constant_values=True)
    gaps, _ = ndimage.label(padded, _CROSS)
    outside = gaps == gaps[0, 0]  # the padding frame is one component: the outside
    return (~outside)[1:-1, 1:-1] & ~wall
