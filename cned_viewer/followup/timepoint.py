"""One scan of a follow-up series: its own grid, its numbered lesions with their voxels, its measurements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import LabelMap
from cned_viewer.measure import IncrementalMeasurer, Lesion, Measurements
from cned_viewer.measure.lesion_numbering import voxel_keys


@dataclass(frozen=True, eq=False)
class TimePoint:
    """A measured scan: ``lesions`` as the engine numbers them, ``keys`` the sorted flat voxel indices of each."""

    name: str
    geometry: Geometry
    measurements: Measurements
    keys: Mapping[int, np.ndarray]
    clinical: ClinicalData = field(default_factory=ClinicalData)

    @property
    def lesions(self) -> tuple[Lesion, ...]:
        return self.measurements.lesion_set.lesions

    def lesion(self, lesion_id: int) -> Lesion:
        return next(lesion for lesion in self.lesions if lesion.id == lesion_id)

    def voxels_zyx(self, lesion_id: int) -> np.ndarray:
        """``int64[n, 3]`` voxel indices of one lesion."""
        return np.stack(np.unravel_index(self.keys[lesion_id], self.geometry.shape_zyx), axis=1).astype(np.int64)

    @classmethod
    def from_measurer(cls, name: str, measurer: IncrementalMeasurer, labels: LabelMap,
                      clinical: ClinicalData | None = None) -> TimePoint:
        """From the measurer of ``labels`` (refreshed first), with the lesion numbers the viewer shows."""
        if not measurer.measures(labels.array):
            raise ValueError("the measurer follows another label array")
        measured = measurer.refresh()
        shape = labels.array.shape
        keys = {int(number): voxel_keys(comp, shape) for number, comp in measurer.lesion_components().items()}
        return cls(name, labels.geometry, measured, keys, clinical or ClinicalData())

    @classmethod
    def measure(cls, name: str, labels: LabelMap, clinical: ClinicalData | None = None) -> TimePoint:
        """A fresh measurement of ``labels`` (default options; lesions numbered by volume)."""
        return cls.from_measurer(name, IncrementalMeasurer(labels), labels, clinical)
