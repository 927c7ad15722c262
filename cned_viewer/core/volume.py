"""An image volume: a ``[z, y, x]`` array placed in patient space."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cned_viewer.core.geometry import Geometry


@dataclass(eq=False)
class Volume:
    """A scalar image (e.g. CT in HU) on a voxel grid.

    ``array`` is indexed ``[z, y, x]``; ``geometry`` says where it lies in patient space.
    """

    array: np.ndarray
    geometry: Geometry

    def __post_init__(self) -> None:
        if self.array.ndim != 3:
            raise ValueError(f"a volume needs a 3D array, got {self.array.ndim}D")
        if tuple(self.array.shape) != self.geometry.shape_zyx:
            raise ValueError(f"array shape {self.array.shape} does not match geometry {self.geometry.shape_zyx}")

    @classmethod
    def from_array(
        cls,
        array: np.ndarray,
        spacing_xyz_mm: tuple[float, float, float],
        origin_xyz_mm: tuple[float, float, float] = (0.0, 0.0, 0.0),
        direction: tuple[float, ...] | None = None,
    ) -> Volume:
        kwargs = {} if direction is None else {"direction": direction}
        return cls(array, Geometry.for_array(array.shape, spacing_xyz_mm, origin_xyz_mm, **kwargs))

    @property
    def spacing_xyz_mm(self) -> tuple[float, float, float]:
        return self.geometry.spacing_xyz_mm

    @property
    def spacing_zyx_mm(self) -> tuple[float, float, float]:
        return self.geometry.spacing_zyx_mm

    @property
    def origin_xyz_mm(self) -> tuple[float, float, float]:
        return self.geometry.origin_xyz_mm

    @property
    def direction(self) -> tuple[float, ...]:
        return self.geometry.direction

    def index_to_patient_mm(self, index_zyx: np.ndarray | tuple[float, ...]) -> np.ndarray:
        return self.geometry.index_to_patient_mm(index_zyx)

    def patient_to_index(self, point_xyz_mm: np.ndarray | tuple[float, ...]) -> np.ndarray:
        return self.geometry.patient_to_index(point_xyz_mm)
