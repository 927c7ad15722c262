"""The main window: a view of one :class:`~cned_viewer.session.CaseSession`.

The session owns the case, its measurements, scores, edits, saves and plugin steps and runs its
long work through a Qt executor (thread pool; results on the GUI thread). The window builds the
widgets (:class:`~cned_viewer.ui.panels.Panels`), the menus from the action table
(:mod:`cned_viewer.ui.actions`), the 3D model updater and the presenter that shows the session's
events; it holds no case state.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMessageBox

from cned_viewer import __version__
from cned_viewer.kernels import warm_up
from cned_viewer.measure import MeasureOptions
from cned_viewer.plugins.manager import PluginManager
from cned_viewer.render.report_export import write_case_report
from cned_viewer.session import CaseSession
from cned_viewer.ui.actions import controls_text, install, main_window_actions, update_enabled
from cned_viewer.ui.case_presenter import CasePresenter
from cned_viewer.ui.file_dialogs import FileDialogs
from cned_viewer.ui.measure_settings import MeasureSettingsDialog, load_measure_options, save_measure_options
from cned_viewer.ui.model_updater import ModelUpdater
from cned_viewer.ui.panels import Panels
from cned_viewer.ui.plugin_menus import PluginMenus, discover_plugins
from cned_viewer.ui.qt_executor import QtExecutor
from cned_viewer.ui.questions import DialogQuestions
from cned_viewer.ui.recent_cases import RecentCases
from cned_viewer.ui.status_area import StatusArea
from cned_viewer.ui.view_state import capture_view_state
from cned_viewer.ui.workers import BackgroundRunner


class MainWindow(QMainWindow):
    """Slice views, 3D, lesions, clinical form and scores of the session's case; the window never waits on work."""

    report_written = Signal(object)  # Path of the exported PDF
    meshes_ready = Signal(object)  # CaseMeshes, shown in 3D
    scores_ready = Signal(object)  # score results, shown on the score panel

    def __init__(self, interactive_3d: bool | None = None, warm_up_kernels: bool = True,
                 plugin_manager: PluginManager | None = None) -> None:
        super().__init__()
        self.setWindowTitle(f"CNED Viewer {__version__}")
        self.setAcceptDrops(True)
        self.questions = DialogQuestions(self)
        self.session = CaseSession(QtExecutor(self), plugin_manager or PluginManager(), self.questions, write_case_report,
                                   load_measure_options())
        self.session.view_state = self.view_state
        self.questions.files = self.session.files
        self.recent = RecentCases()
        self.session.source_opened.connect(self.recent.add)
        self.warmer = BackgroundRunner(self)
        if warm_up_kernels:  # load the numba kernels now, not in the middle of the first measurement
            self.warmer.submit(warm_up)
        self.panels = p = Panels(self.session, self, self.statusBar(), interactive_3d)
        self.views, self.view3d, self.lesion_table, self.score_panel = p.views, p.view3d, p.lesion_table, p.score_panel
        self.clinical_form, self.case_info, self.display_toolbar = p.clinical_form, p.case_info, p.display_toolbar
        self.edit_dock, self.segment_panel, self.side_tabs = p.edit_dock, p.segment_panel, p.side_tabs
        self.plan_panel, self.plan_display = p.plan_panel, p.plan_display
        self.followup_panel, self.followup_views = p.followup_panel, p.followup_views
        self.setCentralWidget(p.central_widget())
        self.addToolBar(p.display_toolbar)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, p.edit_dock)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, p.segment_panel)
        self.model = ModelUpdater(self.session, self)
        self.status_area = StatusArea(self.statusBar(), lambda: self.busy, self.cancel_loading, discover_plugins(self.session))
        self.progress, self.stale_label, self.plugin_notice = self.status_area.progress, self.status_area.stale_label, self.status_area.plugin_notice
        self.presenter = CasePresenter(self.session, p, self.status_area, self.model, self._show_title, self)
        self.presenter.scores_shown.connect(self.scores_ready.emit)
        self.presenter.model_shown.connect(self.meshes_ready.emit)
        self.session.files.report_written.connect(self.report_written.emit)
        self.session.failed.connect(self.show_error)
        self.session.options_changed.connect(save_measure_options)
        self.dialogs = FileDialogs(self, self.session, self.recent)
        self._build_menus()
        self._fit_to_screen(1440, 900)

    def _build_menus(self) -> None:
        self.action_table = main_window_actions()
        self.actions, menus = install(self, self.action_table)
        self.undo_action, self.redo_action = self.actions["undo"], self.actions["redo"]
        self.recent_menu, self.edit_menu = menus["recent"], menus["Edit"]
        self.recent_menu.aboutToShow.connect(lambda: self.dialogs.fill_recent_menu(self.recent_menu))
        self.plugin_menus = PluginMenus(self, self.session, self.segment_panel, menus)
        self.segment_menu = self.plugin_menus.segment_menu
        menus["View"].addAction(self.edit_dock.toggleViewAction())
        refresh = self.update_actions
        for signal in (self.session.history_changed, self.session.case_opened, self.session.measured,
                       self.session.plans.plans_changed, self.session.plans.figures_changed):
            signal.connect(refresh)
        self.side_tabs.currentChanged.connect(refresh)
        refresh()

    def update_actions(self, *_: object) -> None:
        """Each action enabled as its ``when`` says; Undo and Redo name their step."""
        update_enabled(self.actions, self.action_table, self.session)

    def _fit_to_screen(self, width: int, height: int) -> None:
        """Open at ``width`` x ``height``, or smaller where the screen is smaller (no window larger than it)."""
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else None
        self.resize(min(width, area.width()) if area else width, min(height, area.height()) if area else height)

    def _show_title(self, name: str) -> None:
        self.setWindowTitle(f"{name} - CNED Viewer {__version__}")

    # -- state shown ---------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Opening, measuring, refreshing after an edit or building the 3D model."""
        return self.session.busy or self.model.busy

    def cancel_loading(self) -> None:
        self.model.cancel()
        self.session.cancel()

    def view_state(self) -> dict[str, Any]:
        """What the user is looking at (saved in the bundle)."""
        return capture_view_state(self.views, self.view3d, self.lesion_table.selected_lesion())

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, "CNED Viewer", message)

    # -- dialogs of their own ------------------------------------------------------------------------
    def show_controls(self) -> None:
        QMessageBox.information(self, "Mouse and keys", controls_text(self.action_table))

    def show_plugins(self) -> None:
        """Tools > Plugins: the notice of failed plugins goes once they were looked at."""
        self.plugin_menus.show_plugins()
        self.plugin_notice.hide()

    def show_measure_settings(self) -> None:
        dialog = MeasureSettingsDialog(self.session.options, self)
        if dialog.exec():
            self.set_measure_options(dialog.options())

    def set_measure_options(self, options: MeasureOptions) -> None:
        """Use (and remember) other lesion / contact definitions; the open case is measured again."""
        self.session.set_options(options)

    def about(self) -> None:
        from cned_viewer.core.licences import bundled_licences, licence_summary

        QMessageBox.about(
            self, "About CNED Viewer",
            f"CNED Viewer {__version__}\nTumour burden and the C-NED conversion score for colorectal liver metastases.\n"
            "The score supports, and does not replace, the judgement of the multidisciplinary team.\n\n"
            f"Bundled libraries and their licences: {licence_summary(bundled_licences(), sep='; ')}",
        )

    # -- Qt events -----------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt naming
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt naming
        self.session.open_dropped([url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()])
        event.acceptProposedAction()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if not self.session.close():
            event.ignore()
            return
        self.model.cancel()
        self.view3d.close_plotter()
        super().closeEvent(event)
