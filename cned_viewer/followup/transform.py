"""The affine map between two time points' patient spaces (LPS mm), as the registration found it (pure numpy).

``followup_to_baseline`` maps a physical point of the follow-up scan to the baseline's; the inverse
maps back. Linked navigation and lesion matching both use it; nothing is resampled for measuring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class PhysicalMap:
    """``baseline_xyz_mm = matrix @ followup_xyz_mm + offset_mm`` (a 3x3 matrix and a 3-vector)."""

    matrix: np.ndarray
    offset_mm: np.ndarray

    @classmethod
    def identity(cls) -> PhysicalMap:
        return cls(np.eye(3), np.zeros(3))

    def followup_to_baseline(self, points_xyz_mm: np.ndarray | tuple[float, ...]) -> np.ndarray:
        """Baseline patient coordinates of follow-up points ``[..., (x, y, z)]``."""
        points = np.asarray(points_xyz_mm, np.float64)
        return points @ np.asarray(self.matrix).T + np.asarray(self.offset_mm)

    def baseline_to_followup(self, points_xyz_mm: np.ndarray | tuple[float, ...]) -> np.ndarray:
        """Follow-up patient coordinates of baseline points ``[..., (x, y, z)]``."""
        return self.inverse().followup_to_baseline(points_xyz_mm)

    def inverse(self) -> PhysicalMap:
        """The map from baseline to follow-up space."""
        inverse = np.linalg.inv(np.asarray(self.matrix, np.float64))
        return PhysicalMap(inverse, -inverse @ np.asarray(self.offset_mm, np.float64))

    def to_json(self) -> dict[str, Any]:
        return {"direction": "followup_to_baseline", "matrix": np.asarray(self.matrix).round(8).tolist(),
                "offset_mm": np.asarray(self.offset_mm).round(6).tolist()}
