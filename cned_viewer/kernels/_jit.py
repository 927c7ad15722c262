"""The one numba decorator every kernel uses (cached, GIL released, optionally parallel)."""

from __future__ import annotations

from numba import njit


def kernel(parallel: bool = False):
    """``@njit(cache=True, nogil=True)``; ``parallel=True`` where a kernel has a prange loop that pays."""
    return njit(cache=True, nogil=True, parallel=parallel)
