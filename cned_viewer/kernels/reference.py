"""Plain numpy/scipy twins of the kernels: slow, obvious, and what the tests compare against."""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree
from scipy.spatial.distance import pdist

from cned_viewer.kernels.boxes import Box, box_slices

CROSS = ndimage.generate_binary_structure(3, 1)


def label_histogram_reference(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(labels.ravel(), minlength=256).astype(np.int64)
    boxes = np.zeros((256, 6), np.int64)
    for v in np.flatnonzero(counts[1:]) + 1:
        idx = np.nonzero(labels == v)
        boxes[v] = [idx[0].min(), idx[0].max() + 1, idx[1].min(), idx[1].max() + 1, idx[2].min(), idx[2].max() + 1]
    return counts, boxes


def label_components_reference(mask: np.ndarray, connectivity: int = 26) -> tuple[np.ndarray, int]:
    rank = {6: 1, 18: 2, 26: 3}[connectivity]
    out, n = ndimage.label(mask, ndimage.generate_binary_structure(3, rank))
    return out.astype(np.int32), int(n)


def enclosed_counts_reference(labels: np.ndarray, box: Box, organ_values: tuple[int, ...]) -> np.ndarray:
    counts = np.zeros((box[1] - box[0], 256), np.int64)
    for dz, z in enumerate(range(box[0], box[1])):
        plane = labels[z]
        organ = np.isin(plane, organ_values)
        holes = ndimage.binary_fill_holes(organ) & ~organ
        counts[dz] = np.bincount(plane[holes], minlength=256)
    return counts


def erode_dilate_reference(labels: np.ndarray, box: Box, value: int, grow_into: tuple[int, ...]) -> np.ndarray:
    mask = labels == value
    eroded = ndimage.binary_erosion(mask, CROSS, border_value=0)
    grown = ndimage.binary_dilation(mask, CROSS) & np.isin(labels, [v for v in grow_into if v != value]) & ~mask
    code = np.where(eroded, 3, np.where(mask, 2, np.where(grown, 1, 0))).astype(np.uint8)
    return code[box_slices(box)]


def surface_voxels_reference(labels: np.ndarray, box: Box, value: int) -> np.ndarray:
    mask = labels == value
    surface = mask & ~ndimage.binary_erosion(mask, CROSS, border_value=0)
    inside = np.zeros_like(mask)
    inside[box_slices(box)] = True
    return np.argwhere(surface & inside).astype(np.int32)


def largest_distance_reference(index_zyx: np.ndarray, spacing_zyx: tuple[float, float, float]) -> float:
    """Brute force over every pair of voxel centres."""
    if len(index_zyx) < 2:
        return 0.0
    return float(pdist(np.asarray(index_zyx, float) * np.asarray(spacing_zyx)).max())


def object_shape_reference(mask: np.ndarray, spacing_zyx: tuple[float, float, float]) -> tuple[np.ndarray, float, float]:
    """Surface voxels (indices into ``mask``), Feret and axial diameters of ``mask``, all by brute force."""
    mask = mask.astype(bool)
    surface = np.argwhere(mask & ~ndimage.binary_erosion(mask, CROSS, border_value=0))
    feret = largest_distance_reference(np.argwhere(mask), spacing_zyx)
    axial = 0.0
    for z in range(mask.shape[0]):
        points = np.argwhere(mask[z])
        if len(points) > 1:
            axial = max(axial, float(pdist(points * np.asarray(spacing_zyx[1:])).max()))
    return surface.astype(np.int32), feret, axial


def min_distance_reference(a_zyx: np.ndarray, b_zyx: np.ndarray, spacing_zyx) -> float | None:
    if len(a_zyx) == 0 or len(b_zyx) == 0:
        return None
    scale = np.asarray(spacing_zyx, float)
    distances, _ = cKDTree(np.asarray(b_zyx, float) * scale).query(np.asarray(a_zyx, float) * scale)
    return float(distances.min())


def count_within_reference(a_zyx: np.ndarray, b_zyx: np.ndarray, spacing_zyx, limit_mm: float) -> int:
    if len(a_zyx) == 0 or len(b_zyx) == 0:
        return 0
    scale = np.asarray(spacing_zyx, float)
    distances, _ = cKDTree(np.asarray(b_zyx, float) * scale).query(np.asarray(a_zyx, float) * scale)
    return int(np.count_nonzero(distances <= limit_mm))


def touches_value_reference(labels: np.ndarray, mask: np.ndarray, box: Box, connectivity: int, value: int) -> bool:
    """Whether a voxel of ``mask`` (over ``box``) or a neighbour under ``connectivity`` holds ``value`` (dilation)."""
    lo = [max(box[2 * k] - 1, 0) for k in range(3)]
    hi = [min(box[2 * k + 1] + 1, labels.shape[k]) for k in range(3)]
    around = labels[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]] == value
    if not around.any():
        return False
    padded = np.zeros(around.shape, bool)
    padded[box[0] - lo[0]:box[1] - lo[0], box[2] - lo[1]:box[3] - lo[1], box[4] - lo[2]:box[5] - lo[2]] = mask
    rank = {6: 1, 18: 2, 26: 3}[connectivity]
    return bool((ndimage.binary_dilation(padded, ndimage.generate_binary_structure(3, rank)) & around).any())


def points_in_box_reference(points: np.ndarray, box: Box) -> np.ndarray:
    z, y, x = points[:, 0], points[:, 1], points[:, 2]
    return points[(z >= box[0]) & (z < box[1]) & (y >= box[2]) & (y < box[3]) & (x >= box[4]) & (x < box[5])]


def label_diff_reference(before: np.ndarray, after: np.ndarray) -> tuple[Box | None, np.ndarray]:
    moved = before != after
    pairs = np.zeros((256, 256), bool)
    pairs[before[moved], after[moved]] = True
    if not moved.any():
        return None, pairs
    idx = np.argwhere(moved)
    lo, hi = idx.min(axis=0), idx.max(axis=0) + 1
    return (int(lo[0]), int(hi[0]), int(lo[1]), int(hi[1]), int(lo[2]), int(hi[2])), pairs


def joint_histogram_reference(labels: np.ndarray, segments: np.ndarray, box: Box | None = None) -> np.ndarray:
    """``int64[256, 256]`` counts of (label, segment) pairs inside ``box`` (``None``: everywhere)."""
    if box is not None:
        labels, segments = labels[box_slices(box)], segments[box_slices(box)]
    pairs = labels.astype(np.int64).ravel() * 256 + segments.astype(np.int64).ravel()
    return np.bincount(pairs, minlength=256 * 256).astype(np.int64).reshape(256, 256)
