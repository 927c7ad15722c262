"""The clinical form, generated from :data:`cned_viewer.core.clinical.FIELDS`.

One box per group (patient, pathology, history, labs, molecular, treatment), each input with
its unit and "unknown". The imaging group shows each measured value and an override box:
a value typed there replaces the measurement in the scores, and the row says so. An invalid
entry turns red and keeps its text; the last valid data stays in force until it is fixed. A
value outside its plausible range is accepted, turns yellow and is named with the likely
unit mistake (e.g. "mm typed as cm?"). :meth:`ClinicalForm.focus_field` shows one input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cned_viewer.core.clinical import CLINICAL_FIELDS, FIELDS_BY_NAME, GROUPS, IMAGE_FIELDS, ClinicalData, FieldSpec
from cned_viewer.errors import UserError
from cned_viewer.scores.inputs import Measured

UNKNOWN = "unknown"
INVALID_STYLE = "background: #ffd6d6;"
IMPLAUSIBLE_STYLE = "background: #fff3c4;"
OVERRIDE_STYLE = "color: #c05800; font-weight: bold;"


def _input_widget(spec: FieldSpec) -> QComboBox | QLineEdit:
    if spec.kind in ("choice", "flag"):
        box = QComboBox()
        box.addItem(UNKNOWN, None)
        for choice in spec.choices:
            box.addItem(choice.label, choice.value)
        return box
    edit = QLineEdit()
    edit.setPlaceholderText(UNKNOWN)
    return edit


class ClinicalForm(QWidget):
    """Edits a :class:`ClinicalData`; emits :attr:`clinical_changed` with each valid change."""

    clinical_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clinical = ClinicalData()
        self.inputs: dict[str, QComboBox | QLineEdit] = {}
        self.override_edits: dict[str, QLineEdit] = {}
        self.measured_labels: dict[str, QLabel] = {}
        self._measured: dict[str, Measured] = {}
        self._loading = False
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00000;")
        self.plausibility = QLabel()
        self.plausibility.setWordWrap(True)
        self.plausibility.setStyleSheet("color: #8a5a00;")
        content = QWidget()
        column = QVBoxLayout(content)
        for group, heading in GROUPS.items():
            specs = [s for s in CLINICAL_FIELDS if s.group == group]
            if specs:
                column.addWidget(self._group_box(heading, specs))
        column.addWidget(self._imaging_box(GROUPS["imaging"]))
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.plausibility)
        layout.addWidget(self.scroll)

    def _group_box(self, heading: str, specs: list[FieldSpec]) -> QGroupBox:
        box = QGroupBox(heading)
        form = QFormLayout(box)
        for spec in specs:
            widget = _input_widget(spec)
            widget.setToolTip(f"{spec.help}\nAllowed: {spec.allowed_text()}".strip())
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self._edited)
            else:
                widget.editingFinished.connect(self._edited)
            self.inputs[spec.name] = widget
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(widget, 1)
            if spec.unit and spec.kind in ("number", "integer"):
                line.addWidget(QLabel(spec.unit))
            form.addRow(spec.label, row)
        return box

    def _imaging_box(self, heading: str) -> QGroupBox:
        box = QGroupBox(heading)
        form = QFormLayout(box)
        for spec in IMAGE_FIELDS:
            measured = QLabel("not measured")
            edit = QLineEdit()
            edit.setPlaceholderText("override")
            edit.setToolTip(f"{spec.help}\nType a value to override the measurement; clear it to use the measurement.".strip())
            edit.editingFinished.connect(self._edited)
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(measured, 2)
            line.addWidget(edit, 1)
            if spec.unit:
                line.addWidget(QLabel(spec.unit))
            form.addRow(spec.label, row)
            self.measured_labels[spec.name], self.override_edits[spec.name] = measured, edit
        return box

    # model -> form ----------------------------------------------------------------------
    def set_clinical(self, clinical: ClinicalData | None) -> None:
        """Show ``clinical`` (None: all unknown) without emitting a change."""
        self.clinical = clinical or ClinicalData()
        self._loading = True
        for spec in CLINICAL_FIELDS:
            widget, value = self.inputs[spec.name], getattr(self.clinical, spec.name)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0) if value is not None else 0)
            else:
                widget.setText("" if value is None else f"{value:g}" if isinstance(value, float) else str(value))
            widget.setStyleSheet("")
        for name, edit in self.override_edits.items():
            override = self.clinical.overrides.get(name)
            edit.setText("" if override is None else str(override.value))
            edit.setStyleSheet("")
        self._loading = False
        self.message.clear()
        self._show_measured()
        self._show_plausibility()

    def set_measured(self, measured: Mapping[str, Measured]) -> None:
        """Show the values measured on the image beside their override boxes."""
        self._measured = dict(measured)
        self._show_measured()

    def _show_measured(self) -> None:
        for spec in IMAGE_FIELDS:
            item = self._measured.get(spec.name)
            shown = "not measured" if item is None or item.value is None else f"measured: {spec.display(item.value)}"
            label = self.measured_labels[spec.name]
            override = self.clinical.overrides.get(spec.name)
            if override is not None:
                label.setText(f"{shown}; OVERRIDDEN by hand: {spec.display(override.value)}")
                label.setStyleSheet(OVERRIDE_STYLE)
            else:
                label.setText(shown)
                label.setStyleSheet("")

    # form -> model ----------------------------------------------------------------------
    def _raw(self, name: str) -> Any:
        widget = self.inputs[name]
        return widget.currentData() if isinstance(widget, QComboBox) else widget.text()

    def _edited(self) -> None:
        if self._loading:
            return
        values: dict[str, Any] = {}
        errors: list[str] = []
        for spec in CLINICAL_FIELDS:
            ok, value = self._checked(spec, self.inputs[spec.name], self._raw(spec.name), errors)
            values[spec.name] = value if ok else getattr(self.clinical, spec.name)  # invalid: keep the last valid
        overrides: dict[str, Any] = {}
        for spec in IMAGE_FIELDS:
            ok, value = self._checked(spec, self.override_edits[spec.name], self.override_edits[spec.name].text(), errors)
            old = self.clinical.overrides.get(spec.name)
            if not ok and old is not None:
                overrides[spec.name] = old
            elif value is not None:
                overrides[spec.name] = old if old is not None and old.value == value else value
        try:
            updated = replace(ClinicalData(**values), overrides=overrides)
        except UserError as error:
            errors.append(str(error))
            updated = None
        self.message.setText("\n".join(errors))
        if updated is not None and updated != self.clinical:
            self.clinical = updated
            self._show_measured()
            self._show_plausibility()
            self.clinical_changed.emit(updated)

    def _show_plausibility(self) -> None:
        """Yellow for each typed value outside its plausible range, and the warnings above the form."""
        flagged = {spec.name for spec in CLINICAL_FIELDS if spec.plausibility(getattr(self.clinical, spec.name))}
        flagged |= {name for name, o in self.clinical.overrides.items() if FIELDS_BY_NAME[name].plausibility(o.value)}
        for name, widget in (*self.inputs.items(), *self.override_edits.items()):
            if widget.styleSheet() != INVALID_STYLE:
                widget.setStyleSheet(IMPLAUSIBLE_STYLE if name in flagged and isinstance(widget, QLineEdit) else "")
        self.plausibility.setText("\n".join(f"\u26a0 {w}" for w in self.clinical.warnings()))

    def field_widget(self, name: str) -> QWidget:
        """The input of field ``name`` (its override box for an image item); KeyError if there is none."""
        return self.inputs[name] if name in self.inputs else self.override_edits[name]

    def focus_field(self, name: str) -> None:
        """Show the input of field ``name`` (scrolled into view) and give it the keyboard focus."""
        widget = self.field_widget(name)
        child, parent = self, self.parentWidget()
        while parent is not None:  # bring the form's tab (or page) to the front, tab bar included
            if isinstance(parent, (QTabWidget, QStackedWidget)) and parent.indexOf(child) >= 0:
                parent.setCurrentWidget(child)
            if not (isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget)):
                child = parent  # (a tab page's parent is its tab widget's stack: the page stays the child)
            parent = parent.parentWidget()
        self.scroll.ensureWidgetVisible(widget)
        self.scroll.horizontalScrollBar().setValue(0)  # the field's name stays in view
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _checked(spec: FieldSpec, widget: QWidget, raw: Any, errors: list[str]) -> tuple[bool, Any]:
        """``(valid, parsed value)``; an invalid entry turns red, keeps its text and is listed."""
        if isinstance(widget, QComboBox):
            return True, raw
        try:
            value = spec.parse(raw)
        except UserError as error:
            widget.setStyleSheet(INVALID_STYLE)
            errors.append(str(error))
            return False, None
        widget.setStyleSheet("")
        return True, value
