"""What a measurement may be asked to do differently (clinical-spec section 2 defaults)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cned_viewer.core.geometry import Geometry

#: Relative slack when comparing a distance with a threshold, so floating rounding of equal
#: lengths (a voxel diagonal against a threshold of one voxel diagonal) never decides contact.
THRESHOLD_SLACK = 1e-12


@dataclass(frozen=True)
class MeasureOptions:
    """Connectivity (6/18/26) of lesions, minimum counted lesion volume, vessel contact threshold.

    ``contact_threshold_mm=None`` means one voxel diagonal of the in-plane spacing,
    ``sqrt(sx^2 + sy^2)``. ``vessel_search_band_mm`` is the radius (at least the threshold) of the
    first, local search around each lesion for the nearest vessel voxel; the search widens until
    it is exact (see :mod:`cned_viewer.measure.vessels`), so distances are exact whatever the band.
    3 mm decides lesions in or near contact in one small box (IRCAD: 39 ms for the whole
    measurement against 50 ms with 20 mm).
    """

    connectivity: int = 26
    min_lesion_volume_ml: float = 0.1
    contact_threshold_mm: float | None = None
    vessel_search_band_mm: float = 3.0

    def __post_init__(self) -> None:
        if self.connectivity not in (6, 18, 26):
            raise ValueError(f"connectivity must be 6, 18 or 26, got {self.connectivity}")
        if self.min_lesion_volume_ml < 0 or self.vessel_search_band_mm <= 0:
            raise ValueError("minimum lesion volume must be >= 0 and the search band > 0")
        if self.contact_threshold_mm is not None and self.contact_threshold_mm < 0:
            raise ValueError("the contact threshold must be >= 0 mm")

    def contact_threshold_for(self, geometry: Geometry) -> float:
        if self.contact_threshold_mm is not None:
            return float(self.contact_threshold_mm)
        _, sy, sx = geometry.spacing_zyx_mm
        return math.sqrt(sx * sx + sy * sy)

    def used(self, geometry: Geometry) -> dict[str, float | int]:
        """What a measurement on ``geometry`` used (the contact threshold resolved to mm), for the JSON and the report.

        The search band is left out: it only bounds a first search, the results do not depend on it.
        """
        return {
            "connectivity": self.connectivity,
            "min_lesion_volume_ml": self.min_lesion_volume_ml,
            "contact_threshold_mm": self.contact_threshold_for(geometry),
        }
