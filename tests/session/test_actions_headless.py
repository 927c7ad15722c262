"""Every menu action, headless: what changes the case is driven through the session call it ends in.

HEADLESS maps each such action id to a check run on a fresh demo session; VIEW_ONLY names the
actions that only change what is shown, each with its reason. The table is read from the source of
``cned_viewer/ui/actions.py`` (importing it would load PySide6): an action in neither fails.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
import pytest
from pypdf import PdfReader

from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR, array_digest
from cned_viewer.editing.tool_settings import ToolSettings
from cned_viewer.io.case_bundle import bundle_path
from cned_viewer.io.case_export import export_case
from cned_viewer.io.masks import load_labels, save_labels
from cned_viewer.measure import MeasureOptions
from tests.session.action_ids import ACTIONS, action_ids
from tests.session.helpers import STROKE, paint, synthetic_dicom_case, voxels
from tests.session.plan_action_checks import PLAN_CHECKS


@dataclasses.dataclass
class Ctx:
    s: Any  # the CaseSession, demo case open
    tmp: Path
    demo: Any  # the pristine demo Case
    files: tuple[Path, Path]  # demo image, labels (NIfTI)
    segments: Path
    dicom_series: Callable[..., Path]


def _painted(c: Ctx) -> np.ndarray:
    paint(c.s)
    return c.s.case.labels.array.copy()


def open_dicom(c: Ctx) -> None:  # open-dicom, open-pacs (the retrieved folder): session.open_dicom
    c.s.open_dicom(str(c.dicom_series([0.0, 2.0, 4.0])))
    assert c.s.case.image.array.shape == (3, 6, 8) and c.s.case.labels is None and not c.s.editable


def open_image(c: Ctx) -> None:  # session.open_path(image)
    c.s.open_path(str(c.files[0]))
    assert c.s.case.metadata["source"] == str(c.files[0]) and c.s.case.labels is None and c.s.measurements is None


def open_labels(c: Ctx) -> None:  # session.open_labels(path), mapping from the questions
    changed = c.demo.labels.copy()
    changed.array[:60][changed.array[:60] == TUMOUR] = LIVER_PARENCHYMA
    c.s.open_labels(str(save_labels(changed, c.tmp / "labels.nii.gz")))
    vv = c.s.case.image.geometry.voxel_volume_ml
    assert c.s.measurements.to_json()["ttv_ml"] == pytest.approx(np.count_nonzero(changed.array == TUMOUR) * vv)
    assert np.array_equal(c.s.case.labels.array, changed.array)


def open_segments(c: Ctx) -> None:  # session.open_segments(path)
    c.s.open_segments(str(c.segments))
    assert c.s.case.segments is not None and set(c.s.measurements.to_json()["segments_involved"]) <= {2, 7}


def open_bundle(c: Ctx) -> None:  # session.open_bundle(folder)
    painted = _painted(c)
    c.s.files.save_to(c.tmp / "b.cned")
    c.s.undo()
    c.s.questions.unsaved = "discard"
    c.s.open_bundle(str(c.tmp / "b.cned"))
    assert np.array_equal(c.s.case.labels.array, painted) and c.s.files.bundle_folder == c.tmp / "b.cned"


def open_demo(c: Ctx) -> None:  # open-demo, help-demo: session.open_demo()
    _painted(c)
    c.s.questions.unsaved = "discard"
    assert c.s.open_demo() and np.array_equal(c.s.case.labels.array, c.demo.labels.array) and c.s.case.provenance == []


def open_cohort(c: Ctx) -> None:  # a cohort row: session.open_path(image, labels, label_map, series, segments)
    c.s.open_path(str(c.files[0]), str(c.files[1]), None, None, str(c.segments))
    assert np.array_equal(c.s.case.labels.array, c.demo.labels.array) and c.s.measurements.to_json()["bilobar"] is not None


def send_pacs(c: Ctx) -> None:  # ui.pacs_dialogs.case_exporter(session): files.snapshot(), then SEG + SR of it
    series, labels = synthetic_dicom_case(c.dicom_series, c.tmp)
    c.s.open_path(str(series), str(labels))
    c.s.delete_lesion(2)
    snapshot, edited = c.s.files.snapshot(), c.s.case.labels.array.copy()
    c.s.undo()  # the user edits on while the export runs
    sr, seg = export_case(snapshot, "dicom-sr", c.tmp / "sr.dcm", seg_output=c.tmp / "seg.dcm", measurements=c.s.measurements).paths
    assert np.array_equal(load_labels(seg, c.s.case.image.geometry).array, edited) and c.s.files.dicom_source() == str(series)
    assert pydicom.dcmread(seg).SegmentSequence[0].SegmentAlgorithmType == "MANUAL" and pydicom.dcmread(sr).Modality == "SR"


def save_case(c: Ctx) -> None:  # no bundle yet: Save as; then files.save_to(files.bundle_folder)
    assert c.s.files.bundle_folder is None
    c.s.files.save_to(bundle_path(c.tmp / "c"))
    painted = _painted(c)
    c.s.files.save_to(c.s.files.bundle_folder)
    assert np.array_equal(load_labels(c.tmp / "c.cned" / "labels.nii.gz", c.s.case.image.geometry).array, painted)
    assert not c.s.has_unsaved_changes


def save_case_as(c: Ctx) -> None:  # files.save_to(bundle_path(chosen path))
    painted = _painted(c)
    c.s.files.save_to(bundle_path(c.tmp / "as"))
    assert (c.tmp / "as.cned" / "manifest.json").read_text().count(array_digest(painted)) == 1


def save_labels_as(c: Ctx) -> None:  # files.save_labels_to(path)
    painted = _painted(c)
    c.s.files.save_labels_to(str(c.tmp / "l.nrrd"))
    assert np.array_equal(load_labels(c.tmp / "l.nrrd", c.s.case.image.geometry).array, painted) and not c.s.has_unsaved_changes


def export_report(c: Ctx) -> None:  # files.export_report(path, page size, de-identify)
    c.s.files.export_report(str(c.tmp / "r.pdf"), "letter", deidentify=True)
    reader = PdfReader(c.tmp / "r.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792] and "Synthetic" not in text and "C-NED" in text


def quit_(c: Ctx) -> None:  # the window's closeEvent: session.close()
    _painted(c)
    assert c.s.close() is False and c.s.editable  # unsaved, the user stays
    c.s.questions.unsaved = "discard"
    assert c.s.close() is True and c.s.edit_session is None


def undo(c: Ctx) -> None:  # session.undo()
    before = c.s.case.labels.array.copy()
    _painted(c)
    c.s.undo()
    assert np.array_equal(c.s.case.labels.array, before) and c.s.measurements.to_json()["lesion_count"] == 11


def redo(c: Ctx) -> None:  # session.redo()
    painted = _painted(c)
    c.s.undo()
    c.s.redo()
    assert np.array_equal(c.s.case.labels.array, painted) and c.s.measurements.to_json()["lesion_count"] == 12


def fill_holes(c: Ctx) -> None:  # session.fill_holes() with the active label
    before = c.s.case.labels.array.copy()
    paint(c.s, radius_mm=3.0, tool="erase", label=LIVER_PARENCHYMA, points=STROKE[:1])
    assert voxels(c.s, 0) > np.count_nonzero(before == 0)
    c.s.fill_holes()
    assert np.array_equal(c.s.case.labels.array, before)


def remove_islands(c: Ctx) -> None:  # the dialog's value: session.remove_islands(min_ml)
    c.s.remove_islands(0.3)
    assert c.s.measurements.to_json()["lesion_count"] == 10 and c.s.case.provenance[-1].operation == "remove_islands"


def tool(name: str) -> Callable[[Ctx], None]:
    """tool-<name>: the edit dock sets ``session.tool``; a press or click then acts with it."""

    def check(c: Ctx) -> None:
        before, tumour0, centre = c.s.case.labels.array.copy(), voxels(c.s), c.s.lesion_centre(1)
        if name in ("navigate", "paint"):
            paint(c.s, tool=name)
            assert (voxels(c.s) > tumour0) == (name == "paint") and np.array_equal(c.s.case.labels.array, before) == (name == "navigate")
        elif name == "erase":
            paint(c.s, tool="erase", points=(centre,))
            assert 0 < tumour0 - voxels(c.s) == voxels(c.s, LIVER_PARENCHYMA) - np.count_nonzero(before == LIVER_PARENCHYMA)
        else:
            c.s.tool = ToolSettings(tool=name)
            c.s.click(centre)
            assert c.s.lesion(1) is None and c.s.measurements.to_json()["lesion_count"] == 10
            assert c.s.case.labels.array[centre] == LIVER_PARENCHYMA  # a lesion inside the liver: parenchyma either way
            assert c.s.case.provenance[-1].operation == {"delete_lesion": "delete_lesion", "relabel_lesion": "relabel"}[name]
            assert tumour0 - voxels(c.s) == voxels(c.s, LIVER_PARENCHYMA) - np.count_nonzero(before == LIVER_PARENCHYMA)

    return check


def brush(steps: int) -> Callable[[Ctx], None]:
    """brush-smaller / brush-larger: the dock's ``ToolSettings.with_radius_step``; strokes paint less / more."""

    def check(c: Ctx) -> None:
        tumour0 = voxels(c.s)
        paint(c.s, radius_mm=5.0)
        at_5mm = voxels(c.s) - tumour0
        c.s.undo()
        radius = ToolSettings(tool="paint", radius_mm=5.0).with_radius_step(steps).radius_mm
        assert radius == (4.5 if steps < 0 else 6.0)
        paint(c.s, radius_mm=radius)
        assert (voxels(c.s) - tumour0 < at_5mm) == (steps < 0)

    return check


def measure_settings(c: Ctx) -> None:  # the dialog's options: window.set_measure_options -> session.set_options
    c.s.set_options(MeasureOptions(min_lesion_volume_ml=1.0))
    assert c.s.options.min_lesion_volume_ml == 1.0 and c.s.measurements.to_json()["lesion_count"] == 8


def open_followup(c: Ctx) -> None:  # open-followup, open-followup-dicom: session.followups.open(scan, labels)
    c.s.followups.open(str(c.files[0]), str(c.files[1]), name="same scan")
    comparison = c.s.followups.comparison
    assert c.s.followups.names == ["same scan"] and comparison is not None and c.s.has_unsaved_changes
    assert {m["status"] for m in comparison.to_json()["lesions"]} == {"persisting"}
    assert comparison.to_json()["recist"]["response"] == "SD" and c.s.followups.to_followup("same scan", STROKE[0]) == STROKE[0]


HEADLESS: dict[str, Callable[[Ctx], None]] = {
    "open-dicom": open_dicom, "open-pacs": open_dicom, "open-image": open_image, "open-labels": open_labels,
    "open-segments": open_segments, "open-bundle": open_bundle, "open-demo": open_demo, "help-demo": open_demo,
    "open-cohort": open_cohort, "send-pacs": send_pacs, "save-case": save_case, "save-case-as": save_case_as,
    "save-labels-as": save_labels_as, "export-report": export_report, "quit": quit_, "undo": undo, "redo": redo,
    "fill-holes": fill_holes, "remove-islands": remove_islands, "brush-smaller": brush(-1), "brush-larger": brush(1),
    "measure-settings": measure_settings,
    **{f"tool-{name}": tool(name) for name in ("navigate", "paint", "erase", "delete_lesion", "relabel_lesion")},
    **PLAN_CHECKS,
    "open-followup": open_followup, "open-followup-dicom": open_followup,
}

VIEW_ONLY: dict[str, str] = {
    **{f"window-{name}": "a grey-level window preset of the slice views" for name in ("liver", "abdomen", "bone")},
    **{f"camera-{name}": "a camera position of the 3D view" for name in ("anterior", "posterior", "left", "right", "superior")},
    "outline": "label outlines instead of filled labels in the slice views",
    "reset-zoom": "the slice views' zoom and pan",
    "help-keys": "shows the mouse and key help (text from the table)",
    "about": "shows the version and licences",
    "plugins": "shows the plugin list; enabling one is the PluginManager's (tests/plugins)",
    "pacs-settings": "edits the PACS connection settings, not the case (tests/unit/pacs)",
    "plan-tab": "shows the Plan tab (Undo and Redo of plan edits while it is shown: tests/qt/test_plan_tab.py)",
}


@pytest.mark.parametrize("action_id", sorted(HEADLESS))
def test_action_headless(action_id, demo_session, demo_case, demo_files, demo_segments, dicom_series, tmp_path):
    HEADLESS[action_id](Ctx(demo_session, tmp_path, demo_case, demo_files, demo_segments, dicom_series))


def test_every_action_is_covered():
    ids = action_ids()
    assert len(ids) == len(set(ids)) and "open-demo" in ids and "tool-paint" in ids and "window-liver" in ids
    assert not set(HEADLESS) & set(VIEW_ONLY)
    assert all(reason.strip() for reason in VIEW_ONLY.values())
    assert sorted(set(ids) - set(HEADLESS) - set(VIEW_ONLY)) == [], "actions without a headless check or a view-only reason"
    assert sorted((set(HEADLESS) | set(VIEW_ONLY)) - set(ids)) == [], "checks of actions the table no longer has"


def test_a_new_action_or_camera_is_not_covered_by_itself(tmp_path):
    source = ACTIONS.read_text(encoding="utf-8")
    changed = source.replace('        Action("about",', '        Action("zz-new", "Help", "New", lambda w: w.session.close()),\n        Action("about",', 1)
    changed = changed.replace('CAMERA_PRESETS = ("anterior",', 'CAMERA_PRESETS = ("inferior", "anterior",', 1)
    (tmp_path / "actions.py").write_text(changed, encoding="utf-8")
    assert set(action_ids(tmp_path / "actions.py")) - set(HEADLESS) - set(VIEW_ONLY) == {"zz-new", "camera-inferior"}
