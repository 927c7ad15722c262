"""Tumour outside the liver: a tumour component that touches neither the parenchyma nor the liver envelope.

Such a component is not a liver metastasis (a peritoneal or nodal deposit, a mislabelled
structure): it is listed apart ("outside the liver", with its volume) and left out of the
lesion count, TTV and TLVR. An exophytic tumour that touches the liver still counts.

A component *touches the liver* when

* one of its voxels is a neighbour of a liver parenchyma voxel, neighbours in the sense of
  the lesion connectivity (6, 18 or 26), or
* one of its voxels lies in a hole of the liver on its axial slice: a region enclosed by
  parenchyma and vessel voxels (the per-slice envelope of :mod:`cned_viewer.measure.burden`),
  e.g. a tumour separated from the parenchyma by an unlabelled one-voxel rim.

Without any parenchyma in the map nothing can be judged: every component counts and the
TLVR is not computable (see :func:`cned_viewer.measure.burden.burden_from_counts`).
The rule is written out for people in ``docs/clinical-rules.md``.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN
from cned_viewer.kernels.boxes import Box
from cned_viewer.kernels.neighbours import runs_touch_value

_WALL = np.zeros(256, bool)
_WALL[[LIVER_PARENCHYMA, PORTAL_VEIN, HEPATIC_VEINS]] = True


def component_mask(z: np.ndarray, y: np.ndarray, x0: np.ndarray, x1: np.ndarray, box: Box) -> np.ndarray:
    """The component's voxels (runs ``z, y, [x0, x1)`` in absolute indices) as a mask over ``box``."""
    mask = np.zeros((box[1] - box[0], box[3] - box[2], box[5] - box[4]), bool)
    for zz, yy, a, b in zip(z - box[0], y - box[2], x0 - box[4], x1 - box[4]):
        mask[zz, yy, a:b] = True
    return mask


def in_liver_hole(labels: np.ndarray, mask: np.ndarray, box: Box, liver_box: Box) -> bool:
    """Whether a voxel of ``mask`` lies in a per-slice hole of the liver (parenchyma and vessel walls)."""
    z0, z1 = max(box[0], liver_box[0]), min(box[1], liver_box[1])
    y0, y1, x0, x1 = liver_box[2:]
    for z in range(z0, z1):
        wall = _WALL[labels[z, y0:y1, x0:x1]]
        holes = ndimage.binary_fill_holes(wall) & ~wall
        if not holes.any():
            continue
        region = np.zeros(wall.shape, bool)
        ys, ye = max(box[2], y0), min(box[3], y1)
        xs, xe = max(box[4], x0), min(box[5], x1)
        if ys >= ye or xs >= xe:
            return False
        region[ys - y0:ye - y0, xs - x0:xe - x0] = mask[z - box[0], ys - box[2]:ye - box[2], xs - box[4]:xe - box[4]]
        if (region & holes).any():
            return True
    return False


TOUCHES, ENCLOSED, OUTSIDE = "touches", "enclosed", "outside"


def where_is(labels: np.ndarray, runs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], box: Box,
             connectivity: int, liver_box: Box | None) -> str:
    """:data:`TOUCHES` (a parenchyma neighbour, or no liver to judge by), :data:`ENCLOSED` (in a per-slice
    hole of the liver) or :data:`OUTSIDE`, for one component (its runs ``z, y, x0, x1`` and box)."""
    if liver_box is None:
        return TOUCHES
    if runs_touch_value(labels, *runs, LIVER_PARENCHYMA, connectivity):
        return TOUCHES
    return ENCLOSED if in_liver_hole(labels, component_mask(*runs, box), box, liver_box) else OUTSIDE
