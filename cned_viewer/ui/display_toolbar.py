"""The display toolbar: window preset, label overlay opacity and outline mode."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSlider, QToolBar, QWidget

from cned_viewer.render.slice_compositor import WINDOW_PRESETS

DEFAULT_PRESET = "abdomen"
DEFAULT_OPACITY_PERCENT = 40
CUSTOM = "custom"


def window_name(width: float, level: float, tolerance: float = 0.5) -> str:
    """The preset that has this window (width, level in HU), else ``custom (W 500 / L 40)``."""
    for name, (w, l) in WINDOW_PRESETS.items():
        if abs(w - width) <= tolerance and abs(l - level) <= tolerance:
            return name
    return f"{CUSTOM} (W {width:.0f} / L {level:.0f})"


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
        self.preset_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for name, window in WINDOW_PRESETS.items():
            self.preset_box.addItem(name, window)
        self.preset_box.setCurrentText(DEFAULT_PRESET)
        self.preset_box.currentIndexChanged.connect(lambda index: self.window_chosen.emit(*self.preset_box.itemData(index)))
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

    def show_window(self, width: float, level: float) -> None:
        """Show the window the views now have (e.g. after a right drag): its preset's name, or
        ``custom (W .. / L ..)`` when it matches none; emits nothing (the views already have it)."""
        name = window_name(width, level)
        custom = self.preset_box.findText(CUSTOM, Qt.MatchFlag.MatchStartsWith)
        self.preset_box.blockSignals(True)
        if name in WINDOW_PRESETS:
            self.preset_box.setCurrentText(name)  # a custom item stays, to go back to
        elif custom >= 0:
            self.preset_box.setItemText(custom, name)
            self.preset_box.setItemData(custom, (float(width), float(level)))
            self.preset_box.setCurrentIndex(custom)
        else:
            self.preset_box.addItem(name, (float(width), float(level)))
            self.preset_box.setCurrentIndex(self.preset_box.count() - 1)
        self.preset_box.blockSignals(False)

    def show_overlay(self, opacity: float | None, outline: bool | None) -> None:
        """Set the controls (e.g. from a saved view state); their signals apply the values."""
        if opacity is not None:
            self.opacity_slider.setValue(int(round(opacity * 100)))
        if outline is not None:
            self.outline_box.setChecked(bool(outline))
