"""Compile (or load from cache) every kernel on a tiny input, e.g. from a background thread at start-up."""

from __future__ import annotations

import time

import numpy as np


def warm_up() -> float:
    """Run each kernel once on a 16 x 16 x 16 label array; returns the seconds it took."""
    from cned_viewer.kernels.components import component_stats, connect_runs
    from cned_viewer.kernels.diff import label_diff
    from cned_viewer.kernels.envelope import enclosed_counts_per_slice
    from cned_viewer.kernels.histogram import _histogram_parallel, label_histogram
    from cned_viewer.kernels.joint_histogram import joint_histogram
    from cned_viewer.kernels.morphology import erode_dilate
    from cned_viewer.kernels.neighbours import runs_touch_value
    from cned_viewer.kernels.pointsets import cell_grid, count_within_sq, min_distance_mm, points_in_box
    from cned_viewer.kernels.runs import extract_runs
    from cned_viewer.kernels.shape import component_mask, object_shape, values_under_runs
    from cned_viewer.kernels.surface import surface_voxels

    start = time.perf_counter()
    labels = np.zeros((16, 16, 16), np.uint8)
    labels[2:14, 2:14, 2:14] = 1
    labels[4:8, 4:8, 4:8] = 2
    labels[9:12, 9:12, 9:12] = 3
    spacing = np.array([1.5, 0.8, 0.8])
    box = (0, 16, 0, 16, 0, 16)
    label_histogram(labels)
    label_diff(labels, labels)
    joint_histogram(labels, labels, box)
    label_histogram(np.ascontiguousarray(labels[:, :, :15]))  # unaligned: the byte path
    _histogram_parallel(labels.reshape(-1), labels.reshape(-1).view(np.uint64), 16, 16, 16, 2)
    enclosed_counts_per_slice(labels, box, (1, 2))
    erode_dilate(labels, box, 2, (1,))
    runs = extract_runs(labels, box, 2)
    run_labels, n = connect_runs(runs, 26)
    runs_touch_value(labels, runs.z(), runs.y(), runs.x0, runs.x1, 1, 26)
    stats = component_stats(runs, run_labels, n)
    mask, origin = component_mask(runs, np.arange(runs.count), stats.box[0])
    surface, _, _ = object_shape(mask, np.array(origin, np.int64), spacing)
    values_under_runs(labels, runs.row, runs.x0, runs.x1, np.arange(runs.count), runs.box[0], runs.box[2], runs.shape_zy[1])
    vessel = cell_grid(points_in_box(surface_voxels(labels, box, 3), box), spacing)
    lesion = cell_grid(surface, spacing)
    min_distance_mm(lesion, vessel)
    count_within_sq(lesion, vessel, 4.0)
    # the prange variants large cases take (small inputs take the serial ones above)
    from cned_viewer.kernels.envelope import _enclosed_parallel, organ_lookup
    from cned_viewer.kernels.morphology import _erode_dilate
    from cned_viewer.kernels.runs import _scan_parallel
    from cned_viewer.kernels.surface import _surface_parallel

    flat = labels.reshape(-1)
    words = flat.view(np.uint64)
    _enclosed_parallel(flat, words, 16, 16, 0, 16, 0, 16, 0, 16, organ_lookup((1, 2)), np.uint64(0), np.uint64(0))
    lut = np.zeros(256, np.bool_)
    lut[1] = True
    _erode_dilate(labels, 0, 16, 0, 16, 0, 16, 2, lut, np.empty((16, 16, 16), np.uint8))
    row_ptr = np.zeros(257, np.int64)
    no = np.zeros(0, np.int32)
    _scan_parallel(flat, words, 256, 0, 0, 16, 0, 16, 16, 16, 2, 2, False, row_ptr, no, no, no)
    row_ptr[:] = 0  # no runs to store: the fill pass only compiles
    _scan_parallel(flat, words, 256, 0, 0, 16, 0, 16, 16, 16, 2, 2, True, row_ptr, no, no, no)
    _surface_parallel(labels, 0, 16, 0, 16, 0, 16, 3)
    return time.perf_counter() - start
