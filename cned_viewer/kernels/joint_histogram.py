"""Joint histogram of two uint8 maps on one grid: counts of every (label value, segment value) pair.

One serial pass over a box. Inside the liver long runs of voxels hold the same pair (parenchyma of
one segment), so a row is read as runs: a run is accounted once, which keeps the loop from waiting
on the previous increment of the same bin.
"""

from __future__ import annotations

import numpy as np

from cned_viewer.kernels._jit import kernel
from cned_viewer.kernels.boxes import Box, as_box, box_is_empty


@kernel()
def _joint_counts(labels, segments, z0, z1, y0, y1, x0, x1):
    counts = np.zeros((256, 256), np.int64)
    for z in range(z0, z1):
        for y in range(y0, y1):
            a = labels[z, y]
            b = segments[z, y]
            run_a = a[x0]
            run_b = b[x0]
            run_n = 0
            for x in range(x0, x1):
                va = a[x]
                vb = b[x]
                if va == run_a and vb == run_b:
                    run_n += 1
                else:
                    counts[run_a, run_b] += run_n
                    run_a, run_b, run_n = va, vb, 1
            counts[run_a, run_b] += run_n
    return counts


def _check(name: str, array: np.ndarray) -> np.ndarray:
    if not isinstance(array, np.ndarray):
        raise ValueError(f"joint_histogram: {name} must be a numpy array, not {type(array).__name__}")
    if array.ndim != 3:
        raise ValueError(f"joint_histogram: {name} must be 3D [z, y, x], got {array.ndim}D")
    if array.dtype != np.uint8:
        raise ValueError(f"joint_histogram: {name} must be uint8, got {array.dtype}")
    return array


def joint_histogram(labels: np.ndarray, segments: np.ndarray, box: Box | None = None) -> np.ndarray:
    """``int64[256, 256]``: ``out[l, s]`` voxels of ``box`` where ``labels == l`` and ``segments == s``.

    Both arrays are ``uint8 [z, y, x]`` of one shape. ``box`` is ``(z0, z1, y0, y1, x0, x1)``
    half-open (clipped to the array; three slices also do); ``None`` means the whole array.
    """
    labels = _check("labels", labels)
    segments = _check("segments", segments)
    if labels.shape != segments.shape:
        raise ValueError(f"joint_histogram: labels {labels.shape} and segments {segments.shape} differ in shape")
    if box is None:
        box = (0, labels.shape[0], 0, labels.shape[1], 0, labels.shape[2])
    else:
        if len(box) not in (3, 6):
            raise ValueError(f"joint_histogram: box must be (z0, z1, y0, y1, x0, x1), got {box!r}")
        box = as_box(box, labels.shape)
    if box_is_empty(box):
        return np.zeros((256, 256), np.int64)
    return _joint_counts(labels, segments, *box)
