"""A voxel map of lesion ids, matching the ids of :func:`cned_viewer.measure.measure`.

Tumour components are found with the same kernels and connectivity as the measurement, and
each is matched to its :class:`~cned_viewer.measure.Lesion` by bounding box and voxel count,
so picking a voxel (or a surface cell) names the lesion the table shows. Tiny components,
not counted as lesions, get id 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cned_viewer.core.labels import TUMOUR
from cned_viewer.kernels.components import component_stats, connect_runs, paint_runs
from cned_viewer.kernels.runs import extract_runs
from cned_viewer.measure.results import Lesion


@dataclass(frozen=True)
class LesionIdMap:
    """``ids[z, y, x]`` over ``box`` (slices into the full grid); 0 = no counted lesion."""

    ids: np.ndarray
    box: tuple[slice, slice, slice]

    def id_at(self, index_zyx: Sequence[int]) -> int:
        """The lesion id at a full-grid voxel index (0 outside the map)."""
        local = [int(i) - (s.start or 0) for i, s in zip(index_zyx, self.box)]
        if any(v < 0 or v >= n for v, n in zip(local, self.ids.shape)):
            return 0
        return int(self.ids[tuple(local)])


def lesion_id_map(labels: np.ndarray, lesions: Sequence[Lesion], connectivity: int = 26, pad: int = 1) -> LesionIdMap | None:
    """The lesion id of every tumour voxel inside the tumour's box (grown by ``pad``); None without tumour."""
    present = np.flatnonzero(np.any(labels == TUMOUR, axis=(1, 2)))
    if present.size == 0:
        return None
    ys = np.flatnonzero(np.any(labels[present[0]:present[-1] + 1] == TUMOUR, axis=(0, 2)))
    xs = np.flatnonzero(np.any(labels[present[0]:present[-1] + 1, ys[0]:ys[-1] + 1] == TUMOUR, axis=(0, 1)))
    box = (int(present[0]), int(present[-1]) + 1, int(ys[0]), int(ys[-1]) + 1, int(xs[0]), int(xs[-1]) + 1)
    runs = extract_runs(labels, box, TUMOUR)
    run_labels, n = connect_runs(runs, connectivity)
    stats = component_stats(runs, run_labels, n)
    lesion_of = np.zeros(n + 1, np.int32)
    by_box = {(tuple(lesion.bbox)): lesion.id for lesion in lesions}
    for k in range(n):
        z0, z1, y0, y1, x0, x1 = (int(v) for v in stats.box[k])
        lesion_of[k + 1] = by_box.get((z0, y0, x0, z1 - 1, y1 - 1, x1 - 1), 0)
    shape = labels.shape
    slices = tuple(slice(max(lo - pad, 0), min(hi + pad, size)) for lo, hi, size in zip(box[0::2], box[1::2], shape))
    ids = np.zeros(tuple(s.stop - s.start for s in slices), np.int32)
    paint_runs(ids, runs, lesion_of[run_labels], tuple(s.start for s in slices))
    return LesionIdMap(ids, slices)  # type: ignore[arg-type]
