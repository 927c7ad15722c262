"""Each task's output, shaped as TotalSegmentator writes it, opens with the right structures, by physical geometry."""

from __future__ import annotations

import ast
import numpy as np
import pytest
import SimpleITK as sitk
from totalseg_fakes import WRITTEN, class_columns, expected_maps, write_outputs

from cned_totalseg_bridge import TASKS, import_output, make_plugin
from cned_totalseg_bridge.classes import TASK_CLASSES, is_used
from cned_viewer.core.geometry import Geometry
from cned_viewer.errors import UserError

SHAPE = (3, 4, 9)
REFERENCE = Geometry(size_xyz=SHAPE[::-1], spacing_xyz_mm=(1.5, 1.5, 4.0), origin_xyz_mm=(-20.0, 10.0, 5.0),
                     direction=(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0))


def flipped_like() -> tuple[sitk.Image, slice]:
    """A grid covering REFERENCE's voxels with x reversed (as a RAS-stored NIfTI often is); and the flip."""
    like = sitk.Image(list(REFERENCE.size_xyz), sitk.sitkUInt8)
    like.SetSpacing(REFERENCE.spacing_xyz_mm)
    last_x = REFERENCE.origin_xyz_mm[0] + (SHAPE[2] - 1) * REFERENCE.spacing_xyz_mm[0]
    like.SetOrigin((last_x, *REFERENCE.origin_xyz_mm[1:]))
    like.SetDirection((-1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0))
    return like, np.s_[:, :, ::-1]


@pytest.mark.parametrize("multilabel", [False, True], ids=["mask-folder", "ml-file"])
@pytest.mark.parametrize("task", list(TASKS))
def test_task_output_opens_with_the_right_structures(task, multilabel, tmp_path):
    like, flip = flipped_like()
    output = tmp_path / ("segmentation.nii.gz" if multilabel else "masks")
    write_outputs(task, class_columns(task, SHAPE)[flip], like, output, multilabel)
    if not multilabel:
        assert sorted(p.name for p in output.iterdir()) == sorted(f"{n}.nii.gz" for n in WRITTEN[task].values())
    imported = import_output(output, REFERENCE, task)
    labels, segments = expected_maps(task, SHAPE)
    for got, want in ((imported.labels, labels), (imported.segments, segments)):
        if want.any():
            assert got.geometry is REFERENCE and np.array_equal(got.array, want)
        else:
            assert got is None


@pytest.mark.parametrize("importer_id, task", [("totalseg-total-mr-file", "total_mr"),
                                               ("totalseg-liver-segments-file", "liver_segments_mr"),
                                               ("totalseg-liver-lesions-file", "liver_lesions_mr")])
def test_mr_outputs_open_through_the_plugin_importers(importer_id, task, tmp_path):
    like, flip = flipped_like()
    path = tmp_path / "seg.nii.gz"
    write_outputs(task, class_columns(task, SHAPE)[flip], like, path, multilabel=True)
    importer = next(i for i in make_plugin().importers if i.id == importer_id)
    assert importer.can_import(path) and task in importer.name
    imported = importer.load(path, REFERENCE)
    labels, segments = expected_maps(task, SHAPE)
    got = imported.labels if labels.any() else imported.segments
    assert np.array_equal(got.array, labels if labels.any() else segments)


def test_total_mr_file_is_not_read_with_the_ct_values(tmp_path):
    like, flip = flipped_like()
    path = tmp_path / "seg.nii.gz"
    write_outputs("total_mr", class_columns("total_mr", SHAPE)[flip], like, path, multilabel=True)
    as_ct = import_output(path, REFERENCE, "total")  # 24/25 mean other organs in the CT map
    assert set(as_ct.labels.present_values()) == {1}


def test_an_empty_lesion_result_is_a_user_error(tmp_path):
    like, _ = flipped_like()
    write_outputs("liver_lesions", np.zeros(SHAPE, np.uint8), like, tmp_path / "masks", multilabel=False)
    with pytest.raises(UserError, match="found nothing"):
        import_output(tmp_path / "masks", REFERENCE, "liver_lesions")


@pytest.mark.data
def test_class_maps_match_totalsegmentators_own(shared_data):
    """Every value the plugin reads is TotalSegmentator's, and no class the app uses is left out."""
    source = (shared_data / "totalseg_example" / "label_names_source.py.txt").read_text()
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "class_map")
    class_map = ast.literal_eval(node.value)
    for task, classes in TASK_CLASSES.items():
        theirs = class_map[task]
        assert {v: theirs[v] for v in classes} == classes, task
        assert {v: n for v, n in theirs.items() if is_used(n)} == classes, task
    for task, written in WRITTEN.items():  # the test outputs too
        assert all(class_map[task][v] == n for v, n in written.items()), task


def test_every_task_has_a_segmenter_and_a_map():
    plugin = make_plugin()
    assert {s.id for s in plugin.segmenters} == {t.segmenter_id for t in TASKS.values()}
    assert "totalsegmentator" in {s.id for s in plugin.segmenters}  # the id before the liver tasks came
    assert set(TASKS) <= set(TASK_CLASSES)
