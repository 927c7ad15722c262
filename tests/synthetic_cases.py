"""Small synthetic label maps shared by tests in several folders."""

from __future__ import annotations

import numpy as np

from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR


def tiny_liver_labels(shape_zyx: tuple[int, int, int]) -> np.ndarray:
    """For an 8 x 6 x 8 grid: liver, two lesions (8 voxels and 1 voxel) and both veins (one column each)."""
    array = np.zeros(shape_zyx, np.uint8)
    array[1:7, 1:5, 1:7] = LIVER_PARENCHYMA
    array[2:4, 2:4, 2:4] = TUMOUR
    array[5, 3, 5] = TUMOUR
    array[:, 0, 0] = PORTAL_VEIN
    array[:, 5, 7] = HEPATIC_VEINS
    return array
