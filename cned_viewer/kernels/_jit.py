"""The one numba decorator every kernel uses (cached, GIL released, optionally parallel), and bit tricks."""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import config, njit, types
from numba.extending import intrinsic


@intrinsic
def _cttz(typingctx, x):
    """LLVM's ``cttz`` (one instruction on x86-64 and ARM64) through numba's public intrinsic API."""
    if not isinstance(x, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        return builder.cttz(args[0], ir.Constant(ir.IntType(1), 0))

    return x(x), codegen


def _trailing_zeros_python(x):
    x = int(x)
    return (x & -x).bit_length() - 1


#: Trailing zero bits of a nonzero integer (the intrinsic exists only in compiled code).
trailing_zeros = _trailing_zeros_python if config.DISABLE_JIT else _cttz

#: Below this many voxels a kernel runs serially. Measured on the 2-core development machine with
#: other work on it (serial over parallel time of calls made in alternation): the surface of the
#: 8.4 M-voxel IRCAD portal vein box 0.33 (7.8 ms serial, 36 ms parallel: a parallel region waits
#: for its slowest thread, a whole scheduler slice when the other core is busy); the label
#: histogram 0.02-0.5 from 1 to 12 M voxels, 0.64-1.16 on the 34 M-voxel IRCAD scan (2.9 ms serial,
#: 8.0 ms parallel) and 0.7-0.96 on the 79 M-voxel synthetic scan (4.3 against 8.0 ms). So every
#: case up to a 512 x 512 x 600 scan runs serially, and the parallel variants are not even
#: compiled on a first run (cold start); only larger scans take one chunk per thread.
SERIAL_BELOW_VOXELS = 160_000_000

EIGHT_EQUAL = np.uint64(0x0101010101010101)


def kernel(parallel: bool = False):
    """``@njit(cache=True, nogil=True)``; ``parallel=True`` where a kernel has a prange loop that pays."""
    return njit(cache=True, nogil=True, parallel=parallel)


@kernel()
def first_set_byte(x):
    """Index (0-7) of the lowest nonzero byte of a nonzero uint64 (little-endian: the first voxel of a word).

    One ``cttz`` instruction: no data-dependent branch, which a byte-by-byte or halving search would be.
    """
    return trailing_zeros(x) >> 3
