"""The pure-python path of the kernels (NUMBA_DISABLE_JIT=1) still gives the reference results."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import numpy as np
from cned_viewer.kernels import reference as ref
from cned_viewer.kernels.components import label_components
from cned_viewer.kernels.histogram import label_histogram
from cned_viewer.kernels.runs import extract_runs
mask = np.random.default_rng(1).random((5, 7, 9)) < 0.3
runs = extract_runs(mask.astype(np.uint8), (0, 5, 0, 7, 0, 9), 1)
ours, n = label_components(runs, mask.shape, 26)
theirs, m = ref.label_components_reference(mask, 26)
assert n == m and (ours == theirs).all()
labels = np.random.default_rng(2).integers(0, 5, (4, 6, 16)).astype(np.uint8)
assert (label_histogram(labels)[0] == ref.label_histogram_reference(labels)[0]).all()
import numba
print("jit disabled:", numba.config.DISABLE_JIT)
"""


def test_kernels_run_without_jit():
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "jit disabled: 1" in done.stdout
