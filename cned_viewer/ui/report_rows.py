"""A report section's rows shown in a tab: its (label, value) figures as rich text, its row tuples in a table.

The Plan and Follow-up tabs show the rows their report sections format (``plan_section``,
``response_section``), so the tab and the PDF say the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def figures_html(figures: Sequence[tuple[str, str]]) -> str:
    """``(label, value)`` rows as an HTML table, the values in bold."""
    return "<table>" + "".join(f"<tr><td>{label}</td><td><b>{value}</b></td></tr>" for label, value in figures) + "</table>"


def fill_table(table: QTableWidget, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """``table`` shows ``header`` and ``rows`` (text), columns fitted to them."""
    table.setColumnCount(len(header))
    table.setHorizontalHeaderLabels(list(header))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
