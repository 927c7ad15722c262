"""Where two label arrays of one grid differ: the box of the changed voxels and the value pairs.

Both arrays are read as aligned 64-bit words where they allow it: equal words (nearly all of
them after a brush stroke) are skipped eight voxels at a time, so the pass runs at memory speed.
"""

from __future__ import annotations

import numpy as np

from cned_viewer.kernels._jit import kernel
from cned_viewer.kernels.boxes import Box


@kernel()
def _note(before, after, i, plane, nx, pairs, lo, hi):
    a, b = before[i], after[i]
    if a != b:
        pairs[a, b] = True
        z = i // plane
        y = (i - z * plane) // nx
        x = i - z * plane - y * nx
        lo[0], hi[0] = min(lo[0], z), max(hi[0], z)
        lo[1], hi[1] = min(lo[1], y), max(hi[1], y)
        lo[2], hi[2] = min(lo[2], x), max(hi[2], x)


@kernel()
def _diff(before, after, wb, wa, ny, nx):
    pairs = np.zeros((256, 256), np.bool_)
    lo = np.full(3, np.int64(1) << 40)
    hi = np.full(3, np.int64(-1))
    plane = ny * nx
    n_words = wb.shape[0]
    w = 0
    while w < n_words:
        if w + 8 <= n_words:  # eight words at once: a branch-free OR of their XORs
            block = np.uint64(0)
            for k in range(8):
                block |= wb[w + k] ^ wa[w + k]
            if block == 0:
                w += 8
                continue
        if wb[w] != wa[w]:
            for i in range(8 * w, 8 * w + 8):
                _note(before, after, i, plane, nx, pairs, lo, hi)
        w += 1
    for i in range(8 * n_words, before.shape[0]):
        _note(before, after, i, plane, nx, pairs, lo, hi)
    return pairs, lo, hi


def _words(flat: np.ndarray) -> np.ndarray:
    return flat[: flat.size // 8 * 8].view(np.uint64) if flat.ctypes.data % 8 == 0 else np.zeros(0, np.uint64)


def label_diff(before: np.ndarray, after: np.ndarray) -> tuple[Box | None, np.ndarray]:
    """The box of the voxels that differ (None: none) and ``bool[256, 256]``: ``[a, b]`` where a voxel went from a to b.

    Both are ``uint8`` arrays ``[z, y, x]`` of one shape.
    """
    b = np.ascontiguousarray(before, np.uint8).reshape(-1)
    a = np.ascontiguousarray(after, np.uint8).reshape(-1)
    wb, wa = _words(b), _words(a)
    if wb.shape[0] != wa.shape[0]:
        wb = wa = np.zeros(0, np.uint64)
    shape = before.shape if before.ndim == 3 else (1, 1, before.size)
    pairs, lo, hi = _diff(b, a, wb, wa, np.int64(shape[1]), np.int64(shape[2]))
    if hi[0] < 0:
        return None, pairs
    return (int(lo[0]), int(hi[0]) + 1, int(lo[1]), int(hi[1]) + 1, int(lo[2]), int(hi[2]) + 1), pairs
