"""The lesion table: one sortable row per lesion of :func:`cned_viewer.measure.measure`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from cned_viewer.measure.results import Lesion

LESION_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _distance(value: float | None) -> tuple[Any, str]:
    """Sorted by distance; shown in mm, ``-`` without that vessel."""
    if value is None:
        return float("inf"), "-"
    return value, f"{value:.1f}"


def _contact(value: float | None, contact: bool) -> tuple[Any, str]:
    """``yes`` / ``no`` (sorted yes last, ascending), ``-`` without that vessel."""
    if value is None:
        return -1, "-"
    return int(contact), "yes" if contact else "no"


def _segments(lesion: Lesion) -> tuple[Any, str]:
    if lesion.segments is None:
        return 0, "-"
    return len(lesion.segments), ", ".join(str(s) for s in lesion.segments) or "none"


#: Column heading -> (sort key, shown text) of a lesion.
COLUMNS: dict[str, Callable[[Lesion], tuple[Any, str]]] = {
    "Lesion": lambda l: (l.id, str(l.id)),
    "Vol. (mL)": lambda l: (l.volume_ml, f"{l.volume_ml:.2f}"),
    "Feret (mm)": lambda l: (l.feret_diameter_mm, f"{l.feret_diameter_mm:.1f}"),
    "Axial (mm)": lambda l: (l.axial_diameter_mm, f"{l.axial_diameter_mm:.1f}"),
    "Segm.": _segments,
    "PV dist. (mm)": lambda l: _distance(l.portal_vein_distance_mm),
    "PV contact": lambda l: _contact(l.portal_vein_distance_mm, l.portal_vein_contact),
    "HV dist. (mm)": lambda l: _distance(l.hepatic_vein_distance_mm),
    "HV contact": lambda l: _contact(l.hepatic_vein_distance_mm, l.hepatic_vein_contact),
}
#: The last column: each lesion's status at the follow-up chosen in the Follow-up tab (the last by default; "-" without
#: one), from :meth:`LesionTable.set_followup`.
FOLLOWUP = "Follow-up"
#: Columns shown as text (left-aligned) or as a yes/no flag (centred); the others are numbers.
TEXT_COLUMNS = ("Lesion", "Segm.")
FLAG_COLUMNS = ("PV contact", "HV contact")
HEADER_TIPS = {
    "Vol. (mL)": "lesion volume: voxel count x voxel volume",
    "Feret (mm)": "largest 3D (Feret) diameter",
    "Axial (mm)": "largest axial in-plane (RECIST-style) diameter",
    "Segm.": "Couinaud segments touched ('-': no segment map)",
    "PV dist. (mm)": "minimum distance to the portal vein ('-': no portal vein label)",
    "PV contact": "portal vein contact: no parenchyma separates lesion and vein (within the contact threshold)",
    "HV dist. (mm)": "minimum distance to the hepatic veins / IVC ('-': no hepatic vein label)",
    "HV contact": "hepatic vein / IVC contact: no parenchyma separates lesion and vein (within the contact threshold)",
    FOLLOWUP: "status at the follow-up scan chosen in the Follow-up tab, and the volume change",
}


class _SortItem(QTableWidgetItem):
    """A cell shown as text and sorted by its value."""

    def __init__(self, key: Any, text: str) -> None:
        super().__init__(text)
        self.key = key

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.key < getattr(other, "key", other.text())


class LesionTable(QTableWidget):
    """Lesions with volume, diameters, segments and vessel contact; click a row to go there."""

    lesion_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS) + 1, parent)
        self.lesions: tuple[Lesion, ...] = ()
        self.followup: dict[int, str] = {}
        self.setHorizontalHeaderLabels([*COLUMNS, FOLLOWUP])
        for column, heading in enumerate([*COLUMNS, FOLLOWUP]):
            self.horizontalHeaderItem(column).setToolTip(HEADER_TIPS.get(heading, ""))
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(True)
        self.itemSelectionChanged.connect(self._emit_selection)

    def set_lesions(self, lesions: Sequence[Lesion]) -> None:
        self.lesions = tuple(lesions)
        self.setSortingEnabled(False)
        self.blockSignals(True)
        self.clearContents()
        self.setRowCount(len(self.lesions))
        for row, lesion in enumerate(self.lesions):
            for column, (heading, describe) in enumerate(COLUMNS.items()):
                key, text = describe(lesion)
                item = _SortItem(key, text)
                item.setData(LESION_ID_ROLE, lesion.id)
                if heading in FLAG_COLUMNS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                elif heading not in TEXT_COLUMNS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, column, item)
            status = self.followup.get(lesion.id, "-")
            item = _SortItem(status, status)
            item.setData(LESION_ID_ROLE, lesion.id)
            self.setItem(row, len(COLUMNS), item)
        self.setSortingEnabled(True)
        self.sortItems(0, Qt.SortOrder.AscendingOrder)
        self.blockSignals(False)

    def set_followup(self, statuses: dict[int, str] | None, name: str | None = None) -> None:
        """Each baseline lesion's status at follow-up ``name`` (e.g. ``persisting, -42 %``), named in the column's
        heading; None: no follow-up."""
        self.horizontalHeaderItem(len(COLUMNS)).setText(f"{FOLLOWUP}: {name}" if statuses and name else FOLLOWUP)
        if dict(statuses or {}) == self.followup:
            return
        self.followup = dict(statuses or {})
        selected = self.selected_lesion()
        self.set_lesions(self.lesions)
        if selected is not None:
            self.blockSignals(True)
            self.select_lesion(selected)
            self.blockSignals(False)

    def row_of(self, lesion_id: int) -> int | None:
        for row in range(self.rowCount()):
            if self.item(row, 0).data(LESION_ID_ROLE) == lesion_id:
                return row
        return None

    def select_lesion(self, lesion_id: int) -> None:
        """Select the row of ``lesion_id`` (emits :attr:`lesion_selected` if it changes)."""
        row = self.row_of(lesion_id)
        if row is not None:
            self.selectRow(row)

    def selected_lesion(self) -> int | None:
        rows = {index.row() for index in self.selectedIndexes()}
        return int(self.item(rows.pop(), 0).data(LESION_ID_ROLE)) if len(rows) == 1 else None

    def _emit_selection(self) -> None:
        lesion_id = self.selected_lesion()
        if lesion_id is not None:
            self.lesion_selected.emit(lesion_id)
