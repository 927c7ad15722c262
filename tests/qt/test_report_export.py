"""File > Export report on the demo case: the PDF is written in a worker and quotes the panel's C-NED total."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from cned_viewer.core.labels import TUMOUR
from cned_viewer.editing.brush import Brush
from cned_viewer.editing.rules import PaintRules


def test_export_report_of_the_demo_case(qtbot, window, wait_ready, tmp_path) -> None:
    from cned_viewer.measure import MeasureOptions

    window.session.open_demo()
    wait_ready(window)
    window.set_measure_options(MeasureOptions(connectivity=18, contact_threshold_mm=2.5))  # the report follows the settings
    wait_ready(window)
    session = window.session.edit_session  # one edit, so the report lists it
    session.begin_stroke((60, 40, 40), Brush(3.0), PaintRules.paint(TUMOUR))
    session.end_stroke()
    wait_ready(window)
    box = window.clinical_form.inputs["differentiation"]
    with qtbot.waitSignal(window.scores_ready):
        box.setCurrentIndex(box.findData("poor"))  # clinical data typed in the form: a complete total
    shown = window.score_panel.cned_total.text()  # e.g. "C-NED 3 (group ...)"
    cned = next(r for r in window.session.scores if r.score_id == "cned")
    assert cned.total is not None and cned.total_text() in shown
    target = tmp_path / "report.pdf"
    with qtbot.waitSignal(window.report_written, timeout=120_000) as written:
        window.session.files.export_report(str(target), "letter", deidentify=True)
    assert written.args[0] == target and target.is_file()
    reader = PdfReader(target)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert shown.startswith(f"C-NED {cned.total_text()}")
    assert f"C-NED {cned.total_text()}" in text  # the total the panel shows
    assert "paint" in text  # the edit log
    assert "18-connected tumour voxels of at least 0.1 mL; vessel contact within 2.50 mm" in " ".join(text.split())
    assert "DEMO^SYNTHETIC" not in text and "CNED-DEMO-0001" not in text
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (612, 792)
