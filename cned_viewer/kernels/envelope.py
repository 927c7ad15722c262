"""The liver envelope: per axial slice, the holes of the organ mask (liver parenchyma + tumour).

A voxel lies in a hole of a slice when no 4-connected in-plane path of non-organ voxels links it
to the slice border (the definition of ``scipy.ndimage.binary_fill_holes`` on each 2D slice).
Vessel voxels in holes are inside the liver; vessel voxels reaching the organ surface in that
slice (hilum, IVC groove, extrahepatic trunk) are not. The fill is done slice by slice because a
vessel tree always reaches the outside in 3D, which would leave a 3D fill with no holes at all.

Each slice is encoded as row runs of non-organ voxels (rows read as 64-bit words where the
array allows: a word of eight parenchyma, eight tumour or eight background voxels that continues
the current state is skipped whole), the runs are joined by a union-find with the slice border,
and the voxels of the runs not joined to the border are counted by value. Slices run in parallel
for large slabs and serially for small ones (an edit touching a few slices).
"""

from __future__ import annotations

import numpy as np
from numba import prange

from cned_viewer.kernels._jit import EIGHT_EQUAL, SERIAL_BELOW_VOXELS, kernel
from cned_viewer.kernels.boxes import Box
from cned_viewer.kernels.components import _find


@kernel()
def _gap_runs_of_row(flat, words, start, x0, x1, organ_lut, word_a, word_b, rx0, rx1, k):
    """Non-organ runs of one row (``flat[start]`` is voxel ``x0``); appends from ``k``, returns the new count."""
    inside = False
    x = x0
    while x < x1:
        b = start + x - x0
        if words.shape[0] > 0 and b % 8 == 0 and x + 8 <= x1:
            w = words[b // 8]
            if inside and w == 0:
                x += 8
                continue
            if not inside and (w == word_a or w == word_b):
                x += 8
                continue
        gap = not organ_lut[flat[b]]
        if gap and not inside:
            rx0[k] = x
        elif inside and not gap:
            rx1[k] = x
            k += 1
        inside = gap
        x += 1
    if inside:
        rx1[k] = x1
        k += 1
    return k


@kernel()
def _slice_enclosed(flat, words, NY, NX, z, y0, y1, x0, x1, organ_lut, word_a, word_b, counts_row):
    """Add to ``counts_row`` (``int64[256]``) the voxels by value in the holes of the organ in slice ``z``."""
    ny = y1 - y0
    row_ptr = np.zeros(ny + 1, np.int64)
    max_runs = ny * ((x1 - x0) // 2 + 1) + 1
    rx0 = np.empty(max_runs, np.int32)
    rx1 = np.empty(max_runs, np.int32)
    k = np.int64(0)  # not the literal 0: one specialisation of the row kernel (cold start)
    for y in range(y0, y1):
        k = _gap_runs_of_row(flat, words, (z * NY + y) * NX + x0, x0, x1, organ_lut, word_a, word_b, rx0, rx1, k)
        row_ptr[y - y0 + 1] = k
    # run k == n stands for everything outside the box (the slice border)
    n = k
    parent = np.arange(n + 1).astype(np.int32)
    for r in range(ny):
        for i in range(row_ptr[r], row_ptr[r + 1]):
            if r == 0 or r == ny - 1 or rx0[i] == x0 or rx1[i] == x1:
                a, b = _find(parent, i), _find(parent, n)
                parent[max(a, b)] = min(a, b)
        if r == 0:
            continue
        i, j = row_ptr[r], row_ptr[r - 1]
        while i < row_ptr[r + 1] and j < row_ptr[r]:
            if rx0[i] < rx1[j] and rx0[j] < rx1[i]:
                a, b = _find(parent, i), _find(parent, j)
                parent[max(a, b)] = min(a, b)
            if rx1[i] < rx1[j]:
                i += 1
            else:
                j += 1
    border = _find(parent, n)
    for r in range(ny):
        base = (z * NY + y0 + r) * NX
        for i in range(row_ptr[r], row_ptr[r + 1]):
            if _find(parent, i) != border:
                for x in range(rx0[i], rx1[i]):
                    counts_row[flat[base + x]] += 1


@kernel(parallel=True)
def _enclosed_parallel(flat, words, NY, NX, z0, z1, y0, y1, x0, x1, organ_lut, word_a, word_b):
    counts = np.zeros((z1 - z0, 256), np.int64)
    for dz in prange(z1 - z0):
        _slice_enclosed(flat, words, NY, NX, z0 + dz, y0, y1, x0, x1, organ_lut, word_a, word_b, counts[dz])
    return counts


@kernel()
def _enclosed_serial(flat, words, NY, NX, z0, z1, y0, y1, x0, x1, organ_lut, word_a, word_b):
    counts = np.zeros((z1 - z0, 256), np.int64)
    for dz in range(z1 - z0):
        _slice_enclosed(flat, words, NY, NX, z0 + dz, y0, y1, x0, x1, organ_lut, word_a, word_b, counts[dz])
    return counts


def organ_lookup(organ_values: tuple[int, ...]) -> np.ndarray:
    lut = np.zeros(256, np.bool_)
    lut[list(organ_values)] = True
    return lut


def enclosed_counts_per_slice(labels: np.ndarray, box: Box, organ_values: tuple[int, ...]) -> np.ndarray:
    """``int64[z1 - z0, 256]``: per slice of ``box``, voxel counts by value inside the holes of the organ.

    ``box`` must hold every organ voxel of those slices (the organ's bounding box does); the
    region outside it counts as outside the organ.
    """
    z0, z1, y0, y1, x0, x1 = (int(v) for v in box)
    if z1 <= z0 or y1 <= y0 or x1 <= x0:
        return np.zeros((max(z1 - z0, 0), 256), np.int64)
    if not labels.flags.c_contiguous:
        return enclosed_counts_per_slice(np.ascontiguousarray(labels[z0:z1]), (0, z1 - z0, y0, y1, x0, x1), organ_values)
    lut = organ_lookup(organ_values)
    organ = [int(v) for v in organ_values if 0 < v < 256]
    # words of eight equal organ voxels that can be skipped inside the organ (0 never is organ here)
    word_a = np.uint64(organ[0]) * EIGHT_EQUAL if organ else np.uint64(0)
    word_b = np.uint64(organ[1 if len(organ) > 1 else 0]) * EIGHT_EQUAL if organ else np.uint64(0)
    if lut[0]:  # background counted as organ: no zero-word skipping for gaps
        word_a = word_b = np.uint64(0)
    flat = labels.reshape(-1)
    words = flat.view(np.uint64) if flat.ctypes.data % 8 == 0 and flat.size % 8 == 0 and not lut[0] else np.zeros(0, np.uint64)
    NY, NX = labels.shape[1], labels.shape[2]
    fn = _enclosed_parallel if (z1 - z0) * (y1 - y0) * (x1 - x0) >= SERIAL_BELOW_VOXELS and z1 - z0 > 1 else _enclosed_serial
    return fn(flat, words, NY, NX, z0, z1, y0, y1, x0, x1, lut, word_a, word_b)
