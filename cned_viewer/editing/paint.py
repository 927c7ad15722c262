"""One brush dab: write a footprint into a label array in place, return the exact diff."""

from __future__ import annotations

import numpy as np

from cned_viewer.core.provenance import EditRecord, EditTarget
from cned_viewer.editing.brush import Brush, nearest_voxel
from cned_viewer.editing.rules import PaintRules


def dab(
    labels: np.ndarray,
    centre_zyx: tuple[float, float, float] | np.ndarray,
    brush: Brush,
    rules: PaintRules,
    spacing_zyx_mm: tuple[float, float, float],
    image: np.ndarray | None = None,
    target: EditTarget = "labels",
) -> EditRecord | None:
    """Paint ``brush`` at the voxel nearest ``centre_zyx`` (a continuous index) under ``rules``.

    Writes into ``labels`` in place and returns the record of exactly the changed box (None when
    no voxel changed: all were the value already, outside the array, or forbidden by the rules).
    """
    footprint = brush.footprint(spacing_zyx_mm)
    centre = nearest_voxel(centre_zyx)
    box, cut = [], []
    for axis, (c, n, size) in enumerate(zip(centre, labels.shape, footprint.shape)):
        lo, hi = c - size // 2, c + size // 2 + 1
        a, b = max(lo, 0), min(hi, n)
        if a >= b:
            return None
        box.append(slice(a, b))
        cut.append(slice(a - lo, b - lo))
    box_t = tuple(box)
    current = labels[box_t]
    write = footprint[tuple(cut)] & rules.writable(current, box_t, image)  # type: ignore[arg-type]
    if not write.any():
        return None
    tight = _bounds(write)
    write = write[tight]
    origin = tuple(s.start + t.start for s, t in zip(box_t, tight))
    absolute = tuple(slice(o, o + t.stop - t.start) for o, t in zip(origin, tight))
    old = labels[absolute].copy()
    labels[absolute][write] = rules.written(labels, absolute, write)
    new = labels[absolute].copy()
    stop = tuple(s.stop for s in absolute)
    return EditRecord(target, origin, stop, old, new)  # type: ignore[arg-type]


def _bounds(mask: np.ndarray) -> tuple[slice, slice, slice]:
    """The smallest box of ``mask`` holding all its True voxels (mask must have one)."""
    out = []
    for axis in range(3):
        hits = np.flatnonzero(mask.any(axis=tuple(a for a in range(3) if a != axis)))
        out.append(slice(int(hits[0]), int(hits[-1]) + 1))
    return tuple(out)  # type: ignore[return-value]
