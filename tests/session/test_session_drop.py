"""Files dropped on the window: what :func:`plan_drop` plans, and what the session then opens."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from cned_viewer.session.opening import DropPlan, plan_drop
from tests.session.helpers import record


@pytest.fixture
def dropped(tmp_path):
    """Empty files and folders named as a user's would be (plans look at names, bundles at their manifest)."""
    for name in ("ct.nii.gz", "liver_seg.nii.gz", "couinaud.nrrd", "notes.txt"):
        (tmp_path / name).touch()
    (tmp_path / "dicom").mkdir()
    (tmp_path / "case.cned").mkdir()
    (tmp_path / "case.cned" / "manifest.json").write_text("{}")
    return lambda *names: [str(tmp_path / n) for n in names]


def test_plans(dropped):
    image, labels, segments = dropped("ct.nii.gz", "liver_seg.nii.gz", "couinaud.nrrd")
    assert plan_drop([], True) is None
    assert plan_drop(dropped("case.cned"), False) == DropPlan("bundle", dropped("case.cned")[0])
    assert plan_drop(dropped("dicom"), False) == DropPlan("dicom", dropped("dicom")[0])
    assert plan_drop([labels, image], False) == DropPlan("case", image, labels)  # told apart by name
    assert plan_drop([segments, labels, image], True) == DropPlan("case", image, labels, segments)
    assert plan_drop([labels], True) == DropPlan("labels", labels=labels)  # onto the open case
    assert plan_drop([labels], False) == DropPlan("case", labels)  # no case: it is the image
    assert plan_drop([image, segments], False) == DropPlan("case", image, segments=segments)
    assert plan_drop([segments], True) == DropPlan("segments", segments=segments)
    assert plan_drop([segments], False) == DropPlan("refused")


def test_drop_image_and_labels_opens_the_case(make_session, demo_files, demo_case, tmp_path):
    image, labels = demo_files
    named = tmp_path / "liver_labels.nii.gz"  # a labels-like name, dropped first
    shutil.copy(labels, named)
    s = make_session()
    s.open_dropped([str(named), str(image)])
    assert np.array_equal(s.case.labels.array, demo_case.labels.array)
    assert s.measurements.to_json()["lesion_count"] == 11


def test_drop_labels_onto_the_open_case(demo_session, demo_case, tmp_path):
    from cned_viewer.io.masks import save_labels

    s = demo_session
    changed = demo_case.labels.copy()
    changed.array[changed.array == 2] = 1  # no tumour at all
    path = save_labels(changed, tmp_path / "mask.nii.gz")
    image = s.case.image
    s.open_dropped([str(path)])
    assert s.case.image is image and np.array_equal(s.case.labels.array, changed.array)
    assert s.measurements.to_json()["lesion_count"] == 0


def test_drop_bundle_and_dicom_folder(demo_session, make_session, dicom_series, tmp_path):
    demo_session.files.save_to(tmp_path / "case.cned")
    s = make_session()
    s.open_dropped([str(tmp_path / "case.cned")])
    assert np.array_equal(s.case.labels.array, demo_session.case.labels.array)
    s.open_dropped([str(dicom_series([0.0, 1.5, 3.0, 4.5]))])
    assert s.case.image.array.shape == (4, 6, 8) and s.case.labels is None


def test_segment_map_without_a_case_is_refused(make_session, demo_segments):
    s = make_session()
    failed = record(s.failed)
    s.open_dropped([str(demo_segments)])
    assert s.case is None and failed == [("failed", ("open an image first; a segment map is placed on its grid",))]
