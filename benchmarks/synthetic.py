"""A seeded synthetic abdomen: 512 x 512 x 300 at 0.78 x 0.78 x 1.5 mm, liver ~1600 mL, 12 tumours."""

from __future__ import annotations

import numpy as np

from cned_viewer.core import Geometry, LabelMap

SHAPE_ZYX = (300, 512, 512)
SPACING_XYZ = (0.78, 0.78, 1.5)
LIVER_CENTRE_ZYX = (150, 250, 220)
LIVER_RADII_MM = (60.0, 75.0, 85.0)  # 4/3 pi abc = 1602 mL


def _ball(shape, centre, radii_mm, spacing_zyx, offset=(0, 0, 0)):
    grids = np.ogrid[tuple(slice(o, o + n) for o, n in zip(offset, shape))]
    return sum(((g - c) * s / r) ** 2 for g, c, s, r in zip(grids, centre, spacing_zyx, radii_mm)) <= 1.0


def synthetic_case(seed: int = 7) -> LabelMap:
    """Liver, a portal tube along x, a hepatic tube along z, tumours of 5-60 mm (two touching each other, one the portal vein)."""
    rng = np.random.default_rng(seed)
    spacing = SPACING_XYZ[::-1]
    labels = np.zeros(SHAPE_ZYX, np.uint8)
    half = [int(np.ceil(r / s)) + 1 for r, s in zip(LIVER_RADII_MM, spacing)]
    lo = [c - h for c, h in zip(LIVER_CENTRE_ZYX, half)]
    crop = tuple(slice(a, a + 2 * h) for a, h in zip(lo, half))
    shape = tuple(2 * h for h in half)
    liver = _ball(shape, LIVER_CENTRE_ZYX, LIVER_RADII_MM, spacing, lo)
    region = labels[crop]
    region[liver] = 1
    cz, cy, cx = LIVER_CENTRE_ZYX
    zz, yy, xx = np.ogrid[tuple(slice(o, o + n) for o, n in zip(lo, shape))]
    portal = (((zz - cz) * spacing[0]) ** 2 + ((yy - cy - 10) * spacing[1]) ** 2 <= 36.0) & (xx > cx - 120)
    hepatic = (((yy - cy + 40) * spacing[1]) ** 2 + ((xx - cx - 20) * spacing[2]) ** 2 <= 25.0)
    region[portal] = 3
    region[hepatic & (region != 3)] = 4
    diameters_mm = [60, 45, 35, 30, 25, 20, 15, 12, 10, 8, 6, 5]
    centres = []
    for i, d in enumerate(diameters_mm):
        if i == 1:  # touches lesion 0
            c0 = np.array(centres[0])
            centre = c0 + np.array([0, 0, (60 + 45) / 2 / spacing[2]])
        elif i == 2:  # touches the portal vein from above (in y)
            centre = np.array([cz, cy + 10 - (6 + d / 2) / spacing[1], cx - 40])
        else:
            for _ in range(1000):
                offset = rng.uniform(-0.55, 0.55, 3) * np.array(LIVER_RADII_MM) / np.array(spacing)
                centre = np.array(LIVER_CENTRE_ZYX) + offset
                if all(np.linalg.norm((centre - c) * spacing) > (d + 60) / 2 for c in centres):
                    break
        if i == 0:
            centre = np.array([cz + 8, cy + 30, cx - 35])
        centres.append(tuple(centre))
        r = d / 2.0
        region[_ball(shape, centre, (r, r, r), spacing, lo) & liver & (region != 3)] = 2
    return LabelMap(labels, Geometry.for_array(SHAPE_ZYX, SPACING_XYZ))
