"""The display toolbar: window preset, label overlay opacity and outline mode."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSlider, QToolBar, QWidget

from cned_viewer.render.slice_compositor import WINDOW_PRESETS

DEFAULT_PRESET = "abdomen"
DEFAULT_OPACITY_PERCENT = 40


class DisplayToolbar(QToolBar):
    """Emits what the user chose; the window applies it to every slice view."""

    window_chosen = Signal(float, float)
    opacity_chosen = Signal(float)
    outline_chosen = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Display", parent)
        self.setObjectName("display_toolbar")
        self.addWidget(QLabel(" Window: "))
        self.preset_box = QComboBox()
        self.preset_box.addItems(list(WINDOW_PRESETS))
        self.preset_box.setCurrentText(DEFAULT_PRESET)
        self.preset_box.currentTextChanged.connect(lambda name: self.window_chosen.emit(*WINDOW_PRESETS[name]))
        self.addWidget(self.preset_box)
        self.addWidget(QLabel("  Label opacity: "))
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setRange(0, 100)
        self.opacity_slider.setValue(DEFAULT_OPACITY_PERCENT)
        self.opacity_slider.setMaximumWidth(140)
        self.opacity_slider.valueChanged.connect(lambda value: self.opacity_chosen.emit(value / 100.0))
        self.addWidget(self.opacity_slider)
        self.outline_box = QCheckBox("Outline")
        self.outline_box.toggled.connect(self.outline_chosen.emit)
        self.addWidget(self.outline_box)

    def show_overlay(self, opacity: float | None, outline: bool | None) -> None:
        """Set the controls (e.g. from a saved view state); their signals apply the values."""
        if opacity is not None:
            self.opacity_slider.setValue(int(round(opacity * 100)))
        if outline is not None:
            self.outline_box.setChecked(bool(outline))
