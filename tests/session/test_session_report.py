"""The report of the open case, written through ``session.files`` (offscreen VTK, no window)."""

from __future__ import annotations

import dataclasses

from pypdf import PdfReader

from cned_viewer.core.labels import array_digest
from tests.session.helpers import paint, record, voxels


def _text(path) -> str:
    return " ".join("\n".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_report_names_the_edits_the_score_and_the_viewers_lesion_numbers(demo_session, tmp_path):
    s = demo_session
    tumour0 = voxels(s)
    paint(s)
    painted = voxels(s) - tumour0
    s.delete_lesion(11)
    s.set_clinical(dataclasses.replace(s.case.clinical, differentiation="poor"))
    written = record(s.files.report_written)
    assert s.files.export_report(str(tmp_path / "r.pdf"))
    assert written == [("report_written", (tmp_path / "r.pdf",))]
    text = _text(tmp_path / "r.pdf")
    assert f"mask SHA-256 {array_digest(s.case.labels.array)[:16]}" in text  # the labels as they are now
    assert f"C-NED {s.scores[0].total_text()}" in text and "C-NED 3 / 3" in text
    assert "Poorly differentiated primary 1 / 1 typed: poor" in text
    assert "Manual edits" in text
    assert "paint (cned-viewer editor" in text and f"tumour +{painted * s.case.image.geometry.voxel_volume_ml:.2f} mL (+{painted}/-0 voxels)" in text
    assert "delete_lesion (cned-viewer editor" in text
    lesions = text[text.index("Lesion"):text.index("Manual edits")]
    assert f" 12 {s.lesion(12).volume_ml:.2f} " in lesions  # the painted lesion keeps the viewer's number 12


def test_no_report_without_labels_or_writer(make_session, demo_files, tmp_path):
    s = make_session()
    failed = record(s.failed)
    assert not s.files.export_report(str(tmp_path / "a.pdf"))
    s.open_path(str(demo_files[0]))  # an image without labels
    assert not s.files.export_report(str(tmp_path / "b.pdf"))
    assert [args[0] for _, args in failed] == ["open a case with labels first"] * 2
    assert not list(tmp_path.glob("*.pdf"))
