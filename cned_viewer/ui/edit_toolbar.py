"""The edit dock: tool, active label, brush radius (mm), disk/sphere, paint over and the paint restrictions.

It only shows and changes a :class:`~cned_viewer.editing.tool_settings.ToolSettings` (what the
choices mean is decided there, without Qt) and emits :attr:`EditDock.settings_changed`.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QDockWidget, QDoubleSpinBox, QFormLayout, QHBoxLayout,
    QLabel, QRadioButton, QSlider, QVBoxLayout, QWidget,
)

from cned_viewer.core.labels import DEFAULT_LABEL_TABLE, LabelTable
from cned_viewer.editing.tool_settings import MAX_RADIUS_MM, MIN_RADIUS_MM, PAINT_OVER, TOOLS, ToolSettings

TOOL_TEXT = {
    "navigate": "Navigate", "paint": "Paint", "erase": "Erase",
    "delete_lesion": "Delete lesion", "relabel_lesion": "Relabel lesion",
}
TOOL_TIPS = {
    "navigate": "left click = crosshair (no editing)",
    "paint": "left drag paints the active label; [ and ] change the brush size",
    "erase": "left drag removes the active label; tumour erased inside the liver becomes liver parenchyma, outside it background",
    "delete_lesion": "click a tumour: it becomes liver parenchyma (or background outside the liver)",
    "relabel_lesion": "click a component: tumour <-> liver parenchyma",
}
PAINT_OVER_TEXT = {
    "liver": "Liver parenchyma and background",
    "everything": "Everything",
    "background": "Background only",
}
PAINT_OVER_TIP = (
    "Which labels the brush may replace (like ITK-SNAP's \"paint over\").\n"
    "Liver parenchyma and background (default): tumour or a vessel painted in the liver replaces "
    "parenchyma; vessels and tumours are protected; painting parenchyma only fills background.\n"
    "Everything: any label is replaced.\n"
    "Background only: nothing labelled is replaced."
)
SLIDER_STEPS_PER_MM = 2


class EditDock(QDockWidget):
    """Edit controls; disabled until a case with labels is measured."""

    settings_changed = Signal(object)  # ToolSettings

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Edit labels", parent)
        self.setObjectName("edit_dock")
        self.settings = ToolSettings()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.tool_group = QButtonGroup(self)
        self.tool_buttons: dict[str, QRadioButton] = {}
        tools = QHBoxLayout()
        tools_form = QVBoxLayout()
        for number, tool in enumerate(TOOLS):
            button = QRadioButton(TOOL_TEXT[tool])
            button.setToolTip(TOOL_TIPS[tool])
            self.tool_group.addButton(button, number)
            self.tool_buttons[tool] = button
            tools_form.addWidget(button)
        self.tool_buttons["navigate"].setChecked(True)
        tools.addLayout(tools_form)
        layout.addLayout(tools)
        form = QFormLayout()
        self.label_box = QComboBox()
        form.addRow("Label", self.label_box)
        self.radius_slider = QSlider(Qt.Orientation.Horizontal)
        self.radius_slider.setRange(int(MIN_RADIUS_MM * SLIDER_STEPS_PER_MM), int(MAX_RADIUS_MM * SLIDER_STEPS_PER_MM))
        self.radius_spin = QDoubleSpinBox()
        self.radius_spin.setRange(MIN_RADIUS_MM, MAX_RADIUS_MM)
        self.radius_spin.setSingleStep(0.5)
        self.radius_spin.setDecimals(1)
        self.radius_spin.setSuffix(" mm")
        self.radius_spin.setToolTip("brush radius; [ and ] change it")
        radius = QHBoxLayout()
        radius.addWidget(self.radius_slider, 1)
        radius.addWidget(self.radius_spin)
        form.addRow("Radius", radius)
        self.sphere_box = QCheckBox("3D sphere")
        self.sphere_box.setToolTip("a ball; else a 2D disk in the plane of the view you paint in")
        form.addRow(self.sphere_box)
        self.intensity_box = QCheckBox("HU")
        self.intensity_box.setToolTip("only voxels whose CT value lies in this range")
        self.hu_min = QDoubleSpinBox()
        self.hu_max = QDoubleSpinBox()
        for spin in (self.hu_min, self.hu_max):
            spin.setRange(-1024, 3071)
            spin.setDecimals(0)
        intensity = QHBoxLayout()
        intensity.addWidget(self.intensity_box)
        intensity.addWidget(self.hu_min)
        intensity.addWidget(QLabel("-"))
        intensity.addWidget(self.hu_max)
        form.addRow(intensity)
        self.liver_box = QCheckBox("Inside the liver")
        self.liver_box.setToolTip("paint only where the label is liver parenchyma or tumour; erasing a tumour always gives parenchyma back")
        self.paint_over_box = QComboBox()
        for choice in PAINT_OVER:
            self.paint_over_box.addItem(PAINT_OVER_TEXT[choice], choice)
        self.paint_over_box.setToolTip(PAINT_OVER_TIP)
        for box in (self.label_box, self.paint_over_box):  # long entries elide instead of widening the dock
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(14)
        form.addRow(self.liver_box)
        form.addRow("Paint over", self.paint_over_box)
        layout.addLayout(form)
        layout.addStretch(1)
        self.setWidget(body)
        self._show(self.settings)  # before set_table, which reads the widgets back
        self.set_table(DEFAULT_LABEL_TABLE)
        self.tool_group.idToggled.connect(lambda _id, on: on and self._read())
        self.label_box.currentIndexChanged.connect(lambda _i: self._read())
        self.radius_slider.valueChanged.connect(lambda v: self.radius_spin.setValue(v / SLIDER_STEPS_PER_MM))
        self.radius_spin.valueChanged.connect(self._radius_typed)
        for box in (self.sphere_box, self.intensity_box, self.liver_box):
            box.toggled.connect(lambda _on: self._read())
        self.paint_over_box.currentIndexChanged.connect(lambda _i: self._read())
        for spin in (self.hu_min, self.hu_max):
            spin.valueChanged.connect(lambda _v: self._read())

    def set_table(self, table: LabelTable) -> None:
        """Offer the labels of ``table`` (keeps the active label when it is there)."""
        current = self.settings.label
        self.label_box.blockSignals(True)
        self.label_box.clear()
        for label in table.labels:
            self.label_box.addItem(f"{label.value}: {label.name}", label.value)
        index = self.label_box.findData(current)
        self.label_box.setCurrentIndex(max(index, 0))
        self.label_box.blockSignals(False)
        self._read()

    def set_settings(self, settings: ToolSettings) -> None:
        self._show(settings)
        self._read()

    def set_tool(self, tool: str) -> None:
        self.tool_buttons[tool].setChecked(True)

    def step_radius(self, steps: int) -> None:
        """``]`` (+1) / ``[`` (-1)."""
        self.set_settings(self.settings.with_radius_step(steps))

    def _radius_typed(self, value: float) -> None:
        self.radius_slider.blockSignals(True)
        self.radius_slider.setValue(round(value * SLIDER_STEPS_PER_MM))
        self.radius_slider.blockSignals(False)
        self._read()

    def _show(self, s: ToolSettings) -> None:
        widgets = (self.label_box, self.radius_slider, self.radius_spin, self.sphere_box, self.intensity_box,
                   self.hu_min, self.hu_max, self.liver_box, self.paint_over_box, self.tool_group)
        for widget in widgets:
            widget.blockSignals(True)
        self.tool_buttons[s.tool].setChecked(True)
        self.label_box.setCurrentIndex(max(self.label_box.findData(s.label), 0))
        self.radius_spin.setValue(s.radius_mm)
        self.radius_slider.setValue(round(s.radius_mm * SLIDER_STEPS_PER_MM))
        self.sphere_box.setChecked(s.sphere)
        self.intensity_box.setChecked(s.limit_intensity)
        self.hu_min.setValue(s.intensity_hu[0])
        self.hu_max.setValue(s.intensity_hu[1])
        self.liver_box.setChecked(s.inside_liver)
        self.paint_over_box.setCurrentIndex(self.paint_over_box.findData(s.paint_over))
        for widget in widgets:
            widget.blockSignals(False)

    def _read(self) -> None:
        tool = TOOLS[max(self.tool_group.checkedId(), 0)]
        label = self.label_box.currentData()
        settings = replace(
            self.settings, tool=tool, label=int(label) if label is not None else self.settings.label,
            radius_mm=float(self.radius_spin.value()), sphere=self.sphere_box.isChecked(),
            limit_intensity=self.intensity_box.isChecked(), intensity_hu=(self.hu_min.value(), self.hu_max.value()),
            inside_liver=self.liver_box.isChecked(), paint_over=self.paint_over_box.currentData(),
        )
        if settings != self.settings:
            self.settings = settings
            self.settings_changed.emit(settings)
