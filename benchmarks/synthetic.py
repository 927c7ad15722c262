"""A seeded synthetic abdomen: 512 x 512 x 300 at 0.78 x 0.78 x 1.5 mm, liver ~1600 mL, 12 tumours.

Tumours of 60, 45, 35, 30, 25, 20, 15, 12, 10, 8, 6 and 5 mm give 12 lesions (the 5 mm one,
0.07 mL, is listed as tiny under the default 0.1 mL minimum): the 30 and 25 mm ones lie one
voxel of parenchyma apart (two lesions, which the one-voxel dilation of the sensitivity range
joins), the 35 mm one touches the portal vein, and every other tumour keeps at least 5 mm of
parenchyma from the others and from both vessels.
"""

from __future__ import annotations

import numpy as np

from cned_viewer.core import Geometry, LabelMap

SHAPE_ZYX = (300, 512, 512)
SPACING_XYZ = (0.78, 0.78, 1.5)
LIVER_CENTRE_ZYX = (150, 250, 220)
LIVER_RADII_MM = (60.0, 75.0, 85.0)  # 4/3 pi abc = 1602 mL
DIAMETERS_MM = (60, 45, 35, 30, 25, 20, 15, 12, 10, 8, 6, 5)
PORTAL_RADIUS_MM, HEPATIC_RADIUS_MM = 6.0, 5.0
CLEARANCE_MM = 5.0


def _ball(shape, centre, radii_mm, spacing_zyx, offset=(0, 0, 0)):
    grids = np.ogrid[tuple(slice(o, o + n) for o, n in zip(offset, shape))]
    return sum(((g - c) * s / r) ** 2 for g, c, s, r in zip(grids, centre, spacing_zyx, radii_mm)) <= 1.0


def _inside_liver(centre_mm: np.ndarray, r: float) -> bool:
    """Whether a ball of radius ``r`` at ``centre_mm`` (offset from the liver centre) fits in the shrunk ellipsoid."""
    shrunk = np.array(LIVER_RADII_MM) - r
    return bool(np.all(shrunk > 0) and (((centre_mm / shrunk) ** 2).sum() <= 1.0))


def _vessel_gaps_mm(centre_mm: np.ndarray, r: float) -> tuple[float, float]:
    """Parenchyma left between the ball and the portal (along x) and hepatic (along z) tubes."""
    portal = np.hypot(centre_mm[0], centre_mm[1] - 10 * 0.78) - PORTAL_RADIUS_MM - r
    hepatic = np.hypot(centre_mm[1] + 40 * 0.78, centre_mm[2] - 20 * 0.78) - HEPATIC_RADIUS_MM - r
    return float(portal), float(hepatic)


def _tumour_centres_mm(rng: np.random.Generator) -> list[np.ndarray]:
    """Centres (mm from the liver centre, z y x) of the tumours in ``DIAMETERS_MM`` order."""
    spacing = np.array(SPACING_XYZ[::-1])
    centres: list[np.ndarray] = [np.array([0.0, -32.0, -25.0])]  # 60 mm: clear of both vessels
    for i, d in enumerate(DIAMETERS_MM[1:], start=1):
        r = d / 2.0
        if i == 2:  # 35 mm: on the portal vein, from above (y), half a voxel of overlap (the vein is kept)
            centres.append(np.array([0.0, 10 * 0.78 + PORTAL_RADIUS_MM + r - 0.4, 40.0]))
            continue
        for _ in range(20000):
            if i == 4:  # 25 mm: one voxel of parenchyma from the 30 mm one, along a random axis
                axis, sign = rng.integers(0, 3), rng.choice([-1, 1])
                r3 = DIAMETERS_MM[3] / 2.0
                step = np.floor(r3 / spacing[axis]) + 2 + np.floor(r / spacing[axis])
                centre = centres[3].copy()
                centre[axis] += sign * step * spacing[axis]
                others = centres[:3]
            else:
                centre = rng.uniform(-1, 1, 3) * np.array(LIVER_RADII_MM)
                others = centres
            if not _inside_liver(centre, r) or min(_vessel_gaps_mm(centre, r)) < CLEARANCE_MM:
                continue
            if all(np.linalg.norm(centre - c) - r - DIAMETERS_MM[j] / 2.0 >= CLEARANCE_MM for j, c in enumerate(others)):
                break
        else:
            raise RuntimeError(f"no room for tumour {i}")
        centres.append(centre)
    return centres


def synthetic_case(seed: int = 7) -> LabelMap:
    """Liver, a portal tube along x, a hepatic tube along z, 12 tumours of 5-60 mm (see the module doc)."""
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
    portal = (((zz - cz) * spacing[0]) ** 2 + ((yy - cy - 10) * spacing[1]) ** 2 <= PORTAL_RADIUS_MM**2) & (xx > cx - 120)
    hepatic = (((yy - cy + 40) * spacing[1]) ** 2 + ((xx - cx - 20) * spacing[2]) ** 2 <= HEPATIC_RADIUS_MM**2)
    region[portal] = 3
    region[hepatic & (region != 3)] = 4
    for d, centre_mm in zip(DIAMETERS_MM, _tumour_centres_mm(rng)):
        centre = np.round(np.array(LIVER_CENTRE_ZYX) + centre_mm / np.array(spacing))
        r = d / 2.0
        region[_ball(shape, centre, (r, r, r), spacing, lo) & liver & (region != 3) & (region != 4)] = 2
    return LabelMap(labels, Geometry.for_array(SHAPE_ZYX, SPACING_XYZ))
