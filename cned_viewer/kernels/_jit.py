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
#: other work on it (serial over parallel time of calls made in alternation, IRCAD): the surface
#: of the 8.4 M-voxel portal vein box 0.33 (7.8 ms serial, 36 ms parallel: a parallel region waits
#: for its slowest thread, a whole scheduler slice when the other core is busy), the label
#: histogram 0.02-0.5 from 1 to 12 M voxels and about 1 on the 34 M-voxel whole scan. So every
#: crop of a case runs serially; only whole large scans take one chunk per thread.
SERIAL_BELOW_VOXELS = 24_000_000

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
