"""The status bar's permanent widgets: stage progress with Cancel, the "updating" notice, plugin problems."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from cned_viewer.session import STAGES


class StatusArea:
    """Shows which stage of opening a case runs (Loading, Measuring, Building) and whether results are behind."""

    def __init__(self, bar: QStatusBar, busy: Callable[[], bool], cancel: Callable[[], None], plugin_problems: str) -> None:
        self.bar, self.busy = bar, busy
        self.progress = QProgressBar()
        self.progress.setRange(0, len(STAGES))
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(cancel)
        self.stale_label = QLabel("")
        self.stale_label.setStyleSheet("color: #b26a00; font-weight: bold;")
        self.stale_label.hide()
        self.plugin_notice = QLabel(plugin_problems)  # stays until the plugins are looked at
        self.plugin_notice.setStyleSheet("color: #b00020;")
        self.plugin_notice.setVisible(bool(plugin_problems))
        for widget in (self.plugin_notice, self.stale_label, self.progress, self.cancel_button):
            bar.addPermanentWidget(widget)

    def stage(self, step: int, what: str) -> None:
        self.progress.setValue(step)
        self.progress.setFormat(f"{STAGES[step]}... ({step + 1}/{len(STAGES)})")
        self.progress.show()
        self.cancel_button.show()
        self.bar.showMessage(f"{STAGES[step]} {what}...")

    def stage_done(self, message: str) -> None:
        if not self.busy():
            self.progress.hide()
            self.cancel_button.hide()
        self.bar.showMessage(message, 10000)

    def show_stale(self, text: str) -> None:
        """``text`` names what is behind the labels ('' when everything is current)."""
        self.stale_label.setText(text)
        self.stale_label.setVisible(bool(text))
