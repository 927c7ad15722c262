"""Fixtures of the measure tests: small phantoms (the real-data folder is in the root conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest


def _ellipsoid(shape, centre, radii_mm, spacing_zyx) -> np.ndarray:
    """Voxels whose centre lies inside an axis-aligned ellipsoid (mm)."""
    grids = np.ogrid[tuple(slice(0, n) for n in shape)]
    total = sum(((g - c) * s / r) ** 2 for g, c, s, r in zip(grids, centre, spacing_zyx, radii_mm))
    return total <= 1.0


def _random_labels(rng: np.random.Generator, shape=(12, 20, 24), density=0.35, values=(0, 1, 2, 3, 4)) -> np.ndarray:
    """Blobby random labels: random seeds grown a little, so components, holes and runs all occur."""
    labels = rng.choice(np.array(values, np.uint8), size=shape, p=None)
    keep = rng.random(shape) < density
    labels[~keep] = 0
    return labels


@pytest.fixture
def ellipsoid():
    """``ellipsoid(shape, centre_index, radii_mm, spacing_zyx) -> bool mask``."""
    return _ellipsoid


@pytest.fixture
def random_labels():
    """``random_labels(rng, shape, density, values) -> uint8 labels``."""
    return _random_labels
