"""Row runs: a binary mask stored as half-open ``[x0, x1)`` intervals per ``(z, y)`` row of a box.

Connected components, volumes, centroids and sensitivity masks all work on runs: a compact
lesion of N voxels has about N^(2/3) runs, so the union-find touches far less than the voxels.

Extraction reads rows as aligned 64-bit words when the array is C-contiguous: outside a run, a
word with no byte equal to the value (a SWAR zero-byte test) is skipped whole; inside a run, a
word of eight equal voxels is; eight words are tested at once. Only the words where a run starts
or ends are read byte by byte. The first pass only counts the runs of each row, as a branch-free
sum over the row's bytes that the compiler vectorises; the second one reads only the rows that
have runs. Small boxes run serially (no thread start-up).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import prange

from cned_viewer.kernels._jit import EIGHT_EQUAL, SERIAL_BELOW_VOXELS, kernel
from cned_viewer.kernels.boxes import Box

_HIGH_BITS = np.uint64(0x8080808080808080)


@dataclass(frozen=True)
class Runs:
    """Runs of one mask inside ``box``: row ``r = (z - z0) * ny + (y - y0)`` owns ``row_ptr[r]:row_ptr[r+1]``."""

    box: Box
    row_ptr: np.ndarray  # int64[n_rows + 1]
    x0: np.ndarray  # int32[n_runs], array x index of the first voxel
    x1: np.ndarray  # int32[n_runs], one past the last voxel
    row: np.ndarray  # int32[n_runs], row number (see above)

    @property
    def shape_zy(self) -> tuple[int, int]:
        return (self.box[1] - self.box[0], self.box[3] - self.box[2])

    @property
    def count(self) -> int:
        return len(self.x0)

    def voxel_count(self) -> int:
        return int((self.x1.astype(np.int64) - self.x0).sum())

    def z(self) -> np.ndarray:
        return self.row // max(self.shape_zy[1], 1) + self.box[0]

    def y(self) -> np.ndarray:
        return self.row % max(self.shape_zy[1], 1) + self.box[2]


@kernel()
def _has_zero_byte(x):
    return ((x - EIGHT_EQUAL) & ~x & _HIGH_BITS) != 0


@kernel()
def _scan_row(flat, words, start, n, x_origin, lo, hi, store, r, k, rx0, rx1, rrow):
    """Runs of ``lo <= v <= hi`` in ``flat[start:start + n]`` (x of ``flat[start]`` is ``x_origin``).

    Writes them from index ``k`` when ``store`` (else only counts); returns the next free index.
    Words are used when ``words`` is not empty and ``lo == hi``, or for ``1..255`` (any nonzero value):
    then a word is skipped inside a run when it has no zero byte, outside one when it is zero (the
    tests of one value with value 0, their roles swapped).
    """
    inside = False
    nonzero = lo == 1 and hi == 255
    use_words = (lo == hi or nonzero) and words.shape[0] > 0
    w_lo = (start + 7) // 8
    w_hi = (start + n) // 8
    if not use_words or w_hi <= w_lo:
        w_lo = w_hi = 0
        head = n
    else:
        head = 8 * w_lo - start
    vword = np.uint64(0) if nonzero else np.uint64(lo) * EIGHT_EQUAL
    b = start
    b_end = start + head
    while True:
        while b < b_end:
            v = flat[b]
            hit = v >= lo and v <= hi
            if hit != inside:
                if hit:
                    if store:
                        rx0[k] = b - start + x_origin
                        rrow[k] = r
                else:
                    if store:
                        rx1[k] = b - start + x_origin
                    k += 1
                inside = hit
            b += 1
        if b >= start + n:
            break
        # whole words from b (aligned) up to w_hi, then the tail bytes
        w = b // 8
        while w < w_hi:
            equal_run = inside != nonzero  # skip words equal to vword (else: words with no byte equal to it)
            if w + 8 <= w_hi:
                block = np.uint64(0)
                if equal_run:
                    for i in range(8):
                        block |= words[w + i] ^ vword
                    if block == 0:
                        w += 8
                        continue
                else:
                    for i in range(8):
                        x = words[w + i] ^ vword
                        block |= (x - EIGHT_EQUAL) & ~x & _HIGH_BITS
                    if block == 0:
                        w += 8
                        continue
            x = words[w] ^ vword
            if (equal_run and x == 0) or (not equal_run and not _has_zero_byte(x)):
                w += 1
                continue
            break
        if w < w_hi:
            b, b_end = 8 * w, 8 * w + 8  # read this word byte by byte, then go on with words
        else:
            b, b_end = 8 * w_hi, start + n
            w_hi = 0  # tail: bytes only
    if inside:
        if store:
            rx1[k] = n + x_origin
        k += 1
    return k


@kernel()
def _count_row(flat, start, n, lo, hi):
    """Number of runs in ``flat[start:start + n]``: a branch-free sum the compiler vectorises."""
    row = flat[start:start + n]
    if lo == hi:
        count = np.int64(row[0] == lo)
        for x in range(1, n):
            count += (row[x] == lo) & (row[x - 1] != lo)
    else:
        count = np.int64(row[0] >= lo and row[0] <= hi)
        for x in range(1, n):
            count += (row[x] >= lo) & (row[x] <= hi) & ((row[x - 1] < lo) | (row[x - 1] > hi))
    return count


@kernel()
def _scan_rows(flat, words, r0, r1, z0, y0, ny, x0, nx, NY, NX, lo, hi, store, row_ptr, rx0, rx1, rrow):
    for r in range(r0, r1):
        z = z0 + r // ny
        y = y0 + r % ny
        start = (z * NY + y) * NX + x0
        if store:
            if row_ptr[r + 1] > row_ptr[r]:
                _scan_row(flat, words, start, nx, x0, lo, hi, True, r, row_ptr[r], rx0, rx1, rrow)
        else:
            row_ptr[r + 1] = _count_row(flat, start, nx, lo, hi)


_CHUNKS = 32


@kernel(parallel=True)
def _scan_parallel(flat, words, n_rows, z0, y0, ny, x0, nx, NY, NX, lo, hi, store, row_ptr, rx0, rx1, rrow):
    for c in prange(_CHUNKS):
        _scan_rows(flat, words, c * n_rows // _CHUNKS, (c + 1) * n_rows // _CHUNKS, z0, y0, ny, x0, nx, NY, NX, lo, hi, store, row_ptr, rx0, rx1, rrow)


def _words_of(flat: np.ndarray) -> np.ndarray:
    if flat.ctypes.data % 8 == 0 and flat.size >= 8:
        return flat[: flat.size // 8 * 8].view(np.uint64)
    return np.zeros(0, np.uint64)


def extract_runs(arr: np.ndarray, box: Box, lo: int, hi: int | None = None) -> Runs:
    """Runs of voxels with ``lo <= arr <= hi`` (``hi`` defaults to ``lo``) inside ``box``."""
    hi = lo if hi is None else hi
    z0, z1, y0, y1, x0, x1 = (int(v) for v in box)
    if z1 <= z0 or y1 <= y0 or x1 <= x0:
        empty = np.zeros(0, np.int32)
        return Runs((z0, max(z1, z0), y0, max(y1, y0), x0, max(x1, x0)), np.zeros(max((z1 - z0) * (y1 - y0), 0) + 1, np.int64), empty, empty, empty)
    if not arr.flags.c_contiguous:
        sub = np.ascontiguousarray(arr[z0:z1, y0:y1, x0:x1])
        runs = extract_runs(sub, (0, z1 - z0, 0, y1 - y0, 0, x1 - x0), lo, hi)
        return Runs((z0, z1, y0, y1, x0, x1), runs.row_ptr, runs.x0 + np.int32(x0), runs.x1 + np.int32(x0), runs.row)
    NZ, NY, NX = arr.shape
    flat = arr.reshape(-1)
    words = _words_of(flat)
    ny, nx = y1 - y0, x1 - x0
    n_rows = (z1 - z0) * ny
    row_ptr = np.zeros(n_rows + 1, np.int64)
    no = np.zeros(0, np.int32)
    parallel = n_rows * nx >= SERIAL_BELOW_VOXELS
    lo, hi = int(lo), int(hi)
    if parallel:
        _scan_parallel(flat, words, n_rows, z0, y0, ny, x0, nx, NY, NX, lo, hi, False, row_ptr, no, no, no)
    else:
        _scan_rows(flat, words, 0, n_rows, z0, y0, ny, x0, nx, NY, NX, lo, hi, False, row_ptr, no, no, no)
    np.cumsum(row_ptr, out=row_ptr)
    n = int(row_ptr[-1])
    rx0, rx1, rrow = np.empty(n, np.int32), np.empty(n, np.int32), np.empty(n, np.int32)
    if n:
        if parallel:
            _scan_parallel(flat, words, n_rows, z0, y0, ny, x0, nx, NY, NX, lo, hi, True, row_ptr, rx0, rx1, rrow)
        else:
            _scan_rows(flat, words, 0, n_rows, z0, y0, ny, x0, nx, NY, NX, lo, hi, True, row_ptr, rx0, rx1, rrow)
    return Runs((z0, z1, y0, y1, x0, x1), row_ptr, rx0, rx1, rrow)
