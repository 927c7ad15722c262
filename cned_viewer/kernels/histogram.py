"""Voxel count and bounding box of every label value in one pass over the label array.

The pass walks each row as runs of equal values. The row is read as aligned 64-bit words
(bytes before the first and after the last whole word of a row one by one, so any row length
works): a word of eight voxels equal to the current run's value (all background outside the
body, all parenchyma inside the liver) just extends the run, eight such words are tested at once,
and in a word where the value changes the changes are found with a trailing-zero count, not byte
by byte. A run is accounted once (count and z/y/x extent), not voxel by voxel, so the pass runs
near memory speed. Slices are split in chunks, each with its own accumulators, merged at the
end; chunks run in parallel on large arrays, serially on small ones.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from cned_viewer.kernels._jit import EIGHT_EQUAL, SERIAL_BELOW_VOXELS, first_set_byte, kernel

_CHUNKS = 16
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


@kernel()
def _flush(c, z, y, v, a, b, acc):
    """Account the run ``[a, b)`` of value ``v`` in row ``(z, y)`` to chunk ``c`` (acc: count, -z0, z1, -y0, y1, -x0, x1)."""
    acc[c, v, 0] += b - a
    acc[c, v, 1] = max(acc[c, v, 1], -z)
    acc[c, v, 2] = max(acc[c, v, 2], z)
    acc[c, v, 3] = max(acc[c, v, 3], -y)
    acc[c, v, 4] = max(acc[c, v, 4], y)
    acc[c, v, 5] = max(acc[c, v, 5], -a)
    acc[c, v, 6] = max(acc[c, v, 6], b - 1)


@kernel()
def _row_runs(flat, words, start, nx, c, z, y, acc):
    """Runs of one row (``flat[start:start + nx]``); ``words`` is ``flat`` as uint64 (may be empty)."""
    run_v = np.int64(0)
    run_a = 0
    w_lo = (start + 7) // 8
    w_hi = (start + nx) // 8
    if w_hi <= w_lo or words.shape[0] == 0:
        w_lo = w_hi = 0
        head = nx
    else:
        head = 8 * w_lo - start
    for x in range(head):
        v = np.int64(flat[start + x])
        if v != run_v:
            if run_v != 0:
                _flush(c, z, y, run_v, run_a, x, acc)
            run_v, run_a = v, x
    run_word = np.uint64(run_v) * EIGHT_EQUAL
    w = w_lo
    while w < w_hi:
        if w + 8 <= w_hi:
            block = np.uint64(0)
            for i in range(8):
                block |= words[w + i] ^ run_word
            if block == 0:
                w += 8
                continue
        word = words[w]
        diff = word ^ run_word
        while diff != 0:
            k = first_set_byte(diff)
            x = 8 * w + k - start
            if run_v != 0:
                _flush(c, z, y, run_v, run_a, x, acc)
            run_v = np.int64((word >> np.uint64(8 * k)) & np.uint64(0xFF))
            run_a = x
            run_word = np.uint64(run_v) * EIGHT_EQUAL
            if k == 7:
                break
            diff = (word ^ run_word) & (_ALL << np.uint64(8 * (k + 1)))
        w += 1
    for x in range(max(8 * w_hi - start, head), nx):
        v = np.int64(flat[start + x])
        if v != run_v:
            if run_v != 0:
                _flush(c, z, y, run_v, run_a, x, acc)
            run_v, run_a = v, x
    if run_v != 0:
        _flush(c, z, y, run_v, run_a, nx, acc)


@kernel()
def _chunk(flat, words, nz, ny, nx, n_chunks, c, acc):
    for z in range(c * nz // n_chunks, (c + 1) * nz // n_chunks):
        for y in range(ny):
            _row_runs(flat, words, (z * ny + y) * nx, nx, c, z, y, acc)


@kernel()
def _new_acc(n_chunks):
    acc = np.empty((n_chunks, 256, 7), np.int64)
    for c in range(n_chunks):
        for v in range(256):
            acc[c, v, 0] = 0
            for k in range(1, 7):
                acc[c, v, k] = -(np.int64(1) << 40)
    return acc


@kernel(parallel=True)
def _histogram_parallel(flat, words, nz, ny, nx, n_chunks):
    acc = _new_acc(n_chunks)
    for c in prange(n_chunks):
        _chunk(flat, words, nz, ny, nx, n_chunks, c, acc)
    return acc


@kernel()
def _histogram_serial(flat, words, nz, ny, nx):
    acc = _new_acc(1)
    _chunk(flat, words, nz, ny, nx, 1, 0, acc)
    return acc


def label_histogram(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Voxel counts (``int64[256]``) and boxes (``int64[256, 6]``, half-open ``z0 z1 y0 y1 x0 x1``).

    ``labels`` is a ``uint8`` array ``[z, y, x]``. The box of an absent value is all zeros; the
    count of value 0 is the rest of the array.
    """
    labels = np.asarray(labels)
    if labels.dtype != np.uint8 or labels.ndim != 3:
        raise ValueError("label_histogram needs a 3D uint8 array")
    labels = np.ascontiguousarray(labels)
    nz, ny, nx = labels.shape
    flat = labels.reshape(-1)
    if flat.ctypes.data % 8 == 0 and flat.size >= 8:
        words = flat[: flat.size // 8 * 8].view(np.uint64)
    else:
        words = np.zeros(0, np.uint64)
    if labels.size < SERIAL_BELOW_VOXELS or nz < 2:
        acc = _histogram_serial(flat, words, nz, ny, nx)
    else:
        acc = _histogram_parallel(flat, words, nz, ny, nx, min(_CHUNKS, nz))
    best = acc.max(axis=0)
    counts = acc[:, :, 0].sum(axis=0)
    counts[0] = labels.size - counts[1:].sum()
    boxes = np.stack([-best[:, 1], best[:, 2] + 1, -best[:, 3], best[:, 4] + 1, -best[:, 5], best[:, 6] + 1], axis=1)
    boxes[counts == 0] = 0
    boxes[0] = 0
    return counts, boxes


@kernel()
def _edit_delta(old, new, organ_lut):
    delta = np.zeros(256, np.int64)
    changed = np.zeros(256, np.bool_)
    envelope = False
    for i in range(old.shape[0]):
        a, b = old[i], new[i]
        if a != b:
            delta[a] -= 1
            delta[b] += 1
            changed[a] = True
            changed[b] = True
            if not (organ_lut[a] and organ_lut[b]):
                envelope = True
    return delta, changed, envelope


def edit_delta(old_values: np.ndarray, new_values: np.ndarray, organ_lut: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """For one edit: count change per value (``int64[256]``), values on either side of a changed voxel
    (``bool[256]``), and whether a changed voxel was or became non-organ (``organ_lut``), i.e. whether the
    liver envelope of its slice may change."""
    old = np.ascontiguousarray(old_values, np.uint8).reshape(-1)
    new = np.ascontiguousarray(new_values, np.uint8).reshape(-1)
    delta, changed, envelope = _edit_delta(old, new, organ_lut)
    return delta, changed, bool(envelope)
