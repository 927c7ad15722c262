"""File > Open cohort results: the cases of a ``batch`` / ``score-table`` output, sortable, filtered by
score group, and any case opened in the viewer (double-click or Open case).

Image, labels and segment paths relative to the table are looked up beside it, as ``batch`` wrote
them relative to its input table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from cned_viewer.cohort.table import read_results_table
from cned_viewer.errors import UserError

if TYPE_CHECKING:
    from cned_viewer.session import CaseSession

ALL_GROUPS = "all groups"
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def _item(cell: str, row: int) -> QStandardItem:
    """A read-only cell; numbers sort as numbers."""
    item = QStandardItem()
    try:
        item.setData(float(cell), Qt.ItemDataRole.DisplayRole)
        item.setData(cell, Qt.ItemDataRole.ToolTipRole)
    except ValueError:
        item.setData(cell, Qt.ItemDataRole.DisplayRole)
    item.setData(row, ROW_ROLE)
    item.setEditable(False)
    return item


class GroupFilter(QSortFilterProxyModel):
    """Rows whose text in ``column`` equals ``value`` exactly (every row when ``value`` is None)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column, self.value = -1, None

    def set_filter(self, column: int, value: str | None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9; invalidateFilter() is deprecated there
            self.beginFilterChange()
            self.column, self.value = column, value
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.column, self.value = column, value
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802 - Qt's name
        if self.value is None or self.column < 0:
            return True
        index = self.sourceModel().index(source_row, self.column, source_parent)
        return str(self.sourceModel().data(index, Qt.ItemDataRole.ToolTipRole) or self.sourceModel().data(index)) == self.value


class CohortResultsDialog(QDialog):
    """The table of cases with a score-group filter and Open case."""

    def __init__(self, parent: QWidget, session: CaseSession, path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
        super().__init__(parent)
        self.session, self.folder, self.header, self.rows = session, path.resolve().parent, header, rows
        self.setWindowTitle(f"Cohort results: {path.name} ({len(rows)} cases)")
        self.resize(1000, 560)
        self.model = QStandardItemModel(len(rows), len(header), self)
        self.model.setHorizontalHeaderLabels(header)
        for r, row in enumerate(rows):
            for c, column in enumerate(header):
                self.model.setItem(r, c, _item((row.get(column) or "").strip(), r))
        self.proxy = GroupFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the file's order until a click
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(lambda index: self.open_case(self.source_row(index.row())))
        self.score_box, self.group_box = QComboBox(self), QComboBox(self)
        self.score_box.addItems([c for c in header if c.endswith("_group")])
        self.score_box.currentTextChanged.connect(self._fill_groups)
        self.group_box.currentTextChanged.connect(self._apply_filter)
        self.open_button = QPushButton("&Open case", self)
        self.open_button.clicked.connect(self._open_selected)
        self.count_label = QLabel(self)
        bar = QHBoxLayout()
        for widget in (QLabel("Score group:", self), self.score_box, self.group_box, self.count_label):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self._fill_groups(self.score_box.currentText())

    def _fill_groups(self, column: str) -> None:
        index = self.header.index(column) if column in self.header else -1
        values = sorted({(row.get(column) or "").strip() for row in self.rows} - {""})
        self.group_box.blockSignals(True)
        self.group_box.clear()
        self.group_box.addItems([ALL_GROUPS, *values])
        self.group_box.blockSignals(False)
        self.proxy.column = index
        self._apply_filter(ALL_GROUPS)

    def _apply_filter(self, value: str) -> None:
        self.proxy.set_filter(self.proxy.column, None if value in (ALL_GROUPS, "") else value)
        self.count_label.setText(f"{self.proxy.rowCount()} of {len(self.rows)} cases")

    def source_row(self, view_row: int) -> int:
        """The table row shown at ``view_row`` (after sorting and filtering)."""
        return int(self.proxy.data(self.proxy.index(view_row, 0), ROW_ROLE))

    def _open_selected(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if not selected:
            QMessageBox.information(self, "Open case", "Select a case in the table first.")
            return
        self.open_case(self.source_row(selected[0].row()))

    def _path(self, row: dict[str, str], column: str) -> str | None:
        cell = (row.get(column) or "").strip()
        if not cell:
            return None
        path = Path(cell).expanduser()
        return str(path if path.is_absolute() else self.folder / path)

    def open_case(self, row_number: int) -> None:
        """Open the row's image, labels and segment map (or bundle) in the main window."""
        row = self.rows[row_number]
        image = self._path(row, "image")
        missing = [p for p in (image, self._path(row, "labels"), self._path(row, "segments")) if p and not Path(p).exists()]
        if image is None or missing:
            what = f"{', '.join(missing)} not found" if missing else "the row has no image path"
            QMessageBox.warning(self, "Open case", f"Cannot open this case: {what}. Paths are read relative to the table's folder.")
            return
        self.session.open_path(image, self._path(row, "labels"), (row.get("label_map") or "").strip() or None,
                                (row.get("series") or "").strip() or None, self._path(row, "segments"))


def open_cohort_results(window: QWidget, session: CaseSession, path: str | None = None) -> CohortResultsDialog | None:
    """Ask for a cohort results table (unless ``path`` is given) and show its cases beside the viewer."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "Open cohort results", "", "Tables (*.csv *.tsv *.txt);;All files (*)")
        if not path:
            return None
    try:
        header, rows = read_results_table(Path(path))
    except UserError as error:
        QMessageBox.warning(window, "Open cohort results", str(error))
        return None
    dialog = CohortResultsDialog(window, session, Path(path), header, rows)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
