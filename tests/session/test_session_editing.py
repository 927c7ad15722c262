"""Editing the labels through the session: strokes, undo/redo, region tools, lesion tools, clinical inputs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import ndimage

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR
from cned_viewer.editing.tool_settings import ToolSettings
from tests.session.helpers import STROKE, names, paint, record, volume_ml, voxels


def test_paint_stroke_grows_the_tumour_and_undo_redo_are_exact(demo_session):
    s = demo_session
    before = s.case.labels.array.copy()
    ttv0, count0 = s.measurements.to_json()["ttv_ml"], voxels(s)
    seen = record(s.stale_changed, s.measured, s.live_measured, s.labels_changed)
    paint(s)
    gained = voxels(s) - count0
    assert gained > 200  # a 6 mm disc dragged 8 voxels along x at 0.8 mm
    assert np.count_nonzero(s.case.labels.array != before) == gained  # parenchyma became tumour, nothing else
    measured = s.measurements.to_json()
    assert measured["ttv_ml"] == pytest.approx(volume_ml(s)) and measured["ttv_ml"] > ttv0
    assert measured["lesion_count"] == 12 and not measured["lesions_stale"]  # a new lesion in clean parenchyma
    stale = [args[0] for name, args in seen if name == "stale_changed"]
    assert stale[0] is True and stale[-1] is False and names(seen)[-1] == "measured"
    assert "live_measured" in names(seen) and "labels_changed" in names(seen)
    assert len(s.case.provenance) == 1
    entry = s.case.provenance[0]
    assert entry.operation == "paint" and entry.parameters["points"] == len(STROKE)
    assert {c.key: c.gained_voxels for c in entry.changes}["tumour"] == gained
    assert s.has_unsaved_changes
    painted = s.case.labels.array.copy()
    s.undo()
    assert np.array_equal(s.case.labels.array, before)
    assert s.measurements.to_json()["ttv_ml"] == pytest.approx(ttv0) and s.measurements.to_json()["lesion_count"] == 11
    s.redo()
    assert np.array_equal(s.case.labels.array, painted)
    assert [e.operation for e in s.case.provenance] == ["paint", "undo: paint", "redo: paint"]


def test_erase_inside_a_lesion_gives_parenchyma_back(demo_session):
    s = demo_session
    centre = s.lesion_centre(1)
    assert s.case.labels.array[centre] == TUMOUR
    parenchyma0, tumour0 = voxels(s, LIVER_PARENCHYMA), voxels(s)
    paint(s, radius_mm=4.0, tool="erase", points=(centre,))
    lost = tumour0 - voxels(s)
    assert lost > 30 and voxels(s, LIVER_PARENCHYMA) - parenchyma0 == lost
    assert s.measurements.to_json()["ttv_ml"] == pytest.approx(volume_ml(s))


def test_navigate_changes_nothing(demo_session):
    s = demo_session
    before = s.case.labels.array.copy()
    paint(s, tool="navigate")
    assert np.array_equal(s.case.labels.array, before) and s.case.provenance == [] and not s.has_unsaved_changes


def test_fill_holes_closes_a_hole_punched_in_the_liver(demo_session):
    s = demo_session
    before = s.case.labels.array.copy()
    paint(s, radius_mm=3.0, tool="erase", label=LIVER_PARENCHYMA, points=STROKE[:1])  # parenchyma -> background
    assert 0 < np.count_nonzero(s.case.labels.array != before) == voxels(s, 0) - np.count_nonzero(before == 0)
    s.fill_holes()
    assert s.case.provenance[-1].operation == "fill_holes"
    assert np.array_equal(s.case.labels.array, before)
    status = record(s.status)
    s.fill_holes()
    assert status == [("status", ("No holes to fill.", 8000))]


def test_remove_islands_drops_the_small_lesions(demo_session):
    s = demo_session
    array = s.case.labels.array
    components, n = ndimage.label(array == TUMOUR, structure=np.ones((3, 3, 3)))
    sizes = np.bincount(components.ravel())[1:] * s.case.image.geometry.voxel_volume_ml
    small = int((sizes < 1.0).sum())
    assert small >= 3
    tumour0 = voxels(s)
    s.tool = ToolSettings(label=TUMOUR)
    s.remove_islands(1.0)
    assert tumour0 - voxels(s) == int(np.bincount(components.ravel())[1:][sizes < 1.0].sum())
    assert s.measurements.to_json()["lesion_count"] == 11 - small
    assert s.case.provenance[-1].operation == "remove_islands"


@pytest.mark.parametrize("relabel", [False, True])
def test_delete_or_relabel_a_lesion_by_id(demo_session, relabel):
    s = demo_session
    lesion = s.lesion(2)
    voxels_of_lesion = round(lesion.volume_ml / s.case.image.geometry.voxel_volume_ml)
    tumour0, parenchyma0 = voxels(s), voxels(s, LIVER_PARENCHYMA)
    s.delete_lesion(2, relabel=relabel)
    assert tumour0 - voxels(s) == voxels_of_lesion
    if relabel:
        assert voxels(s, LIVER_PARENCHYMA) - parenchyma0 == voxels_of_lesion
    assert s.measurements.to_json()["lesion_count"] == 10
    assert s.lesion(2) is None  # the others keep their numbers
    assert sorted(l.id for l in s.measurements.lesions) == [1, *range(3, 12)]
    assert s.case.provenance[-1].operation == ("relabel" if relabel else "delete_lesion")


def test_click_with_the_lesion_tools(demo_session):
    s = demo_session
    centre = s.lesion_centre(1)
    s.tool = ToolSettings(tool="paint")
    s.click(centre)  # not a lesion tool: nothing
    assert s.case.provenance == []
    s.tool = ToolSettings(tool="delete_lesion")
    status = record(s.status)
    s.click((60, 5, 5))  # background
    assert s.case.provenance == [] and status[-1][1][0].startswith("Nothing there to change")
    s.click(centre)
    assert s.measurements.to_json()["lesion_count"] == 10 and s.lesion(1) is None
    s.undo()
    s.tool = ToolSettings(tool="relabel_lesion")
    s.click(centre)
    assert s.case.labels.array[centre] == LIVER_PARENCHYMA and s.lesion(1) is None


def test_clinical_inputs_change_the_cned_score_and_are_unsaved(demo_session):
    s = demo_session
    assert s.scores[0].total is None and not s.has_unsaved_changes
    changed = record(s.scores_changed)
    s.set_clinical(dataclasses.replace(s.case.clinical, differentiation="poor"))
    assert s.scores[0].total == 3 and s.scores[0].missing == ()  # > 8 lesions, TLVR >= 0.23, poorly differentiated
    assert s.has_unsaved_changes and len(changed) == 1
    s.set_clinical(ClinicalData(differentiation="well"))
    assert s.scores[0].total == 2
