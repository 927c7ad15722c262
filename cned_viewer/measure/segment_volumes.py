"""Couinaud segment volumetry: liver and tumour volume per segment (clinical-spec section 2).

Inputs: the app's label map (0 background, 1 liver parenchyma, 2 tumour, 3 portal vein, 4 hepatic
veins) and a Couinaud segment map on the same grid (1-8, 0 elsewhere). All volumes are voxel count
x voxel volume (mL = mm^3 / 1000). For each segment 1-8 and each group (caudate = 1, left liver =
2-4, right liver = 5-8):

* ``liver_ml``: voxels of the segment(s) labelled parenchyma or tumour (1 or 2); vessels are not
  counted (so this liver is not the TLVR envelope of :mod:`cned_viewer.measure.burden`);
* ``tumour_ml``: voxels of the segment(s) labelled tumour (2);
* ``tumour_share`` = tumour_ml / liver_ml of the same segment(s) (None when liver_ml is 0);
* ``share_of_liver`` = liver_ml / the sum of liver_ml over segments 1-8 (None when that sum is 0).

``unassigned_liver_ml``: parenchyma or tumour voxels with segment value 0 (a segment map that
misses part of the liver shows here, it is not silently dropped); ``parenchyma_tumour_ml`` = the sum
over segments 1-8 + unassigned. Only the bounding box of labels 1-2 is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cned_viewer.core.labels import LIVER_PARENCHYMA, SEGMENT_LABEL_TABLE, TUMOUR, LabelMap
from cned_viewer.kernels.joint_histogram import joint_histogram
from cned_viewer.measure.burden import scan_labels

SEGMENT_VALUES = tuple(range(1, 9))
#: The groups reported after the segments, in this order: (name, segments).
GROUPS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("Caudate (1)", (1,)),
    ("Left liver (2-4)", (2, 3, 4)),
    ("Right liver (5-8)", (5, 6, 7, 8)),
)


@dataclass(frozen=True)
class SegmentVolume:
    """Volumes of one segment or group of segments (see the module docstring for the definitions)."""

    name: str
    segments: tuple[int, ...]
    liver_ml: float
    tumour_ml: float
    tumour_share: float | None
    share_of_liver: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "segments": list(self.segments),
            "liver_ml": self.liver_ml,
            "tumour_ml": self.tumour_ml,
            "tumour_share": self.tumour_share,
            "share_of_liver": self.share_of_liver,
        }


@dataclass(frozen=True)
class SegmentVolumetry:
    """Rows for segments 1-8, then caudate, left and right liver; the liver in no segment; the total."""

    rows: tuple[SegmentVolume, ...]
    unassigned_liver_ml: float
    parenchyma_tumour_ml: float

    def row(self, name: str) -> SegmentVolume:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no segment volumetry row {name!r}")

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": [row.to_json() for row in self.rows],
            "unassigned_liver_ml": self.unassigned_liver_ml,
            "parenchyma_tumour_ml": self.parenchyma_tumour_ml,
        }


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def segment_volumetry(labels: LabelMap, segments: LabelMap) -> SegmentVolumetry:
    """Per-segment liver and tumour volumes of ``labels`` split by the Couinaud map ``segments``.

    ValueError when the maps lie on different grids or ``segments`` holds values above 8 where the
    liver is.
    """
    if not labels.geometry.matches(segments.geometry):
        raise ValueError(
            "the label map and the Couinaud segment map lie on different grids; resample one onto the other"
        )
    box = scan_labels(labels.array).box_of(LIVER_PARENCHYMA, TUMOUR)
    counts = np.zeros((256, 256), np.int64) if box is None else joint_histogram(labels.array, segments.array, box)
    liver = counts[LIVER_PARENCHYMA] + counts[TUMOUR]  # voxels by segment value
    stray = np.flatnonzero(liver[9:]) + 9
    if stray.size:
        raise ValueError(
            f"the Couinaud segment map holds values {stray.tolist()} inside the liver (only 1-8 are segments)"
        )
    tumour = counts[TUMOUR]
    voxel_ml = labels.geometry.voxel_volume_ml
    all_segments = int(liver[1:9].sum())

    def volume(name: str, values: tuple[int, ...]) -> SegmentVolume:
        n_liver = int(liver[list(values)].sum())
        n_tumour = int(tumour[list(values)].sum())
        return SegmentVolume(
            name, values, n_liver * voxel_ml, n_tumour * voxel_ml,
            tumour_share=_ratio(n_tumour, n_liver), share_of_liver=_ratio(n_liver, all_segments),
        )

    rows = [volume(SEGMENT_LABEL_TABLE.by_value(v).name, (v,)) for v in SEGMENT_VALUES]
    rows += [volume(name, values) for name, values in GROUPS]
    return SegmentVolumetry(tuple(rows), int(liver[0]) * voxel_ml, (all_segments + int(liver[0])) * voxel_ml)
