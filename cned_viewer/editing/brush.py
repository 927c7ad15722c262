"""Brush footprints: the voxels whose centres lie within a radius (mm) of a centre voxel.

A footprint is a boolean array centred on its middle voxel, spacing-aware: a disk in one view
plane (the slice the user paints on) or a 3D ball. Planes name array axes (the slice views show
array planes): ``axial`` fixes z (axis 0), ``coronal`` fixes y (axis 1), ``sagittal`` fixes x
(axis 2). Footprints are cached, since a stroke dabs the same one many times.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

Plane = Literal["axial", "coronal", "sagittal"]
#: The array axis each view plane holds fixed.
PLANE_AXIS: dict[str, int] = {"axial": 0, "coronal": 1, "sagittal": 2}


@dataclass(frozen=True)
class Brush:
    """A round brush: ``radius_mm`` around the centre voxel, a disk in ``plane`` or a ball (``sphere``)."""

    radius_mm: float
    plane: Plane = "axial"
    sphere: bool = False

    def __post_init__(self) -> None:
        if not self.radius_mm >= 0:
            raise ValueError(f"brush radius must be >= 0 mm, got {self.radius_mm}")
        if self.plane not in PLANE_AXIS:
            raise ValueError(f"plane must be one of {', '.join(PLANE_AXIS)}, got {self.plane!r}")

    def footprint(self, spacing_zyx_mm: tuple[float, float, float]) -> np.ndarray:
        """``bool[dz, dy, dx]`` (odd sizes) of the voxels the brush covers; centre at the middle (read-only)."""
        fixed = -1 if self.sphere else PLANE_AXIS[self.plane]
        return _footprint(float(self.radius_mm), tuple(float(s) for s in spacing_zyx_mm), fixed)

    def to_json(self) -> dict:
        return {"radius_mm": self.radius_mm, "plane": self.plane, "sphere": self.sphere}


@lru_cache(maxsize=64)
def _footprint(radius_mm: float, spacing_zyx_mm: tuple[float, float, float], fixed_axis: int) -> np.ndarray:
    half = [0 if axis == fixed_axis else int(np.floor(radius_mm / s + 1e-9)) for axis, s in enumerate(spacing_zyx_mm)]
    grids = np.ogrid[tuple(slice(-h, h + 1) for h in half)]
    dist_sq = sum((g * s) ** 2 for g, s in zip(grids, spacing_zyx_mm))
    inside = dist_sq <= radius_mm**2 * (1 + 1e-9)
    inside.setflags(write=False)
    return inside


def nearest_voxel(point_zyx: np.ndarray | tuple[float, ...]) -> tuple[int, int, int]:
    """The voxel whose centre is nearest a continuous index ``(z, y, x)``."""
    z, y, x = (int(np.floor(float(v) + 0.5)) for v in point_zyx)
    return (z, y, x)
