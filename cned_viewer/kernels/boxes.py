"""Voxel boxes: ``(z0, z1, y0, y1, x0, x1)``, half-open, in array index order."""

from __future__ import annotations

import numpy as np

Box = tuple[int, int, int, int, int, int]


def as_box(box: Box | tuple[slice, slice, slice] | np.ndarray, shape_zyx: tuple[int, ...]) -> Box:
    """A box from six bounds or three slices (``None`` bounds mean the array edge), clipped to the array."""
    if len(box) == 3:
        bounds = []
        for sl, n in zip(box, shape_zyx):
            start, stop, step = sl.indices(n)
            if step != 1:
                raise ValueError("edit boxes need unit-step slices")
            bounds += [start, stop]
    else:
        bounds = [int(v) for v in box]
    clipped = []
    for axis in range(3):
        lo, hi = bounds[2 * axis], bounds[2 * axis + 1]
        n = shape_zyx[axis]
        clipped += [min(max(lo, 0), n), min(max(hi, 0), n)]
    return tuple(clipped)  # type: ignore[return-value]


def box_is_empty(box: Box) -> bool:
    return box[1] <= box[0] or box[3] <= box[2] or box[5] <= box[4]


def union_box(a: Box | None, b: Box | None) -> Box | None:
    """Smallest box holding both (``None`` is the empty box)."""
    if a is None or box_is_empty(a):
        return None if b is None or box_is_empty(b) else b
    if b is None or box_is_empty(b):
        return a
    return (min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]), min(a[4], b[4]), max(a[5], b[5]))


def grow_box(box: Box, margin_zyx: tuple[int, int, int], shape_zyx: tuple[int, ...]) -> Box:
    """``box`` widened by ``margin_zyx`` voxels on each side, clipped to the array."""
    out = []
    for axis in range(3):
        out += [max(box[2 * axis] - margin_zyx[axis], 0), min(box[2 * axis + 1] + margin_zyx[axis], shape_zyx[axis])]
    return tuple(out)  # type: ignore[return-value]


def boxes_intersect(a: Box, b: Box) -> bool:
    return all(a[2 * k] < b[2 * k + 1] and b[2 * k] < a[2 * k + 1] for k in range(3))


def box_slices(box: Box) -> tuple[slice, slice, slice]:
    return (slice(box[0], box[1]), slice(box[2], box[3]), slice(box[4], box[5]))
