"""The one numba decorator every kernel uses (cached, GIL released, optionally parallel), and bit tricks."""

from __future__ import annotations

import numpy as np
from numba import njit

#: Below this many voxels a kernel runs serially: starting and joining worker threads costs more
#: than it saves on small boxes, and on a loaded machine a parallel region waits for its slowest
#: thread (a whole scheduler slice when a core is busy elsewhere).
SERIAL_BELOW_VOXELS = 4_000_000

EIGHT_EQUAL = np.uint64(0x0101010101010101)
_LOW32 = np.uint64(0xFFFFFFFF)
_LOW16 = np.uint64(0xFFFF)
_LOW8 = np.uint64(0xFF)


def kernel(parallel: bool = False):
    """``@njit(cache=True, nogil=True)``; ``parallel=True`` where a kernel has a prange loop that pays."""
    return njit(cache=True, nogil=True, parallel=parallel)


@kernel()
def first_set_byte(x):
    """Index (0-7) of the lowest nonzero byte of a nonzero uint64 (little-endian: the first voxel of a word)."""
    k = 0
    if x & _LOW32 == 0:
        k += 4
        x = x >> np.uint64(32)
    if x & _LOW16 == 0:
        k += 2
        x = x >> np.uint64(16)
    if x & _LOW8 == 0:
        k += 1
    return k
