"""Phantoms with analytic answers for the resection planner.

**Octants** (``octant_case``): a box of liver parenchyma split into eight Couinaud "segments" by
three axis-aligned cuts (segment = 1 + [z >= 7] + 2 [y >= 11] + 4 [x >= 9]), with three 36-voxel
tumour boxes (lesion 1 in segment 1, lesion 2 across segments 5 and 6, lesion 3 in segment 8), a
vessel enclosed by the liver (functional liver), a vessel reaching out of it (not liver) and a
tumour block outside the liver. :data:`FUNCTIONAL_BY_SEGMENT` holds each segment's functional
voxel count by hand.

**Sphere** (``sphere_case``): a liver box holding one ball lesion of radius :data:`SPHERE_RADIUS_MM`.
"""

from __future__ import annotations

import numpy as np

from cned_viewer.core import Case, Geometry, LabelMap, Volume
from cned_viewer.core.labels import SEGMENT_LABEL_TABLE

OCTANT_SHAPE = (16, 20, 24)
OCTANT_SPACING_XYZ = (1.0, 1.5, 2.0)
OCTANT_ORIGIN_XYZ = (-10.0, 5.0, 20.0)
LIVER = (slice(2, 14), slice(2, 18), slice(2, 22))
SPLIT_ZYX = (7, 11, 9)
LESION_BOXES = {  # id (raster order of the equal-volume lesions) -> box
    1: (slice(3, 6), slice(4, 8), slice(4, 7)),
    2: (slice(5, 9), slice(4, 7), slice(15, 18)),
    3: (slice(9, 12), slice(13, 16), slice(14, 18)),
}
ENCLOSED_VESSEL = (10, 5, slice(3, 9))  # portal vein, segment 2: liver
OPEN_VESSEL = (4, slice(16, 20), 20)  # hepatic vein out of the liver: y 16-17 inside its box (segment 7), not liver

# Octant sizes: z 2-7 / 7-14 -> 5, 7; y 2-11 / 11-18 -> 9, 7; x 2-9 / 9-22 -> 7, 13.
_SIZES = {1 + zi + 2 * yi + 4 * xi: z * y * x for zi, z in enumerate((5, 7)) for yi, y in enumerate((9, 7)) for xi, x in enumerate((7, 13))}
#: Functional voxels per segment: the octant, minus its tumour (lesion 1: 36 in 1; lesion 2: 18 in 5 and 18 in 6;
#: lesion 3: 36 in 8), minus the open vessel's 2 voxels in 7 (the enclosed vessel stays functional).
FUNCTIONAL_BY_SEGMENT = {s: n - {1: 36, 5: 18, 6: 18, 8: 36, 7: 2}.get(s, 0) for s, n in _SIZES.items()}


def octant_segments(shape: tuple[int, int, int] = OCTANT_SHAPE) -> np.ndarray:
    """The segment map: 1-8 over the liver box, 0 elsewhere."""
    z, y, x = np.ogrid[tuple(slice(0, n) for n in shape)]
    segments = (1 + (z >= SPLIT_ZYX[0]) + 2 * (y >= SPLIT_ZYX[1]) + 4 * (x >= SPLIT_ZYX[2])).astype(np.uint8)
    inside = np.zeros(shape, bool)
    inside[LIVER] = True
    return np.where(inside, segments, 0).astype(np.uint8)


def octant_labels() -> np.ndarray:
    labels = np.zeros(OCTANT_SHAPE, np.uint8)
    labels[LIVER] = 1
    for box in LESION_BOXES.values():
        labels[box] = 2
    labels[ENCLOSED_VESSEL] = 3
    labels[OPEN_VESSEL] = 4
    labels[0:2, 0:2, 23] = 2  # tumour outside the liver
    return labels


def octant_case() -> Case:
    geometry = Geometry.for_array(OCTANT_SHAPE, OCTANT_SPACING_XYZ, OCTANT_ORIGIN_XYZ)
    image = Volume(np.zeros(OCTANT_SHAPE, np.int16), geometry)
    return Case(image, LabelMap(octant_labels(), geometry), LabelMap(octant_segments(), geometry, SEGMENT_LABEL_TABLE))


SPHERE_SHAPE = (36, 48, 48)
SPHERE_SPACING_XYZ = (0.75, 0.75, 1.0)
SPHERE_RADIUS_MM = 6.0
SPHERE_CENTRE_ZYX = (18, 24, 24)


def sphere_case(direction: tuple[float, ...] = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)) -> Case:
    """A liver box (one voxel of background around it) with one ball of tumour in its middle."""
    geometry = Geometry.for_array(SPHERE_SHAPE, SPHERE_SPACING_XYZ, (-20.0, 10.0, 3.0), direction)
    labels = np.zeros(SPHERE_SHAPE, np.uint8)
    labels[1:-1, 1:-1, 1:-1] = 1
    grids = np.ogrid[tuple(slice(0, n) for n in SPHERE_SHAPE)]
    spacing_zyx = geometry.spacing_zyx_mm
    ball = sum(((g - c) * s) ** 2 for g, c, s in zip(grids, SPHERE_CENTRE_ZYX, spacing_zyx)) <= SPHERE_RADIUS_MM ** 2
    labels[ball] = 2
    return Case(Volume(np.zeros(SPHERE_SHAPE, np.int16), geometry), LabelMap(labels, geometry))


def sphere_centre_mm(case: Case) -> np.ndarray:
    return case.image.geometry.index_to_patient_mm(np.array(SPHERE_CENTRE_ZYX, float))


BLOCK_SHAPE = (24, 32, 32)
BLOCK_LESION = (slice(10, 14), slice(12, 16), slice(24, 28))


def block_case() -> Case:
    """A 2.5 L liver of 5 mm voxels (22 x 30 x 30) with one 8 mL cube lesion near its high-x side."""
    geometry = Geometry.for_array(BLOCK_SHAPE, (5.0, 5.0, 5.0), (-80.0, -60.0, 100.0))
    labels = np.zeros(BLOCK_SHAPE, np.uint8)
    labels[1:-1, 1:-1, 1:-1] = 1
    labels[BLOCK_LESION] = 2
    return Case(Volume(np.zeros(BLOCK_SHAPE, np.int16), geometry), LabelMap(labels, geometry))
