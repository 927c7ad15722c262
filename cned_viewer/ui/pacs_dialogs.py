"""File > Open from PACS, File > Send to PACS and Tools > PACS settings.

Each dialog opens window-modal without blocking (``open()``) and is deleted when closed; the
entry functions return it. Network work runs in a :class:`BackgroundRunner` with a progress bar
and Cancel; a PACS that is down or refuses shows its one-line message in the dialog, which stays
open with everything the user typed or picked.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QProgressBar, QPushButton, QSpinBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from cned_viewer.core.cancel import raise_if_cancelled
from cned_viewer.errors import UserError
from cned_viewer.io.case_export import export_case
from cned_viewer.io.dicom_source import dicom_source_of, read_source_series
from cned_viewer.io.pacs import SeriesMatch, StudyMatch, TransferResult, echo, find_series, find_studies, get_series, store_files
from cned_viewer.io.pacs_settings import PacsSettings, load_pacs_settings, save_pacs_settings
from cned_viewer.io.pdf_dicom import write_encapsulated_pdf
from cned_viewer.render.report_export import write_case_report
from cned_viewer.ui.workers import BackgroundRunner

if TYPE_CHECKING:
    from cned_viewer.session import CaseSession


class _Progress(QObject):
    """Carries ``progress(done, total)`` from the worker thread to the GUI thread."""

    changed = Signal(int, int)


class _PacsDialog(QDialog):
    """A dialog with one background runner, a status line, a progress bar and a Cancel for the running job."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.runner = BackgroundRunner(self)
        self.runner.failed.connect(self._failed)
        self._on_result: Callable[[Any], None] = lambda result: None
        self.runner.finished.connect(lambda result: self._finished(result))
        self.progress = _Progress(self)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress.changed.connect(self._show_progress)

    def status_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        return row

    def run(self, what: str, job: Callable[[], Any], on_result: Callable[[Any], None]) -> None:
        """Run ``job`` in the background, saying ``what`` meanwhile; ``on_result`` gets its result."""
        self._on_result = on_result
        self.status.setText(what)
        self.bar.setRange(0, 0)
        self.bar.setVisible(True)
        self.cancel_button.setVisible(True)
        self._set_busy(True)
        self.runner.submit(job)

    def cancel(self) -> None:
        if self.runner.busy:
            self.runner.cancel()
            self._idle("Cancelled; nothing was kept from the interrupted step.")

    def _show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)

    def _finished(self, result: Any) -> None:
        self._idle("")
        self._on_result(result)

    def _failed(self, message: str) -> None:
        self._idle(message)

    def _idle(self, message: str) -> None:
        self.status.setText(message)
        self.bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        """Enable or disable the dialog's own action buttons while a job runs."""

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name
        self.runner.cancel()  # closing stops the running job; its partial output is discarded
        super().done(result)


def _settings_or_message(window: QWidget) -> PacsSettings | None:
    try:
        return load_pacs_settings().checked()
    except UserError as error:
        _show_error(window, str(error))
        return None


def _show_error(window: QWidget, message: str) -> None:
    show = getattr(window, "show_error", None)
    if show is not None:
        show(message)


class PacsSettingsDialog(_PacsDialog):
    """The app's AE title, the PACS's AE title, host, port, timeout and retrieve folder; Test runs a C-ECHO."""

    def __init__(self, settings: PacsSettings, parent: QWidget | None = None) -> None:
        super().__init__("PACS settings", parent)
        self.calling_edit = QLineEdit(settings.calling_ae)
        self.called_edit = QLineEdit(settings.called_ae)
        for edit in (self.calling_edit, self.called_edit):
            edit.setMaxLength(16)
        self.host_edit = QLineEdit(settings.host)
        self.port_box = QSpinBox()
        self.port_box.setRange(1, 65535)
        self.port_box.setValue(settings.port)
        self.timeout_box = QDoubleSpinBox()
        self.timeout_box.setRange(1.0, 600.0)
        self.timeout_box.setSuffix(" s")
        self.timeout_box.setValue(settings.timeout_s)
        self.folder_edit = QLineEdit(settings.retrieve_folder)
        self.folder_edit.setPlaceholderText(str(PacsSettings().destination()))
        browse = QPushButton("Browse...")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("This app's AE title", self.calling_edit)
        form.addRow("PACS AE title", self.called_edit)
        form.addRow("PACS host", self.host_edit)
        form.addRow("PACS port", self.port_box)
        form.addRow("Timeout", self.timeout_box)
        form.addRow("Retrieved series go to", folder_row)
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.test_button)
        layout.addWidget(self.status)
        layout.addLayout(self.status_row())
        layout.addWidget(self.buttons)

    def settings(self) -> PacsSettings:
        return PacsSettings(self.calling_edit.text().strip(), self.called_edit.text().strip(), self.host_edit.text().strip(),
                            self.port_box.value(), self.timeout_box.value(), self.folder_edit.text().strip())

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for retrieved series", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def test_connection(self) -> None:
        try:
            settings = self.settings().checked()
        except UserError as error:
            self.status.setText(str(error))
            return
        self.run(f"Calling {settings.describe()}...", lambda: echo(settings),
                 lambda _: self.status.setText(f"{settings.describe()} answers."))

    def save(self) -> None:
        """Save and close; an impossible value is named in the dialog, which stays open."""
        try:
            save_pacs_settings(self.settings())
        except UserError as error:
            self.status.setText(str(error))
            return
        self.accept()

    def _set_busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)


def _table(headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[object]]) -> None:
    table.setRowCount(0)
    for values in rows:
        row = table.rowCount()
        table.insertRow(row)
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem("" if value is None else str(value)))


class PacsQueryDialog(_PacsDialog):
    """Find studies (patient ID, name, date), list a study's series, retrieve one; :attr:`retrieved` is its folder."""

    retrieved_folder = Signal(str)

    def __init__(self, settings: PacsSettings, parent: QWidget | None = None) -> None:
        super().__init__(f"Open from PACS ({settings.describe()})", parent)
        self.settings = settings
        self.studies: list[StudyMatch] = []
        self.series: list[SeriesMatch] = []
        self.retrieved: Path | None = None
        self.id_edit, self.name_edit, self.date_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.name_edit.setPlaceholderText("FAMILY^GIVEN, a prefix is enough")
        self.date_edit.setPlaceholderText("YYYYMMDD or YYYYMMDD-YYYYMMDD")
        self.search_button = QPushButton("Search")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        form = QFormLayout()
        form.addRow("Patient ID", self.id_edit)
        form.addRow("Patient name", self.name_edit)
        form.addRow("Study date", self.date_edit)
        self.study_table = _table(["Date", "Patient", "Patient ID", "Modalities", "Description", "Series"])
        self.study_table.itemSelectionChanged.connect(self.list_series)
        self.series_table = _table(["Number", "Modality", "Images", "Description"])
        self.series_table.itemSelectionChanged.connect(lambda: self.retrieve_button.setEnabled(self._chosen_series() is not None))
        self.series_table.itemDoubleClicked.connect(lambda _item: self.retrieve())
        self.retrieve_button = QPushButton("Retrieve and open")
        self.retrieve_button.setEnabled(False)
        self.retrieve_button.clicked.connect(self.retrieve)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.search_button)
        layout.addWidget(QLabel("Studies"))
        layout.addWidget(self.study_table, 2)
        layout.addWidget(QLabel("Series of the selected study"))
        layout.addWidget(self.series_table, 1)
        layout.addWidget(self.retrieve_button)
        layout.addWidget(self.status)
        layout.addLayout(self.status_row())
        layout.addWidget(close)
        self.resize(820, 560)

    def search(self) -> None:
        settings, query = self.settings, (self.id_edit.text(), self.name_edit.text(), self.date_edit.text())
        self.run(f"Searching {settings.describe()}...", lambda: find_studies(settings, *query), self._show_studies)

    def _show_studies(self, studies: list[StudyMatch]) -> None:
        self.studies, self.series = studies, []
        _fill(self.series_table, [])
        _fill(self.study_table, [(s.study_date, s.patient_name, s.patient_id, s.modalities, s.description, s.series_count) for s in studies])
        self.status.setText(f"{len(studies)} studies found." if studies else "No study matches; widen the search.")

    def list_series(self) -> None:
        rows = self.study_table.selectionModel().selectedRows()
        if not rows:
            return
        study, settings = self.studies[rows[0].row()], self.settings
        self.run("Listing the series...", lambda: find_series(settings, study.study_uid), self._show_series)

    def _show_series(self, series: list[SeriesMatch]) -> None:
        self.series = series
        _fill(self.series_table, [(s.number, s.modality, s.instance_count, s.description) for s in series])
        if series:
            self.series_table.selectRow(0)

    def _chosen_series(self) -> SeriesMatch | None:
        rows = self.series_table.selectionModel().selectedRows()
        return self.series[rows[0].row()] if rows and rows[0].row() < len(self.series) else None

    def retrieve(self) -> None:
        """C-GET the selected series into the retrieve folder (``<folder>/<series UID>``), then accept."""
        chosen, settings, progress = self._chosen_series(), self.settings, self.progress.changed.emit
        if chosen is None:
            return
        folder = settings.destination() / chosen.series_uid
        self.run(f"Retrieving {chosen.description or chosen.series_uid}...",
                 lambda: get_series(settings, chosen.study_uid, chosen.series_uid, folder, progress), self._retrieved)

    def _retrieved(self, result: TransferResult) -> None:
        self.retrieved = result.folder
        self.retrieved_folder.emit(str(result.folder))
        self.accept()

    def _set_busy(self, busy: bool) -> None:
        self.search_button.setEnabled(not busy)
        self.retrieve_button.setEnabled(not busy and self._chosen_series() is not None)


class PacsSendDialog(_PacsDialog):
    """Send DICOM files to the PACS: the current labels exported now as DICOM-SEG and SR, and files the user adds."""

    def __init__(self, settings: PacsSettings, export: Callable[[Path], list[Path]] | None, parent: QWidget | None = None) -> None:
        super().__init__(f"Send to PACS ({settings.describe()})", parent)
        self.settings, self.export = settings, export
        self.sent: TransferResult | None = None
        self.export_box = QCheckBox("the current labels, measurements and report, exported now as DICOM-SEG, SR and encapsulated PDF")
        self.export_box.setChecked(export is not None)
        self.export_box.setEnabled(export is not None)
        if export is None:
            self.export_box.setToolTip("needs a case with labels opened from a DICOM folder")
        self.files = QListWidget()
        add = QPushButton("Add DICOM files...")
        add.clicked.connect(self.add_files_dialog)
        self.send_button = QPushButton("Send")
        self.send_button.clicked.connect(self.send)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.export_box)
        layout.addWidget(QLabel("DICOM files (SEG, SR, encapsulated PDF, ...)"))
        layout.addWidget(self.files, 1)
        layout.addWidget(add)
        layout.addWidget(self.send_button)
        layout.addWidget(self.status)
        layout.addLayout(self.status_row())
        layout.addWidget(close)
        self.resize(640, 400)

    def add_files_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "DICOM files to send", "", "DICOM (*.dcm);;All files (*)")
        self.add_files(paths)

    def add_files(self, paths: Sequence[str | Path]) -> None:
        known = {self.files.item(i).text() for i in range(self.files.count())}
        for path in paths:
            if str(path) not in known:
                known.add(str(path))
                self.files.addItem(str(path))

    def chosen_files(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def send(self) -> None:
        export = self.export if self.export_box.isChecked() else None
        files, settings, progress = self.chosen_files(), self.settings, self.progress.changed.emit
        if export is None and not files:
            self.status.setText("Nothing to send: add DICOM files, or tick the export of the current labels.")
            return

        def job() -> TransferResult:
            with tempfile.TemporaryDirectory(prefix="cned-pacs-send-") as folder:
                exported = export(Path(folder)) if export is not None else []
                return store_files(settings, [*exported, *files], progress)

        self.run(f"Sending to {settings.describe()}...", job, self._sent)

    def _sent(self, result: TransferResult) -> None:
        self.sent = result
        failed = f"; not stored: {'; '.join(result.failed)}" if result.failed else ""
        self.status.setText(f"Sent {result.done} file(s) to {self.settings.describe()}{failed}.")

    def _set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)


def case_exporter(session: CaseSession) -> Callable[[Path], list[Path]] | None:
    """``export(folder)`` writing the session's labels (as they are now) and measurements as SEG and SR, and the
    report as an encapsulated PDF, into ``folder``; None when the case has no labels or is not from a DICOM folder."""
    if session.case is None or session.case.labels is None or session.files.dicom_source() is None:
        return None
    case = session.files.snapshot()
    measurements, plugins, options = session.measurements, session.plugins, session.options
    measurer = session.edits.measurer
    numbering = measurer.numbering.snapshot() if measurer is not None else None
    plans = session.plans.snapshot()[0]  # the resection plans as they are now, as File > Export report has them

    def export(folder: Path) -> list[Path]:
        written = export_case(case, "dicom-sr", folder / "cned-sr.dcm", seg_output=folder / "cned-seg.dcm", measurements=measurements).paths
        raise_if_cancelled("export for the PACS")
        pdf = write_case_report(case, folder / "report.pdf", plugins=plugins, options=options, numbering=numbering, plans=plans)
        source_folder, series_uid = dicom_source_of(case.metadata, "the report for the PACS")
        source = read_source_series(source_folder, series_uid, pixels=False).first
        return [*written, write_encapsulated_pdf(pdf.read_bytes(), source, folder / "cned-report.dcm")]

    return export


def pacs_settings(window: QWidget) -> PacsSettingsDialog:
    """Tools > PACS settings."""
    try:
        settings = load_pacs_settings()
    except UserError as error:
        _show_error(window, str(error))
        settings = PacsSettings()
    dialog = PacsSettingsDialog(settings, window)
    dialog.open()
    return dialog


def open_from_pacs(window: QWidget, session: CaseSession) -> PacsQueryDialog | None:
    """File > Open from PACS: the query dialog over ``window``; the retrieved series opens in ``session``."""
    settings = _settings_or_message(window)
    if settings is None:
        return None
    dialog = PacsQueryDialog(settings, window)
    dialog.retrieved_folder.connect(session.open_dicom)
    dialog.open()
    return dialog


def send_to_pacs(window: QWidget, session: CaseSession) -> PacsSendDialog | None:
    """File > Send to PACS: the send dialog, offering the session's case for export."""
    settings = _settings_or_message(window)
    if settings is None:
        return None
    dialog = PacsSendDialog(settings, case_exporter(session), window)
    dialog.open()
    return dialog
