"""Cooperative cancellation: the scope's check reaches the DICOM reader and the mesher, per thread."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cned_viewer.core.cancel import OperationCancelled, cancel_scope, cancelled, raise_if_cancelled
from cned_viewer.errors import UserError


def test_nothing_is_cancelled_outside_a_scope():
    assert not cancelled()
    raise_if_cancelled("nothing")
    with cancel_scope(lambda: True):
        assert cancelled()
        with pytest.raises(OperationCancelled, match="meshing cancelled"):
            raise_if_cancelled("meshing")
        with cancel_scope(lambda: False):
            assert not cancelled()
        assert cancelled()
    assert not cancelled() and issubclass(OperationCancelled, UserError)


def test_each_thread_sees_its_own_scope():
    seen = []
    with cancel_scope(lambda: True):
        thread = threading.Thread(target=lambda: seen.append(cancelled()))
        thread.start()
        thread.join()
    assert seen == [False]


def test_dicom_series_reading_stops_when_cancelled(dicom_series):
    from cned_viewer.io.dicom_series import load_dicom_series, scan_dicom_folder

    series = scan_dicom_folder(dicom_series([2.0 * k for k in range(40)])).default_series()
    calls = []

    def after_ten() -> bool:
        calls.append(1)
        return len(calls) > 10

    with cancel_scope(after_ten), pytest.raises(OperationCancelled, match="loading the series cancelled"):
        load_dicom_series(series)
    assert 10 < len(calls) < 40  # it stopped partway, slice by slice
    volume, _ = load_dicom_series(series)  # outside the scope: read whole
    assert volume.array.shape[0] == 40 and volume.array[39, 0, 0] == 391


def test_meshing_stops_between_structures(demo_case):
    from cned_viewer.mesh.case_meshes import MeshingCancelled, build_case_meshes

    with cancel_scope(lambda: True), pytest.raises(MeshingCancelled):
        build_case_meshes(demo_case.labels)
    assert np.count_nonzero(demo_case.labels.array) > 0 and build_case_meshes(demo_case.labels).surfaces
