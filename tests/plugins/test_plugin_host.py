"""Running segmenters: validation, failures disable the plugin, cancel, one undoable step."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from plugin_fakes import FakeEntryPoint, fake_plugin

from cned_viewer.core.case import Case
from cned_viewer.core.labels import LabelMap
from cned_viewer.plugins import Cancelled, PluginError, Seed, SegmentationRequest, apply_step, undo_step

SEED = Seed((5, 6, 4), 2, "voxel")  # x, y, z voxel indices


def test_good_segmenter_result_becomes_one_undoable_step(make_manager, image):
    manager = make_manager(FakeEntryPoint("good", fake_plugin()))
    labels = LabelMap.empty_like(image.geometry)
    labels.array[4, 6, 4:6] = 3  # a vessel the result must not overwrite
    labels.array[0, 0, 0] = 1
    case = Case(image, labels)
    result = manager.run_segmenter("good", "box", SegmentationRequest(image, (SEED,), labels=labels))
    before = labels.array.copy()
    step = manager.edit_for(case, "good", "box", result)
    assert labels.array.tobytes() == before.tobytes()  # planning does not apply
    apply_step(case, step)
    assert case.labels.array[4, 6, 6] == 2 and case.labels.array[4, 6, 5] == 3
    assert np.count_nonzero(case.labels.array == 2) == 27 - 2
    (record,) = step.records
    assert (record.start_zyx, record.stop_zyx) == ((3, 5, 4), (6, 8, 7))
    provenance = step.provenance
    assert (provenance.source, provenance.source_version, provenance.operation) == ("good", "1.2.3", "box")
    (change,) = provenance.changes
    assert (change.key, change.gained_voxels, change.lost_voxels) == ("tumour", 25, 0)
    assert change.net_ml == pytest.approx(25 * image.geometry.voxel_volume_ml)
    assert provenance.to_json()["timestamp"].endswith("+00:00")
    undo_step(case, step)
    assert case.labels.array.tobytes() == before.tobytes()
    apply_step(case, step)
    assert np.count_nonzero(case.labels.array == 2) == 25


def test_a_case_without_labels_gets_a_map(make_manager, image):
    manager = make_manager(FakeEntryPoint("good", fake_plugin()))
    case = Case(image)
    result = manager.run_segmenter("good", "box", SegmentationRequest(image, (SEED,)))
    apply_step(case, manager.edit_for(case, "good", "box", result))
    assert np.count_nonzero(case.labels.array) == 27


@pytest.mark.parametrize("behaviour, message", [
    ("raise", "RuntimeError: boom"),
    ("wrong_grid", "not on the image grid"),
    ("bad_values", "outside the label table"),
])
def test_failing_segmenter_is_reported_and_disabled(make_manager, image, behaviour, message):
    manager = make_manager(FakeEntryPoint("bad", fake_plugin("bad", behaviour)), FakeEntryPoint("good", fake_plugin()))
    with pytest.raises(PluginError, match=message):
        manager.run_segmenter("bad", "box", SegmentationRequest(image, (SEED,)))
    assert manager.records["bad"].state == "failed" and message in manager.records["bad"].error
    with pytest.raises(PluginError, match="is failed"):
        manager.run_segmenter("bad", "box", SegmentationRequest(image, (SEED,)))
    assert manager.run_segmenter("good", "box", SegmentationRequest(image, (SEED,))).labels is not None


def test_unknown_segmenter_names_the_known_ones(make_manager, image):
    manager = make_manager(FakeEntryPoint("good", fake_plugin()))
    with pytest.raises(PluginError, match="it has: box"):
        manager.run_segmenter("good", "nope", SegmentationRequest(image))
    assert manager.records["good"].state == "enabled"


def test_slow_segmenter_reports_progress_and_cancels(make_manager, image):
    started = threading.Event()
    manager = make_manager(FakeEntryPoint("slow", fake_plugin("slow", "slow", started=started)))
    reports = []
    job = manager.start_segmenter("slow", "box", SegmentationRequest(image, (SEED,)), lambda f, m: reports.append((f, m)))
    assert started.wait(10)
    job.cancel()
    assert job.wait(10)
    with pytest.raises(Cancelled):
        job.result()
    assert reports and reports[0][1] == "waiting"
    assert manager.records["slow"].state == "enabled"  # a cancel is not a failure


def test_background_job_returns_the_result(make_manager, image):
    manager = make_manager(FakeEntryPoint("good", fake_plugin()))
    job = manager.start_segmenter("good", "box", SegmentationRequest(image, (SEED,)))
    assert job.result(timeout=10).labels is not None and job.progress == (1.0, "done")


def test_seed_in_patient_mm_maps_to_the_voxel(image):
    centre = image.geometry.index_to_patient_mm((4, 6, 5))
    assert Seed(tuple(centre), 2).index_zyx(image.geometry) == (4, 6, 5)
    with pytest.raises(ValueError, match="outside"):
        Seed((1000.0, 0.0, 0.0), 2).index_zyx(image.geometry)
