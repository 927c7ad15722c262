"""Voxel count and bounding box of every label value in one pass over the label array.

The scan reads the array as 64-bit words where the rows allow it: an all-background word is
skipped and a word of eight equal labels is counted at once, so the pass runs near memory speed
on a scan that is mostly background.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from cned_viewer.kernels._jit import kernel

_ZERO = np.uint64(0)
_LOW_BYTE = np.uint64(0xFF)
_EIGHT_EQUAL = np.uint64(0x0101010101010101)


@kernel()
def _add_voxel(z, y, x, v, counts, ymin, ymax, xmin, xmax):
    counts[z, v] += 1
    if y < ymin[z, v]:
        ymin[z, v] = y
    if y > ymax[z, v]:
        ymax[z, v] = y
    if x < xmin[z, v]:
        xmin[z, v] = x
    if x > xmax[z, v]:
        xmax[z, v] = x


@kernel(parallel=True)
def _histogram_per_slice(labels, words, use_words):
    nz, ny, nx = labels.shape
    counts = np.zeros((nz, 256), np.int64)
    ymin = np.full((nz, 256), ny, np.int64)
    ymax = np.full((nz, 256), -1, np.int64)
    xmin = np.full((nz, 256), nx, np.int64)
    xmax = np.full((nz, 256), -1, np.int64)
    for z in prange(nz):
        for y in range(ny):
            if use_words:
                for w in range(words.shape[2]):
                    word = words[z, y, w]
                    if word == _ZERO:
                        continue
                    low = word & _LOW_BYTE
                    if word == low * _EIGHT_EQUAL:
                        v = np.int64(low)
                        _add_voxel(z, y, 8 * w, v, counts, ymin, ymax, xmin, xmax)
                        counts[z, v] += 7
                        if 8 * w + 7 > xmax[z, v]:
                            xmax[z, v] = 8 * w + 7
                    else:
                        for x in range(8 * w, 8 * w + 8):
                            v = np.int64(labels[z, y, x])
                            if v != 0:
                                _add_voxel(z, y, x, v, counts, ymin, ymax, xmin, xmax)
            else:
                for x in range(nx):
                    v = np.int64(labels[z, y, x])
                    if v != 0:
                        _add_voxel(z, y, x, v, counts, ymin, ymax, xmin, xmax)
    return counts, ymin, ymax, xmin, xmax


def label_histogram(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Voxel counts (``int64[256]``) and boxes (``int64[256, 6]``, half-open ``z0 z1 y0 y1 x0 x1``).

    ``labels`` is a ``uint8`` array ``[z, y, x]``. The box of an absent value is all zeros; the
    count of value 0 is the rest of the array.
    """
    labels = np.asarray(labels)
    if labels.dtype != np.uint8 or labels.ndim != 3:
        raise ValueError("label_histogram needs a 3D uint8 array")
    use_words = labels.flags.c_contiguous and labels.shape[2] % 8 == 0 and labels.size > 0
    words = labels.view(np.uint64) if use_words else np.zeros((1, 1, 0), np.uint64)
    counts_z, ymin, ymax, xmin, xmax = _histogram_per_slice(labels, words, use_words)
    counts = counts_z.sum(axis=0)
    counts[0] = labels.size - counts[1:].sum()
    present_z = counts_z > 0
    boxes = np.zeros((256, 6), np.int64)
    for v in np.flatnonzero(counts[1:]) + 1:
        zs = np.flatnonzero(present_z[:, v])
        boxes[v] = (zs[0], zs[-1] + 1, ymin[:, v].min(), ymax[:, v].max() + 1, xmin[:, v].min(), xmax[:, v].max() + 1)
    return counts, boxes
