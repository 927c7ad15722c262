"""File > Open cohort results: the cases of a batch output, sorted, filtered by score group, opened in the viewer."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from benchmarks.batch_workers import write_small_cases
from cned_viewer.cli import main
from cned_viewer.ui.cohort_view import ALL_GROUPS, CohortResultsDialog, open_cohort_results


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A real batch output of four small cases (in-process), one of them broken."""
    folder = tmp_path_factory.mktemp("cohort_view")
    table = write_small_cases(folder, 3, voxel_mm=3.0)
    with open(table, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows.append({**rows[0], "patient_id": "BROKEN", "labels": "missing.nii.gz"})
    with open(table, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    output = folder / "results.csv"
    assert main(["batch", str(table), "-o", str(output), "--jobs", "1"]) == 1
    return output


def _rows(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _column(dialog, name: str) -> list[str]:
    c = dialog.header.index(name)
    return [str(dialog.proxy.data(dialog.proxy.index(r, c), Qt.ItemDataRole.ToolTipRole)
                or dialog.proxy.data(dialog.proxy.index(r, c))) for r in range(dialog.proxy.rowCount())]


def test_menu_opens_the_table_sorts_filters_and_opens_a_case(qtbot, window, wait_ready, results, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(results), ""))
    opened: list[tuple] = []
    real_open = window.session.open_path
    monkeypatch.setattr(window.session, "open_path", lambda *args: opened.append(args) or real_open(*args))
    window.findChild(QAction, "open-cohort").trigger()
    dialog = window.findChild(CohortResultsDialog)
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.proxy.rowCount() == 4
    assert _column(dialog, "patient_id") == [row["patient_id"] for row in _rows(results)]  # the file's order first
    # sort by measured liver volume, descending: numbers sort as numbers
    dialog.table.sortByColumn(dialog.header.index("measured_total_liver_ml"), Qt.SortOrder.DescendingOrder)
    volumes = [float(v) for v in _column(dialog, "measured_total_liver_ml") if v]
    assert volumes == sorted(volumes, reverse=True) and len(volumes) == 3
    # filter by C-NED group: the groups come from the table
    dialog.score_box.setCurrentText("cned_group")
    groups = [dialog.group_box.itemText(i) for i in range(dialog.group_box.count())]
    assert groups[0] == ALL_GROUPS and len(groups) >= 2
    chosen = groups[1]
    dialog.group_box.setCurrentText(chosen)
    shown = _column(dialog, "cned_group")
    assert shown and set(shown) == {chosen} and dialog.count_label.text().startswith(f"{len(shown)} of 4")
    dialog.group_box.setCurrentText(ALL_GROUPS)
    assert dialog.proxy.rowCount() == 4
    # open the first shown case (after sorting) in the viewer
    dialog.table.selectRow(0)
    expected_id = _column(dialog, "patient_id")[0]
    dialog.open_button.click()
    wait_ready(window)
    row = next(r for r in dialog.rows if r["patient_id"] == expected_id)
    assert opened == [(str(results.parent / row["image"]), str(results.parent / row["labels"]), None, None, None)]
    assert window.session.case.labels is not None and window.session.case.image.geometry.spacing_xyz_mm[0] != 0.8  # the small case, not the demo


def test_a_broken_case_and_a_non_table_are_refused_with_a_message(qtbot, window, results, tmp_path, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    dialog = open_cohort_results(window, window.session, str(results))
    qtbot.addWidget(dialog)
    dialog.open_case(next(i for i, r in enumerate(dialog.rows) if r["patient_id"] == "BROKEN"))
    assert "missing.nii.gz not found" in warnings[-1]
    not_a_table = tmp_path / "notes.csv"
    not_a_table.write_text("just some text\n")
    assert open_cohort_results(window, window.session, str(not_a_table)) is None and "no image column" in warnings[-1]
