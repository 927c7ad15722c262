"""Shows the session's events: each handler puts one event on the widgets that show it, and holds no case state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from cned_viewer.core.case import Case
from cned_viewer.core.provenance import EditRecord
from cned_viewer.measure import Measurements
from cned_viewer.mesh.case_meshes import CaseMeshes
from cned_viewer.scores.inputs import measured_items
from cned_viewer.session import CaseSession
from cned_viewer.ui.model_updater import ModelUpdater
from cned_viewer.ui.panels import Panels
from cned_viewer.ui.status_area import StatusArea
from cned_viewer.ui.view_state import restore_view_state

STALE_TEXT = "Lesions, contacts and 3D: updating..."


class CasePresenter(QObject):
    """Connects a :class:`CaseSession` (and its 3D model) to the panels and the status bar."""

    scores_shown = Signal(object)  # the score results, once on the score panel
    model_shown = Signal(object)  # CaseMeshes, once in the 3D view

    def __init__(self, session: CaseSession, panels: Panels, status: StatusArea, model: ModelUpdater,
                 set_title: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.panels, self.status, self.model, self.set_title = session, panels, status, model, set_title
        session.case_opened.connect(self.show_case)
        session.measured.connect(self.show_measurements)
        session.live_measured.connect(self.show_live)
        session.scores_changed.connect(self.show_scores)
        session.stale_changed.connect(self.show_stale)
        session.labels_changed.connect(self.show_labels_changed)
        session.history_changed.connect(lambda: panels.edit_dock.setEnabled(session.editable))
        session.stage.connect(status.stage)
        session.stage_done.connect(status.stage_done)
        session.status.connect(lambda text, ms: status.bar.showMessage(text, ms))
        model.started.connect(self._model_started)
        model.built.connect(self.show_model)
        model.failed.connect(session.fail)

    def show_case(self, case: Case) -> None:
        panels = self.panels
        name = Path(str(case.metadata.get("bundle") or case.metadata.get("source") or "")).name or "demo case"
        self.set_title(name)
        for view in panels.views.values():
            view.set_case(case)
        panels.edit_dock.setEnabled(False)
        if case.labels is not None:
            panels.edit_dock.set_table(case.labels.table)
        panels.view3d.set_meshes(None)
        panels.lesion_table.set_lesions(())
        panels.clinical_form.set_clinical(case.clinical)
        panels.clinical_form.set_measured({})
        panels.case_info.show_case(case)

    def _names(self) -> dict[str, str]:
        case = self.session.case
        return {lab.key: lab.name for lab in case.labels.table.labels} if case is not None and case.labels is not None else {}

    def show_live(self, measurements: Measurements) -> None:
        """During an edit: volumes and TLVR (the lesions stay as they were, marked as updating)."""
        self.panels.case_info.show_volumes(measurements.volumes_ml, self._names())
        self.panels.clinical_form.set_measured(measured_items(measurements.to_json()))

    def show_measurements(self, measurements: Measurements) -> None:
        """Every panel current; the 3D model follows."""
        self.panels.lesion_table.set_lesions(measurements.lesions)
        self.panels.lesion_table.setEnabled(True)
        self.panels.side_tabs.setTabText(0, "Lesions")
        self.show_live(measurements)

    def show_scores(self, results: list, measurements: Measurements | None) -> None:
        self.panels.score_panel.show_results(results, measurements)
        self.scores_shown.emit(results)

    def show_stale(self, stale: bool) -> None:
        """Lesion table, vessel contacts and 3D are behind the labels: say so, never show them as current."""
        self.panels.lesion_table.setEnabled(not stale)
        self.panels.side_tabs.setTabText(0, "Lesions (updating...)" if stale else "Lesions")
        self.status.show_stale(STALE_TEXT if stale else "")

    def show_labels_changed(self, record: EditRecord | None) -> None:
        """Redraw the slice views where the labels changed (all of them when the box is not known)."""
        for view in self.panels.views.values():
            if record is None:
                view.refresh()
            else:
                view.update_region(record.box)

    def _model_started(self) -> None:
        if self.model.meshes is not None:
            self.status.show_stale("3D: updating...")
        self.status.stage(2, "the 3D model")

    def show_model(self, meshes: CaseMeshes) -> None:
        panels, session = self.panels, self.session
        panels.view3d.set_meshes(meshes)
        if not session.edits.updating:
            self.status.show_stale("")
        restore_view_state(session.pending_view_state, panels.views, panels.view3d, panels.display_toolbar)
        panels.display_toolbar.show_window(*panels.views["axial"].window)
        selected = session.pending_view_state.get("selected_lesion")
        session.pending_view_state = {}
        if selected:
            panels.select_lesion(int(selected))
        warnings = session.case.warnings if session.case is not None else []
        self.status.stage_done("Case ready." + (f" {len(warnings)} notice(s): see the Case tab." if warnings else ""))
        self.model_shown.emit(meshes)
