"""Tools > Measurement settings: how lesions and vessel contact are defined, kept in QSettings.

The defaults are the clinical spec's (26-connected lesions of at least 0.1 mL, contact within one
voxel diagonal of the in-plane spacing); whatever is chosen is printed in the report and the JSON.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QWidget

from cned_viewer.measure import MeasureOptions

_KEY = "measure/"
CONNECTIVITY_NAMES = {26: "26 (faces, edges and corners: default)", 18: "18 (faces and edges)", 6: "6 (faces only)"}


def load_measure_options(settings: QSettings | None = None) -> MeasureOptions:
    """The saved options; the defaults for anything missing or unreadable."""
    settings = settings or QSettings()
    defaults = MeasureOptions()
    try:
        threshold = settings.value(_KEY + "contact_threshold_mm", "")
        return MeasureOptions(
            connectivity=int(settings.value(_KEY + "connectivity", defaults.connectivity)),
            min_lesion_volume_ml=float(settings.value(_KEY + "min_lesion_volume_ml", defaults.min_lesion_volume_ml)),
            contact_threshold_mm=float(threshold) if threshold not in ("", None) else None,
        )
    except (TypeError, ValueError):
        return defaults


def save_measure_options(options: MeasureOptions, settings: QSettings | None = None) -> None:
    settings = settings or QSettings()
    settings.setValue(_KEY + "connectivity", options.connectivity)
    settings.setValue(_KEY + "min_lesion_volume_ml", options.min_lesion_volume_ml)
    settings.setValue(_KEY + "contact_threshold_mm", "" if options.contact_threshold_mm is None else options.contact_threshold_mm)


class MeasureSettingsDialog(QDialog):
    """Connectivity, minimum lesion volume and contact threshold; read :meth:`options` after ``exec``."""

    def __init__(self, options: MeasureOptions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Measurement settings")
        self.connectivity_box = QComboBox()
        for value, name in CONNECTIVITY_NAMES.items():
            self.connectivity_box.addItem(name, value)
        self.min_volume_box = QDoubleSpinBox()
        self.min_volume_box.setRange(0.0, 100.0)
        self.min_volume_box.setDecimals(3)
        self.min_volume_box.setSingleStep(0.05)
        self.min_volume_box.setSuffix(" mL")
        self.auto_contact_box = QCheckBox("one voxel diagonal of the in-plane spacing (default)")
        self.contact_box = QDoubleSpinBox()
        self.contact_box.setRange(0.0, 50.0)
        self.contact_box.setDecimals(2)
        self.contact_box.setSuffix(" mm")
        self.auto_contact_box.toggled.connect(lambda auto: self.contact_box.setEnabled(not auto))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(lambda: self.show_options(MeasureOptions()))
        form = QFormLayout(self)
        form.addRow("Lesion connectivity", self.connectivity_box)
        form.addRow("Smallest counted lesion", self.min_volume_box)
        form.addRow("Vessel contact within", self.auto_contact_box)
        form.addRow("", self.contact_box)
        form.addRow(buttons)
        self.show_options(options)

    def show_options(self, options: MeasureOptions) -> None:
        self.connectivity_box.setCurrentIndex(self.connectivity_box.findData(options.connectivity))
        self.min_volume_box.setValue(options.min_lesion_volume_ml)
        self.auto_contact_box.setChecked(options.contact_threshold_mm is None)
        self.contact_box.setEnabled(options.contact_threshold_mm is not None)
        self.contact_box.setValue(options.contact_threshold_mm if options.contact_threshold_mm is not None else 1.0)

    def options(self) -> MeasureOptions:
        return MeasureOptions(
            connectivity=int(self.connectivity_box.currentData()),
            min_lesion_volume_ml=self.min_volume_box.value(),
            contact_threshold_mm=None if self.auto_contact_box.isChecked() else self.contact_box.value(),
        )
