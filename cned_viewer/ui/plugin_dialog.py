"""The plugin manager dialog: found plugins, versions, contributions, state and errors."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from cned_viewer.plugins.manager import PluginManager, PluginRecord

COLUMNS = ("Enabled", "Plugin", "Version", "State", "Contributes", "Error")


def contributions_text(record: PluginRecord) -> str:
    """E.g. ``segmenters: liver, metastasis; scores: example``."""
    parts = []
    for kind, items in (record.to_json().get("contributions") or {}).items():
        if items:
            parts.append(f"{kind}: {', '.join(str(i) for i in items)}")
    return "; ".join(parts) or ("(load it to see)" if record.state != "enabled" else "nothing")


class PluginDialog(QDialog):
    """Lists every discovered plugin; ticking "Enabled" loads or withdraws it (persisted)."""

    def __init__(self, manager: PluginManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plugins")
        self.manager = manager
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(self._on_item_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Plugins found through the entry-point group <tt>cned_viewer.plugins</tt>. "
                                "A plugin that fails to load or to run is disabled and its error shown here."))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(900, 320)
        self.refresh()

    def refresh(self) -> None:
        records = list(self.manager.records.values())
        self.table.blockSignals(True)
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked if record.state == "enabled" else Qt.CheckState.Unchecked)
            check.setData(Qt.ItemDataRole.UserRole, record.name)
            self.table.setItem(row, 0, check)
            for column, text in enumerate((record.name, record.version, record.state, contributions_text(record), record.error or ""), start=1):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        self.manager.set_enabled(item.data(Qt.ItemDataRole.UserRole), item.checkState() == Qt.CheckState.Checked)
        self.refresh()
