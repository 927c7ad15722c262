"""Opening cases through the session: the demo, files, a DICOM folder with several series, options."""

from __future__ import annotations

import numpy as np
import pytest

from cned_viewer.core.labels import TUMOUR
from cned_viewer.measure import MeasureOptions, measure
from cned_viewer.scores import build_inputs, evaluate_all
from tests.session.helpers import names, record


def test_open_demo_measures_and_scores_in_order(make_session, demo_case):
    session = make_session()
    seen = record(session.case_opened, session.measured, session.scores_changed, session.failed)
    assert session.open_demo() is True
    assert session.case is not None and session.case.labels is not None
    assert np.array_equal(session.case.labels.array, demo_case.labels.array)
    # case_opened first (nothing measured yet: scores from the clinical inputs only), then measured
    assert names(seen) == ["case_opened", "scores_changed", "scores_changed", "measured"]
    assert seen[1][1][1] is None and seen[2][1][1] is session.measurements
    measured = session.measurements.to_json()
    expected = measure(demo_case).to_json()
    assert measured["lesion_count"] == expected["lesion_count"] == 11
    assert measured["tlvr"] == pytest.approx(expected["tlvr"]) and 0.2 < measured["tlvr"] < 0.3
    vv = demo_case.image.geometry.voxel_volume_ml
    assert measured["ttv_ml"] == pytest.approx(np.count_nonzero(demo_case.labels.array == TUMOUR) * vv)
    cned = session.scores[0]
    assert cned.score_id == "cned" and cned.known_points == 2 and cned.missing == ("differentiation",)
    assert [s.score_id for s in session.scores] == [s.score_id for s in evaluate_all(build_inputs(demo_case.clinical, expected))]
    assert session.editable and not session.busy and not session.has_unsaved_changes


def test_open_image_and_labels_files(make_session, demo_files, demo_case):
    image, labels = demo_files
    session = make_session()
    opened = record(session.source_opened)
    assert session.open_path(str(image), str(labels))
    assert np.array_equal(session.case.labels.array, demo_case.labels.array)
    assert session.measurements.to_json()["lesion_count"] == 11
    assert opened[0][1][0].image == str(image.resolve()) and opened[0][1][0].labels == str(labels.resolve())


def test_image_without_labels_is_not_measured(make_session, demo_files):
    session = make_session()
    done = record(session.stage_done)
    session.open_path(str(demo_files[0]))
    assert session.case.labels is None and session.measurements is None and not session.editable
    assert done[-1][1][0].startswith("Case loaded without labels")


def test_dicom_folder_with_two_series_opens_the_chosen_one(make_session, dicom_series, tmp_path):
    folder = tmp_path / "two"
    dicom_series([0.0, 1.0, 2.0], folder=folder, series_uid="1.2.3.1", description="three")
    dicom_series([0.0, 2.0, 4.0, 6.0, 8.0], folder=folder, series_uid="1.2.3.2", description="five",
                 names=[f"B{k}" for k in range(5)])
    for index, slices in ((0, 3), (1, 5)):
        session = make_session(series_index=index)
        session.open_dicom(str(folder))
        assert session.case.image.array.shape == (slices, 6, 8)
        assert session.case.labels is None
    cancelled = make_session(series_index=9)  # the user closed the series question
    done = record(cancelled.stage_done)
    cancelled.open_dicom(str(folder))
    assert cancelled.case is None and done[-1][1][0] == "Cancelled."


def test_segment_map_measures_bilobar(demo_session, demo_segments):
    assert demo_session.measurements.to_json()["segments_involved"] is None
    assert demo_session.open_segments(str(demo_segments))
    measured = demo_session.measurements.to_json()
    assert measured["bilobar"] is not None and set(measured["segments_involved"]) <= {2, 7}


def test_other_measure_options_remeasure(demo_session):
    changed = record(demo_session.options_changed, demo_session.measured)
    demo_session.set_options(MeasureOptions(min_lesion_volume_ml=1.0))
    lesions = demo_session.measurements.lesions
    assert names(changed) == ["options_changed", "measured"]
    assert len(lesions) == 8 and min(l.volume_ml for l in lesions) >= 1.0  # 0.25, 0.53 and 0.90 mL go
    demo_session.set_options(MeasureOptions(min_lesion_volume_ml=1.0))
    assert len(changed) == 2  # the same options: nothing measured again
