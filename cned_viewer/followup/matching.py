"""Pair the follow-up lesions with the baseline's: by overlap after registration, then by centroid distance.

Each follow-up lesion's voxel centres are mapped into the baseline grid (:class:`PhysicalMap`, no
resampling of either scan). A baseline and a follow-up lesion overlap when the mapped voxels inside
the baseline lesion make at least :data:`MIN_OVERLAP_FRACTION` of the smaller of the two volumes.
The overlap graph's connected groups give the statuses: one to one ``persisting``, several baseline
lesions in one follow-up lesion ``merged``, one baseline lesion in several ``split`` (several to
several is reported as ``merged``). Lesions left unpaired are paired by centroid distance (the
follow-up centroid mapped into baseline space), a Hungarian assignment limited to
:data:`MAX_CENTROID_DISTANCE_MM`; the rest are ``disappeared`` (baseline) or ``new`` (follow-up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from cned_viewer.followup.changes import percent_change
from cned_viewer.followup.timepoint import TimePoint
from cned_viewer.followup.transform import PhysicalMap
from cned_viewer.measure.lesion_numbering import overlap_counts

PERSISTING, NEW, DISAPPEARED, MERGED, SPLIT = "persisting", "new", "disappeared", "merged", "split"
STATUSES = (PERSISTING, NEW, DISAPPEARED, MERGED, SPLIT)
#: Overlap needed to pair two lesions: this share of the smaller lesion's volume.
MIN_OVERLAP_FRACTION = 0.10
#: Farthest two centroids (mm, after registration) may be for a pairing by distance.
MAX_CENTROID_DISTANCE_MM = 15.0


@dataclass(frozen=True)
class LesionMatch:
    """One tracked lesion (or group): ids on each scan, status, volumes (mL), summed axial diameters (mm).

    ``followup_numbers`` renumber the follow-up lesions as the baseline numbers them (a new lesion, or a
    split fragment other than the largest, gets the next free number), in the order of ``followup_ids``.
    """

    baseline_ids: tuple[int, ...]
    followup_ids: tuple[int, ...]
    followup_numbers: tuple[int, ...]
    status: str
    matched_by: str | None
    baseline_volume_ml: float
    followup_volume_ml: float
    baseline_diameter_mm: float
    followup_diameter_mm: float
    centroid_distance_mm: float | None = None

    @property
    def volume_change_percent(self) -> float | None:
        return percent_change(self.baseline_volume_ml, self.followup_volume_ml)

    @property
    def diameter_change_percent(self) -> float | None:
        return percent_change(self.baseline_diameter_mm, self.followup_diameter_mm)

    def to_json(self) -> dict:
        return {"baseline_ids": list(self.baseline_ids), "followup_ids": list(self.followup_ids),
                "followup_numbers": list(self.followup_numbers), "status": self.status, "matched_by": self.matched_by,
                "baseline_volume_ml": self.baseline_volume_ml, "followup_volume_ml": self.followup_volume_ml,
                "volume_change_percent": self.volume_change_percent,
                "baseline_axial_diameter_mm": self.baseline_diameter_mm, "followup_axial_diameter_mm": self.followup_diameter_mm,
                "diameter_change_percent": self.diameter_change_percent, "centroid_distance_mm": self.centroid_distance_mm}


def mapped_keys(followup: TimePoint, lesion_id: int, baseline: TimePoint, transform: PhysicalMap) -> np.ndarray:
    """The sorted flat baseline-grid indices where the follow-up lesion's voxel centres land (those inside the grid)."""
    points = transform.followup_to_baseline(followup.geometry.index_to_patient_mm(followup.voxels_zyx(lesion_id)))
    index = np.rint(baseline.geometry.patient_to_index(points)).astype(np.int64)
    shape = np.asarray(baseline.geometry.shape_zyx)
    index = index[np.all((index >= 0) & (index < shape), axis=1)]
    return np.sort(np.ravel_multi_index(index.T, tuple(shape)))


def overlap_ml(baseline: TimePoint, followup: TimePoint, transform: PhysicalMap) -> np.ndarray:
    """``[i, j]``: volume (mL) of follow-up lesion ``j`` mapped inside baseline lesion ``i`` (lesion order)."""
    base = [baseline.keys[lesion.id] for lesion in baseline.lesions]
    mapped = [mapped_keys(followup, lesion.id, baseline, transform) for lesion in followup.lesions]
    return overlap_counts(base, mapped) * followup.geometry.voxel_volume_ml


def overlap_edges(baseline: TimePoint, followup: TimePoint, transform: PhysicalMap) -> np.ndarray:
    """``[i, j]``: whether the overlap pairs baseline lesion ``i`` with follow-up lesion ``j``."""
    shared = overlap_ml(baseline, followup, transform)
    bv = np.array([lesion.volume_ml for lesion in baseline.lesions])[:, None]
    fv = np.array([lesion.volume_ml for lesion in followup.lesions])[None, :]
    return shared >= MIN_OVERLAP_FRACTION * np.minimum(bv, fv) if shared.size else shared.astype(bool)


def _groups(edges: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Connected groups (baseline indices, follow-up indices) of the bipartite overlap graph, each with an edge."""
    n_base, n_follow = edges.shape
    parent = list(range(n_base + n_follow))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, j in zip(*np.nonzero(edges)):
        parent[root(int(i))] = root(n_base + int(j))
    members: dict[int, tuple[list[int], list[int]]] = {}
    for i, j in zip(*np.nonzero(edges)):
        group = members.setdefault(root(int(i)), ([], []))
        if int(i) not in group[0]:
            group[0].append(int(i))
        if int(j) not in group[1]:
            group[1].append(int(j))
    return [(sorted(b), sorted(f)) for b, f in members.values()]


def _by_distance(baseline: TimePoint, followup: TimePoint, transform: PhysicalMap, free_base: Sequence[int],
                 free_follow: Sequence[int]) -> list[tuple[int, int, float]]:
    """Hungarian pairs ``(i, j, distance_mm)`` of unpaired lesions whose centroids lie within the limit."""
    if not free_base or not free_follow:
        return []
    base = np.array([baseline.lesions[i].centroid_mm for i in free_base])
    follow = transform.followup_to_baseline(np.array([followup.lesions[j].centroid_mm for j in free_follow]))
    distance = np.linalg.norm(base[:, None, :] - follow[None, :, :], axis=2)
    cost = np.where(distance <= MAX_CENTROID_DISTANCE_MM, distance, 1e6)
    rows, cols = linear_sum_assignment(cost)
    return [(free_base[r], free_follow[c], float(distance[r, c])) for r, c in zip(rows, cols)
            if distance[r, c] <= MAX_CENTROID_DISTANCE_MM]


def _status(n_base: int, n_follow: int) -> str:
    if n_base == 0:
        return NEW
    if n_follow == 0:
        return DISAPPEARED
    if n_base > 1:
        return MERGED
    return SPLIT if n_follow > 1 else PERSISTING


def match_lesions(baseline: TimePoint, followup: TimePoint, transform: PhysicalMap) -> list[LesionMatch]:
    """Every baseline and follow-up lesion in exactly one :class:`LesionMatch` (module doc); baseline order, new last."""
    groups: list[tuple[list[int], list[int], str | None, float | None]] = [
        (b, f, "overlap", None) for b, f in _groups(overlap_edges(baseline, followup, transform))]
    free_base = [i for i in range(len(baseline.lesions)) if not any(i in g[0] for g in groups)]
    free_follow = [j for j in range(len(followup.lesions)) if not any(j in g[1] for g in groups)]
    for i, j, distance in _by_distance(baseline, followup, transform, free_base, free_follow):
        groups.append(([i], [j], "centroid", distance))
    paired_base = {i for g in groups for i in g[0]}
    paired_follow = {j for g in groups for j in g[1]}
    groups += [([i], [], None, None) for i in range(len(baseline.lesions)) if i not in paired_base]
    groups += [([], [j], None, None) for j in range(len(followup.lesions)) if j not in paired_follow]
    groups.sort(key=lambda g: (baseline.lesions[g[0][0]].id if g[0] else 1 << 30, followup.lesions[g[1][0]].id if g[1] else 0))
    next_number = max((lesion.id for lesion in baseline.lesions), default=0) + 1
    matches = []
    for base_idx, follow_idx, matched_by, distance in groups:
        base = [baseline.lesions[i] for i in base_idx]
        follow = [followup.lesions[j] for j in follow_idx]
        numbers = []
        largest = max(follow, key=lambda lesion: lesion.volume_ml).id if follow else None
        for lesion in follow:
            if base and lesion.id == largest:
                numbers.append(min(b.id for b in base))
            else:
                numbers.append(next_number)
                next_number += 1
        matches.append(LesionMatch(
            tuple(b.id for b in base), tuple(f.id for f in follow), tuple(numbers), _status(len(base), len(follow)), matched_by,
            sum(b.volume_ml for b in base), sum(f.volume_ml for f in follow),
            sum(b.axial_diameter_mm for b in base), sum(f.axial_diameter_mm for f in follow), distance))
    return matches
