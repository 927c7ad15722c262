"""Score panel and clinical form: plain-words headline, field jumps, stale marks, cut-off-safe numbers."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QTabWidget

from cned_viewer.core import Geometry, LabelMap
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.measure import IncrementalMeasurer
from cned_viewer.scores.inputs import build_inputs
from cned_viewer.scores.registry import evaluate_all
from cned_viewer.ui.clinical_form import IMPLAUSIBLE_STYLE, ClinicalForm
from cned_viewer.ui.score_panel import OTHER_HEADERS, UPDATING, ScorePanel


def panel(qtbot) -> ScorePanel:
    widget = ScorePanel()
    qtbot.addWidget(widget)
    return widget


def measurer() -> IncrementalMeasurer:
    labels = np.zeros((10, 30, 30), np.uint8)
    labels[1:9, 2:28, 2:28] = 1
    labels[3:7, 5:10, 5:10] = 2
    return IncrementalMeasurer(LabelMap(labels, Geometry.for_array(labels.shape, (2.0, 1.0, 1.0))))


def test_headline_in_plain_words_and_a_click_asks_for_the_missing_field(qtbot):
    widget = panel(qtbot)
    widget.show()
    clinical = ClinicalData(node_positive=True)
    widget.show_results(evaluate_all(build_inputs(clinical, {"lesion_count": 9, "tlvr": 0.1, "lesions": []})))
    assert widget.cned_total.text() == "C-NED 1-2 of 3 — differentiation of the primary missing"
    with qtbot.waitSignal(widget.missing_input_clicked) as clicked:
        qtbot.mouseClick(widget.cned_total, Qt.MouseButton.LeftButton)
    assert clicked.args == ["differentiation"]
    with qtbot.waitSignal(widget.missing_input_clicked) as clicked:
        widget.details.anchorClicked.emit(QUrl("field:differentiation"))
    assert clicked.args == ["differentiation"]
    assert "missing: Differentiation of the primary" in widget.details_text()


def test_complete_headline_keeps_total_and_group(qtbot):
    widget = panel(qtbot)
    results = evaluate_all(build_inputs(ClinicalData(differentiation="poor"), {"lesion_count": 9, "tlvr": 0.3, "lesions": []}))
    widget.show_results(results)
    assert widget.cned_total.text() == "C-NED 3 / 3 (group 3)"


def test_other_scores_are_marked_updating_while_lesions_are_stale(qtbot):
    widget = panel(qtbot)
    engine = measurer()
    clinical = ClinicalData(differentiation="well", node_positive=True, synchronous=True, cea_ng_ml=10)
    fresh = engine.measurements()
    widget.show_results(evaluate_all(build_inputs(clinical, fresh.to_json())), fresh)
    tops = [widget.others.topLevelItem(i) for i in range(widget.others.topLevelItemCount())]
    assert not any(UPDATING in t.text(1) for t in tops)
    old = engine._labels[4:5, 20:22, 20:22].copy()
    engine._labels[4:5, 20:22, 20:22] = 2  # a new lesion painted: the count is stale until the refresh
    engine.apply_edit((4, 5, 20, 22, 20, 22), old)
    stale = engine.measurements()
    assert stale.lesions_stale
    widget.show_results(evaluate_all(build_inputs(clinical, stale.to_json())), stale)
    marked = {widget.others.topLevelItem(i).text(0): UPDATING in widget.others.topLevelItem(i).text(1)
              for i in range(widget.others.topLevelItemCount())}
    assert marked["Fong clinical risk score"] and marked["Tumour Burden Score"] and not marked["Total tumour volume"]
    assert widget.cned_total.text().endswith(f"({UPDATING})")
    assert tuple(widget.others.headerItem().text(k) for k in range(2)) == OTHER_HEADERS


def test_tlvr_just_under_the_cutoff_is_not_shown_as_the_cutoff(qtbot):
    widget = panel(qtbot)
    clinical = ClinicalData(differentiation="well", overrides={"tlvr": 0.2299999, "lesion_count": 3})
    widget.show_results(evaluate_all(build_inputs(clinical)))
    text = widget.details_text()
    assert "0.2299999" in text and "TLVR: 0.23 " not in text


def test_fong_at_exactly_12_months_says_sources_differ(qtbot):
    widget = panel(qtbot)
    clinical = ClinicalData(synchronous=False, disease_free_interval_months=12)
    widget.show_results(evaluate_all(build_inputs(clinical)))
    fong = next(widget.others.topLevelItem(i) for i in range(widget.others.topLevelItemCount())
                if widget.others.topLevelItem(i).text(0).startswith("Fong"))
    rows = {fong.child(k).text(0): fong.child(k).text(1) for k in range(fong.childCount())}
    assert "sources differ" in rows and "Fong 1999" in rows["sources differ"] and "Xue" in rows["sources differ"]


def test_implausible_value_is_warned_in_the_form(qtbot):
    form = ClinicalForm()
    qtbot.addWidget(form)
    edit = form.override_edits["largest_diameter_cm"]
    edit.setText("52")
    with qtbot.waitSignal(form.clinical_changed):
        edit.editingFinished.emit()
    assert form.clinical.overrides["largest_diameter_cm"].value == 52
    assert "mm typed as cm?" in form.plausibility.text() and edit.styleSheet() == IMPLAUSIBLE_STYLE
    edit.setText("5.2")
    edit.editingFinished.emit()
    assert form.plausibility.text() == "" and edit.styleSheet() == ""


def test_focus_field_shows_the_field_in_its_tab(qtbot):
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(ClinicalForm(), "Clinical")
    form = tabs.widget(0)
    tabs.insertTab(0, ScorePanel(), "Scores")
    tabs.setCurrentIndex(0)
    tabs.show()
    qtbot.waitExposed(tabs)
    tabs.activateWindow()
    form.focus_field("cea_ng_ml")
    assert tabs.currentWidget() is form
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.inputs["cea_ng_ml"] or form.inputs["cea_ng_ml"].hasFocus(),
                    timeout=2000)
    form.focus_field("tlvr")  # an image item: its override box
    qtbot.waitUntil(lambda: form.override_edits["tlvr"].hasFocus(), timeout=2000)


def test_an_input_states_its_origin_once(qtbot):
    widget = panel(qtbot)
    widget.show_results(evaluate_all(build_inputs(ClinicalData(differentiation="poor"), {"lesion_count": 9, "tlvr": 0.3, "lesions": []})))
    text = widget.details_text()
    assert "Differentiation of the primary: poor" in text and "poor (typed)" not in text
