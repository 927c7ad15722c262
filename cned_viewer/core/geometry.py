"""Voxel grid geometry: size, spacing, origin and direction, with voxel <-> patient maps.

Conventions (those of ITK/SimpleITK and DICOM LPS patient coordinates):

* arrays are indexed ``[z, y, x]``; geometry tuples whose names end in ``_xyz`` are in
  ``(x, y, z)`` order, those ending in ``_zyx`` in array order;
* ``direction`` is the 3x3 matrix whose *columns* are the patient-space unit vectors of
  the x, y and z voxel axes, stored row-major as 9 floats (SimpleITK's ``GetDirection``);
* ``patient = origin + direction @ (spacing * index_xyz)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

IDENTITY_DIRECTION: tuple[float, ...] = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)


@dataclass(frozen=True)
class Geometry:
    """Where a ``[z, y, x]`` voxel array sits in patient space (mm)."""

    size_xyz: tuple[int, int, int]
    spacing_xyz_mm: tuple[float, float, float]
    origin_xyz_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)
    direction: tuple[float, ...] = IDENTITY_DIRECTION

    def __post_init__(self) -> None:
        object.__setattr__(self, "size_xyz", tuple(int(v) for v in self.size_xyz))
        object.__setattr__(self, "spacing_xyz_mm", tuple(float(v) for v in self.spacing_xyz_mm))
        object.__setattr__(self, "origin_xyz_mm", tuple(float(v) for v in self.origin_xyz_mm))
        object.__setattr__(self, "direction", tuple(float(v) for v in self.direction))
        if len(self.size_xyz) != 3 or len(self.spacing_xyz_mm) != 3 or len(self.origin_xyz_mm) != 3:
            raise ValueError("size, spacing and origin need three values (x, y, z)")
        if len(self.direction) != 9:
            raise ValueError("direction needs nine values (a row-major 3x3 matrix)")
        if min(self.spacing_xyz_mm) <= 0:
            raise ValueError(f"voxel spacing must be positive, got {self.spacing_xyz_mm} mm")

    @classmethod
    def for_array(
        cls,
        shape_zyx: tuple[int, ...],
        spacing_xyz_mm: tuple[float, float, float],
        origin_xyz_mm: tuple[float, float, float] = (0.0, 0.0, 0.0),
        direction: tuple[float, ...] = IDENTITY_DIRECTION,
    ) -> Geometry:
        """Geometry of an array of ``shape_zyx``."""
        z, y, x = shape_zyx
        return cls((x, y, z), spacing_xyz_mm, origin_xyz_mm, direction)

    @property
    def shape_zyx(self) -> tuple[int, int, int]:
        x, y, z = self.size_xyz
        return (z, y, x)

    @property
    def spacing_zyx_mm(self) -> tuple[float, float, float]:
        x, y, z = self.spacing_xyz_mm
        return (z, y, x)

    @property
    def voxel_volume_ml(self) -> float:
        """Volume of one voxel in mL (1 mL = 1000 mm^3)."""
        x, y, z = self.spacing_xyz_mm
        return x * y * z / 1000.0

    @property
    def direction_matrix(self) -> np.ndarray:
        return np.asarray(self.direction, dtype=float).reshape(3, 3)

    def index_to_patient_mm(self, index_zyx: np.ndarray | tuple[float, ...]) -> np.ndarray:
        """Patient coordinates (x, y, z mm) of voxel indices ``[..., (z, y, x)]``."""
        ijk_xyz = np.asarray(index_zyx, dtype=float)[..., ::-1]
        scaled = ijk_xyz * np.asarray(self.spacing_xyz_mm)
        return scaled @ self.direction_matrix.T + np.asarray(self.origin_xyz_mm)

    def patient_to_index(self, point_xyz_mm: np.ndarray | tuple[float, ...]) -> np.ndarray:
        """Continuous voxel indices ``(z, y, x)`` of patient points ``[..., (x, y, z)]``."""
        rel = np.asarray(point_xyz_mm, dtype=float) - np.asarray(self.origin_xyz_mm)
        ijk_xyz = (rel @ self.direction_matrix) / np.asarray(self.spacing_xyz_mm)
        return ijk_xyz[..., ::-1]

    def corners_patient_mm(self) -> np.ndarray:
        """The 8 outer corners of the grid (voxel edges, not centres) in patient mm."""
        z, y, x = self.shape_zyx
        lo, hi = -0.5, 0.5
        corners = [(cz, cy, cx) for cz in (lo, z - 1 + hi) for cy in (lo, y - 1 + hi) for cx in (lo, x - 1 + hi)]
        return self.index_to_patient_mm(np.array(corners))

    def matches(self, other: Geometry, tolerance_mm: float = 1e-3, tolerance_direction: float = 1e-4) -> bool:
        """True when both describe the same voxel grid (within tolerances)."""
        return (
            self.size_xyz == other.size_xyz
            and np.allclose(self.spacing_xyz_mm, other.spacing_xyz_mm, atol=tolerance_mm)
            and np.allclose(self.origin_xyz_mm, other.origin_xyz_mm, atol=tolerance_mm)
            and np.allclose(self.direction, other.direction, atol=tolerance_direction)
        )

    def to_json(self) -> dict:
        """The stable JSON form used by the CLI: ``size_xyz``, ``spacing_mm``, ``origin_mm``, ``direction``."""
        return {
            "size_xyz": list(self.size_xyz),
            "spacing_mm": [round(v, 6) for v in self.spacing_xyz_mm],
            "origin_mm": [round(v, 6) for v in self.origin_xyz_mm],
            "direction": [round(v, 8) for v in self.direction],
        }
