"""Tumour burden from voxel counts: label volumes, TTV, total liver volume and TLVR.

Definitions (clinical-spec section 2), all voxel count x voxel volume:

* ``ttv_ml``: every tumour voxel.
* ``total_liver_ml``: the whole organ envelope = parenchyma + tumour + the vessel voxels (portal
  and hepatic) lying inside the liver. "Inside" is decided per axial slice: a vessel voxel is
  inside when it lies in a hole of the slice's organ mask (parenchyma + tumour), i.e. when no
  4-connected in-plane path of non-organ voxels links it to the outside (``binary_fill_holes`` on
  each slice, see :mod:`cned_viewer.kernels.envelope`). Intrahepatic branches are enclosed by
  parenchyma in the slices they cross; the extrahepatic portal trunk, the IVC in its groove and
  a vessel at the hilum where it opens to the outside are not. Background holes (e.g. an
  unlabelled fissure) are not counted.
* ``tlvr`` = TTV / total liver volume; ``tlvr_parenchyma`` = TTV / parenchyma (the alternative).
* Tumour outside the liver (:mod:`cned_viewer.measure.outside`) is left out of TTV and of the total
  liver volume (``volumes_ml["tumour"]`` stays the whole label's volume).
* Without liver parenchyma TLVR is not computable (None, with the reason in ``warnings``): a map of
  tumour alone would otherwise give TLVR 1.0. An empty map is said to be empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR, LabelTable
from cned_viewer.kernels.boxes import Box, union_box
from cned_viewer.kernels.envelope import enclosed_counts_per_slice
from cned_viewer.kernels.histogram import label_histogram
from cned_viewer.measure.results import Burden

ORGAN_VALUES = (LIVER_PARENCHYMA, TUMOUR)
VESSEL_VALUES = (PORTAL_VEIN, HEPATIC_VEINS)
TLVR_DENOMINATOR = "total_liver_ml: parenchyma + tumour + vessel voxels enclosed by the liver on each axial slice"


@dataclass
class LabelScan:
    """Counts (``int64[256]``) and boxes (``int64[256, 6]``) of every label value, from one pass."""

    counts: np.ndarray
    boxes: np.ndarray

    def box_of(self, *values: int) -> Box | None:
        box = None
        for v in values:
            if self.counts[v] > 0:
                box = union_box(box, tuple(int(b) for b in self.boxes[v]))
        return box


def scan_labels(labels: np.ndarray) -> LabelScan:
    return LabelScan(*label_histogram(labels))


def enclosed_per_slice(labels: np.ndarray, organ_box: Box | None) -> np.ndarray:
    """``int64[nz, 256]``: counts by value inside the per-slice holes of the organ (zeros off its box)."""
    enclosed = np.zeros((labels.shape[0], 256), np.int64)
    if organ_box is not None:
        enclosed[organ_box[0]:organ_box[1]] = enclosed_counts_per_slice(labels, organ_box, ORGAN_VALUES)
    return enclosed


NO_LIVER = ("no liver parenchyma labelled: TLVR is not computable (it needs the liver volume) and tumour cannot be "
            "checked to lie in the liver; label the liver to get TLVR")
EMPTY_MAP = "the label map is empty (every voxel is background): nothing was measured; load or draw the labels"


def burden_from_counts(counts: np.ndarray, enclosed: np.ndarray, geometry: Geometry, table: LabelTable,
                       outside_voxels: int = 0) -> Burden:
    """The :class:`Burden` from label counts and enclosed counts per value (summed over slices).

    ``outside_voxels``: tumour voxels outside the liver, left out of TTV and the total liver volume.
    """
    voxel_ml = geometry.voxel_volume_ml
    volumes = {label.key: float(counts[label.value]) * voxel_ml for label in table.labels}
    tumour_voxels = int(counts[TUMOUR]) - outside_voxels
    ttv = tumour_voxels * voxel_ml
    organ_voxels = int(counts[LIVER_PARENCHYMA] + tumour_voxels + sum(int(enclosed[v]) for v in VESSEL_VALUES))
    total = organ_voxels * voxel_ml
    parenchyma = float(counts[LIVER_PARENCHYMA]) * voxel_ml
    has_liver = bool(counts[LIVER_PARENCHYMA])
    warnings = () if has_liver else ((EMPTY_MAP,) if not counts[1:].any() else (NO_LIVER,))
    return Burden(
        volumes_ml=volumes,
        total_liver_ml=total,
        ttv_ml=ttv,
        tlvr=ttv / total if has_liver else None,
        tlvr_denominator=TLVR_DENOMINATOR,
        tlvr_parenchyma=ttv / parenchyma if has_liver else None,
        warnings=warnings,
    )
