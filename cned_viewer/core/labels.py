"""Label maps and the app's label table (clinical-spec section 2)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from cned_viewer.core.geometry import Geometry

LABEL_DTYPE = np.uint8

BACKGROUND = 0
LIVER_PARENCHYMA = 1
TUMOUR = 2
PORTAL_VEIN = 3
HEPATIC_VEINS = 4


def array_digest(array: np.ndarray) -> str:
    """SHA-256 of an array's shape, type and bytes: tells whether two label arrays are identical."""
    digest = hashlib.sha256(repr((array.shape, str(array.dtype))).encode())
    digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Label:
    """One structure: its voxel value, a stable key (used in JSON), a display name and colour."""

    value: int
    key: str
    name: str
    colour_rgb: tuple[int, int, int]


@dataclass(frozen=True)
class LabelTable:
    """The labels a map may hold, by value; value 0 is always background."""

    labels: tuple[Label, ...]

    def __post_init__(self) -> None:
        values = [lab.value for lab in self.labels]
        keys = [lab.key for lab in self.labels]
        if len(set(values)) != len(values) or len(set(keys)) != len(keys):
            raise ValueError("label values and keys must be unique")
        if any(not 0 < v < 256 for v in values):
            raise ValueError("label values must be 1-255 (0 is background)")

    def by_value(self, value: int) -> Label:
        for lab in self.labels:
            if lab.value == value:
                return lab
        raise KeyError(f"no label with value {value}")

    def by_key(self, key: str) -> Label:
        for lab in self.labels:
            if lab.key == key:
                return lab
        raise KeyError(f"no label named {key!r}; known: {', '.join(self.keys)}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(lab.key for lab in self.labels)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(lab.value for lab in self.labels)


DEFAULT_LABEL_TABLE = LabelTable(
    (
        Label(LIVER_PARENCHYMA, "liver_parenchyma", "Liver parenchyma", (221, 130, 101)),
        Label(TUMOUR, "tumour", "Tumour", (250, 230, 20)),
        Label(PORTAL_VEIN, "portal_vein", "Portal vein", (0, 151, 206)),
        Label(HEPATIC_VEINS, "hepatic_veins", "Hepatic veins / IVC", (150, 70, 210)),
    )
)

#: Couinaud segments 1-8 (a separate label map, clinical-spec section 2).
SEGMENT_LABEL_TABLE = LabelTable(
    tuple(
        Label(i, f"segment_{i}", f"Segment {'I II III IV V VI VII VIII'.split()[i - 1]}", colour)
        for i, colour in enumerate(
            [(255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
             (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34)],
            start=1,
        )
    )
)


@dataclass(eq=False)
class LabelMap:
    """An integer label array ``[z, y, x]`` on a geometry, with the table that names its values."""

    array: np.ndarray
    geometry: Geometry
    table: LabelTable = DEFAULT_LABEL_TABLE
    source: str = ""
    notices: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if tuple(self.array.shape) != self.geometry.shape_zyx:
            raise ValueError(f"label array shape {self.array.shape} does not match geometry {self.geometry.shape_zyx}")
        if self.array.dtype != LABEL_DTYPE:
            if self.array.size and (self.array.min() < 0 or self.array.max() > 255):
                raise ValueError("label values must lie in 0-255")
            self.array = self.array.astype(LABEL_DTYPE)

    @classmethod
    def empty_like(cls, geometry: Geometry, table: LabelTable = DEFAULT_LABEL_TABLE) -> LabelMap:
        return cls(np.zeros(geometry.shape_zyx, dtype=LABEL_DTYPE), geometry, table)

    def copy(self) -> LabelMap:
        """The same map with its own copy of the array (to save or measure in a worker while editing goes on)."""
        return LabelMap(np.array(self.array, copy=True), self.geometry, self.table, self.source, list(self.notices))

    def present_values(self) -> list[int]:
        """Label values that occur in the map (background excluded)."""
        counts = np.bincount(self.array.ravel(), minlength=256)
        return [int(v) for v in np.flatnonzero(counts) if v != 0]

    def volumes_ml(self) -> dict[str, float]:
        """Volume (mL) of every label of the table, by key: voxel count x voxel volume."""
        counts = np.bincount(self.array.ravel(), minlength=256)
        return {lab.key: float(counts[lab.value]) * self.geometry.voxel_volume_ml for lab in self.table.labels}

    def checksum(self) -> str:
        """The mask's SHA-256 (:func:`array_digest`): the same value in the report, the case bundle and
        the recovery save, unchanged by a save and reopen (the grid's float noise does not enter it)."""
        return array_digest(self.array)
