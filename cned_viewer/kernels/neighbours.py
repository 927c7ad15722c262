"""Whether a component given as row runs has a neighbour of some label value (6, 18 or 26 connectivity).

The runs are read directly from the label array: for each run, the rows it can reach (its own, and
the rows one step away in z and y that the connectivity allows) are scanned over the run's x range,
widened by one voxel where a diagonal step in x is allowed. The search stops at the first hit, so a
lesion lying in the liver is decided after a few rows instead of a dilation of its whole box.
"""

from __future__ import annotations

import numpy as np

from cned_viewer.kernels._jit import kernel

_RANK = {6: 1, 18: 2, 26: 3}


@kernel()
def _runs_touch(labels, z, y, x0, x1, value, rank):
    nz, ny, nx = labels.shape
    for i in range(z.shape[0]):
        for dz in range(-1, 2):
            zz = z[i] + dz
            if zz < 0 or zz >= nz:
                continue
            for dy in range(-1, 2):
                yy = y[i] + dy
                step = abs(dz) + abs(dy)
                if yy < 0 or yy >= ny or step > rank:
                    continue
                widen = 1 if step < rank else 0
                for x in range(max(x0[i] - widen, 0), min(x1[i] + widen, nx)):
                    if labels[zz, yy, x] == value:
                        return True
    return False


def runs_touch_value(labels: np.ndarray, z: np.ndarray, y: np.ndarray, x0: np.ndarray, x1: np.ndarray,
                     value: int, connectivity: int) -> bool:
    """Whether a voxel of the runs ``z, y, [x0, x1)`` (absolute indices) or one of its neighbours under
    ``connectivity`` holds ``value``."""
    as32 = [np.ascontiguousarray(a, np.int32) for a in (z, y, x0, x1)]
    return bool(_runs_touch(labels, *as32, np.int64(value), np.int64(_RANK[connectivity])))
