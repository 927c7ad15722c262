"""The open case and everything done to it, without Qt: the window and the command line only drive it.

A :class:`CaseSession` opens a case (a file, a DICOM folder, a bundle, the demo, a crash
recovery), measures it, scores it with the clinical inputs, edits its labels with undo and an edit
log (:class:`~cned_viewer.session.live_edits.LiveEdits`), saves it, writes its report and applies
plugin steps. Long work goes through the injected :class:`~cned_viewer.session.executor.Executor`;
decisions go to the injected :class:`~cned_viewer.session.questions.Questions`. Listeners connect
to its psygnal signals (the window's widgets, a test). Saving and exporting live in
:class:`~cned_viewer.session.case_files.CaseFiles` (``session.files``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from psygnal import Signal

from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.labels import SEGMENT_LABEL_TABLE, TUMOUR, LabelMap
from cned_viewer.core.provenance import EditStep
from cned_viewer.demo.phantom import make_demo_case
from cned_viewer.editing.tool_settings import ToolSettings, voxel_in_lesion
from cned_viewer.io.case_bundle import is_bundle, load_bundle
from cned_viewer.io.case_loader import load_case, with_labels, with_segments
from cned_viewer.io.dicom_series import DicomScan, scan_dicom_folder
from cned_viewer.io.recovered_case import recovered_case
from cned_viewer.io.recovery import RecoveryInfo, discard, find_recoverable
from cned_viewer.measure import MeasureOptions, Measurements
from cned_viewer.measure.incremental import IncrementalMeasurer
from cned_viewer.measure.results import Lesion
from cned_viewer.plugins import PluginError, Seed, SegmentationRequest
from cned_viewer.plugins.contracts import SegmentationResult
from cned_viewer.plugins.manager import PluginManager
from cned_viewer.scores import build_inputs, evaluate_all
from cned_viewer.session.case_files import CaseFiles, ReportWriter
from cned_viewer.session.executor import Executor, SyncExecutor
from cned_viewer.session.followups import CaseFollowUps
from cned_viewer.session.live_edits import LiveEdits
from cned_viewer.session.opening import CaseSource, plan_drop, same_path
from cned_viewer.session.plans import CasePlans
from cned_viewer.session.questions import Answers, Questions

STAGES = ("Loading", "Measuring", "Building")


class CaseSession:
    """Owns the open case, its measurements and scores, its edits, saves and plugin steps."""

    stage = Signal(int, str)  # a long step started: index into STAGES, what it works on
    stage_done = Signal(str)  # a step ended (or was cancelled): the message to show
    status = Signal(str, int)  # a message and how long to show it (ms; 0: until the next)
    failed = Signal(str)  # a job failed: the one-line message for the user
    case_opened = Signal(object)  # Case (not measured yet)
    source_opened = Signal(object)  # CaseSource: how it was opened (a recent case)
    measured = Signal(object)  # Measurements, lesions current
    live_measured = Signal(object)  # Measurements during editing: volumes and TLVR current, lesions as they were
    scores_changed = Signal(object, object)  # the score results, and the Measurements they used (or None)
    stale_changed = Signal(bool)  # lesion-level results behind the labels
    labels_changed = Signal(object)  # an EditRecord (box, target) or None: the labels changed (redraw)
    history_changed = Signal()  # undo / redo / editability changed
    options_changed = Signal(object)  # MeasureOptions
    clinical_changed = Signal(object)  # ClinicalData the user changed

    def __init__(self, executor: Executor | None = None, plugins: PluginManager | None = None,
                 questions: Questions | None = None, report_writer: ReportWriter | None = None,
                 options: MeasureOptions | None = None, recovery: bool = True) -> None:
        self.executor = executor or SyncExecutor()
        self.plugins = plugins or PluginManager()
        self.questions: Questions = questions or Answers()
        self.options = options or MeasureOptions()
        self.recovery = recovery  # recovery saves of unsaved edits (off for the command line: it never edits)
        self.case: Case | None = None
        self.measurements: Measurements | None = None
        self.scores: list = []
        self.tool = ToolSettings()
        self.view_state: Callable[[], dict[str, Any]] = dict  # what the user looks at, saved in bundles (the window sets it)
        self.pending_view_state: dict[str, Any] = {}
        self._pending_source: CaseSource | None = None
        self.edits = LiveEdits(self.executor, lambda: self.case.clinical.to_dict() if self.case is not None else {})
        self.edits.live.connect(self._show_live)
        self.edits.refreshed.connect(self._measured)
        self.edits.stale.connect(self.stale_changed.emit)
        self.edits.region_changed.connect(self.labels_changed.emit)
        self.edits.failed.connect(self.fail)
        self.files = CaseFiles(self, report_writer)
        self.plans = CasePlans(self)  # the case's resection plans and their live figures
        self.followups = CaseFollowUps(self)  # follow-up scans compared with this case (the baseline)
        self.scanner = self.executor.channel(self._scanned, self.fail)
        self.loader = self.executor.channel(self._opened, self.fail)
        self.measurer = self.executor.channel(self._measurer_built, self.fail)
        self.importer = self.executor.channel(lambda found: self.apply_plugin_step(*found), self.fail)
        self.segmenter = self.executor.channel(lambda done: self.apply_segmentation(*done), self.fail)

    # -- state -----------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return any(c.busy for c in (self.scanner, self.loader, self.measurer)) or self.edits.updating

    @property
    def editable(self) -> bool:
        return self.edits.ready

    @property
    def edit_session(self):
        """The :class:`~cned_viewer.editing.session.EditSession` of the open labels (None before measuring)."""
        return self.edits.session

    def fail(self, message: str) -> None:
        """A step failed: the message for the user (and the progress ends)."""
        self.stage_done.emit("Could not finish: see the message.")
        self.failed.emit(message)

    def cancel(self) -> None:
        for channel in (self.scanner, self.loader, self.measurer):
            channel.cancel()
        self.stage_done.emit("Cancelled.")

    def close(self) -> bool:
        """The app closes: False when the user chose to stay (unsaved edits)."""
        if not self.confirm_edits_closed():
            return False
        self.edits.close()
        self.cancel()
        return True

    # -- opening -----------------------------------------------------------------------------------
    def open(self, description: str, job: Callable[[], Case], source: CaseSource | None = None) -> bool:
        """Run ``job`` (returning a Case) through the loader; measuring follows. False: the user stayed."""
        if not self.confirm_edits_closed():
            return False
        self._pending_source = source
        self.measurer.cancel()
        self.stage.emit(0, description)
        self.loader.submit(job)
        return True

    def open_demo(self) -> bool:
        return self.open("the demo case", make_demo_case)

    def open_path(self, image: str, labels: str | None = None, label_map: str | None = None, series: str | None = None,
                  segments: str | None = None) -> bool:
        if is_bundle(image):
            return self.open_bundle(image, segments)
        source = CaseSource(str(Path(image).resolve()), labels and str(Path(labels).resolve()), label_map, series)
        return self.open(Path(image).name, lambda: load_case(image, labels, label_map, series, segments), source)

    def open_bundle(self, folder: str, segments: str | None = None) -> bool:
        def job() -> Case:
            case = load_bundle(folder).case_to_open()
            return case if segments is None else with_segments(case, segments)

        return self.open(Path(folder).name, job, CaseSource(str(Path(folder).resolve()), bundle=True))

    def open_source(self, source: CaseSource) -> bool:
        """Open a recent case the way it was opened before."""
        if source.bundle:
            return self.open_bundle(source.image)
        return self.open_path(source.image, source.labels, source.label_map, source.series)

    def open_dicom(self, folder: str) -> None:
        """List the folder's series (through the scanner); with several, :meth:`Questions.series` picks one."""
        self.stage.emit(0, f"{Path(folder).name} (reading the folder)")
        self.scanner.submit(lambda: scan_dicom_folder(folder))

    def _scanned(self, scan: DicomScan) -> None:
        series = None
        if len(scan.series) > 1:
            series = self.questions.series(scan)
            if series is None:
                self.stage_done.emit("Cancelled.")
                return
        source = CaseSource(str(scan.folder.resolve()), None, None, series)
        self.open(scan.folder.name, lambda: load_case(scan, series=series), source)

    def open_labels(self, path: str, mapping: str | None = None) -> bool:
        """Put the labels of ``path`` on the open case (:meth:`Questions.label_mapping` when ``mapping`` is not given)."""
        case = self._case_for_map("labels are")
        mapping = mapping or (self.questions.label_mapping() if case is not None else None)
        if case is None or not mapping:
            return False
        source_path = case.metadata.get("source")
        source = CaseSource(source_path, str(Path(path).resolve()), mapping, case.metadata.get("SeriesInstanceUID")) if source_path else None
        return self.open(Path(path).name, lambda: with_labels(case, path, mapping), source)

    def open_segments(self, path: str) -> bool:
        """Put the Couinaud segment map of ``path`` on the open case: lesions list their segments, bilobar is measured."""
        case = self._case_for_map("the segment map is")
        if case is None:
            return False
        if self.edits.has_unsaved_changes:  # the case is reopened with the map: keep the edits safe first
            self.fail("the labels have unsaved edits: save them (File > Save case) before opening a segment map")
            return False
        return self.open(Path(path).name, lambda: with_segments(case, path))

    def _case_for_map(self, what: str) -> Case | None:
        if self.case is None:
            self.fail(f"open an image first; {what} placed on its grid")
        return self.case

    def open_dropped(self, paths: list[str]) -> None:
        """Open what was dropped on the window (see :func:`~cned_viewer.session.opening.plan_drop`)."""
        plan = plan_drop(paths, self.case is not None)
        if plan is None:
            return
        if plan.kind == "bundle":
            self.open_bundle(plan.image)
        elif plan.kind == "dicom":
            self.open_dicom(plan.image)
        elif plan.kind == "case":
            self.open_path(plan.image, plan.labels, segments=plan.segments)
        elif plan.kind == "labels":
            self.open_labels(plan.labels)  # type: ignore[arg-type]
        elif plan.kind == "segments":
            self.open_segments(plan.segments)  # type: ignore[arg-type]
        else:
            self.fail("open an image first; a segment map is placed on its grid")

    def _opened(self, case: Case) -> None:
        self.case = case
        self.measurements = None
        self.files.case_opened(case)
        self.pending_view_state = case.metadata.pop("view_state", {}) if isinstance(case.metadata.get("view_state"), dict) else {}
        case.metadata.pop("recovered", None)
        recovery_folder = case.metadata.pop("recovery_folder", None)
        self.edits.start(case, recovery_folder)
        self.edits.set_measurer(None)
        self.stale_changed.emit(False)
        self.case_opened.emit(case)
        if self._pending_source is not None:
            self.source_opened.emit(self._pending_source)
        self.history_changed.emit()
        self.update_scores()
        if case.labels is None:
            self.stage_done.emit("Case loaded without labels (File > Open labels).")
            return
        self.stage.emit(1, "the tumour burden")
        options = self.options
        recovery = self.recovery
        self.measurer.submit(lambda: (IncrementalMeasurer(case, options), LiveEdits.recovery_source(case, recovery_folder) if recovery else None))

    # -- measuring and scoring -----------------------------------------------------------------------
    def refresh_labels(self) -> None:
        """The label array changed outside the edit session (or the options did): measure again.

        Lesions keep their numbers; a newer request drops the result of an older one."""
        case = self.case
        if case is None or case.labels is None:
            return
        self.labels_changed.emit(None)
        self.stage.emit(1, "the tumour burden")
        numbering = self.edits.measurer.numbering.snapshot() if self.edits.measurer is not None else None
        self.edits.set_measurer(None)
        self.history_changed.emit()
        options = self.options
        self.measurer.submit(lambda: (IncrementalMeasurer(case, options, numbering=numbering), None))

    def set_options(self, options: MeasureOptions) -> None:
        """Other lesion / contact definitions: the open case is measured again."""
        if options == self.options:
            return
        self.options = options
        self.options_changed.emit(options)
        self.refresh_labels()

    def _measurer_built(self, built: tuple[IncrementalMeasurer, Any]) -> None:
        measurer, source = built
        case = self.case
        if case is None or case.labels is None or not measurer.measures(case.labels.array):
            return  # built for a case that is gone
        self.edits.set_measurer(measurer, source)
        self.history_changed.emit()
        self._measured(measurer.measurements())

    def _measured(self, measurements: Measurements) -> None:
        self.measurements = measurements
        self.update_scores()
        self.measured.emit(measurements)

    def _show_live(self, measurements: Measurements) -> None:
        self.measurements = measurements
        self.live_measured.emit(measurements)
        self.update_scores()

    def set_clinical(self, clinical: ClinicalData) -> None:
        """The user changed the clinical inputs: scores follow; unsaved until saved."""
        if self.case is not None:
            self.case.clinical = clinical
            self.edits.clinical_changed()
            self.clinical_changed.emit(clinical)
        self.update_scores()

    def update_scores(self) -> None:
        """Re-evaluate every score from the clinical inputs and the measurements (fast, pure)."""
        clinical = self.case.clinical if self.case is not None else None
        measured = None if self.measurements is None else self.measurements.to_json()
        self.scores = evaluate_all(build_inputs(clinical, measured))
        self.scores_changed.emit(self.scores, self.measurements)

    def lesion(self, lesion_id: int) -> Lesion | None:
        return next((l for l in (self.measurements.lesions if self.measurements else ()) if l.id == lesion_id), None)

    def lesion_centre(self, lesion_id: int) -> tuple[int, int, int] | None:
        """The voxel (z, y, x) at lesion ``lesion_id``'s centroid, inside the image."""
        lesion = self.lesion(lesion_id)
        if lesion is None or self.case is None:
            return None
        index = np.rint(self.case.image.geometry.patient_to_index(lesion.centroid_mm)).astype(int)
        return tuple(int(np.clip(v, 0, n - 1)) for v, n in zip(index, self.case.image.array.shape))  # type: ignore[return-value]

    # -- editing ---------------------------------------------------------------------------------------
    def press(self, plane: str, voxel: tuple[int, int, int]) -> None:
        """A stroke starts in the ``plane`` view at ``voxel`` with the current :attr:`tool`."""
        session = self.edits.session
        if self.edits.ready and self.tool.brushes and session is not None:
            self.edits.refresh_timer.stop()
            session.begin_stroke(voxel, self.tool.brush(plane), self.tool.rules(), operation=self.tool.tool)

    def move(self, voxel: tuple[int, int, int]) -> None:
        if self.edits.session is not None and self.edits.session.stroking:
            self.edits.session.continue_stroke(voxel)

    def release(self) -> None:
        if self.edits.session is not None and self.edits.session.stroking:
            self.edits.session.end_stroke()
            self._step_done()
            self.edits.schedule_refresh()

    def click(self, voxel: tuple[int, int, int]) -> None:
        """A click with a lesion tool (delete or relabel the lesion there)."""
        session = self.edits.session
        if not self.edits.ready or session is None or self.tool.tool not in ("delete_lesion", "relabel_lesion"):
            return
        if int(session.labels.array[tuple(voxel)]) != TUMOUR:  # never the whole liver by a click beside a lesion
            self._step_done("Nothing there to change: click inside a lesion.")
            return
        step = session.delete_lesion(voxel) if self.tool.tool == "delete_lesion" else session.relabel_lesion(voxel)
        self._step_done(None if step is not None else "Nothing there to change: click inside a lesion.")

    def undo(self) -> None:
        if self.edits.ready:
            self.edits.session.undo()  # type: ignore[union-attr]
            self._step_done()

    def redo(self) -> None:
        if self.edits.ready:
            self.edits.session.redo()  # type: ignore[union-attr]
            self._step_done()

    def fill_holes(self) -> None:
        if self.edits.ready:
            step = self.edits.session.fill_holes(self.tool.label)  # type: ignore[union-attr]
            self._step_done(None if step else "No holes to fill.")

    def remove_islands(self, min_ml: float) -> None:
        if self.edits.ready:
            step = self.edits.session.remove_islands(self.tool.label, min_ml)  # type: ignore[union-attr]
            self._step_done(None if step else f"No island smaller than {min_ml:g} mL.")

    def lesion_voxel(self, lesion_id: int) -> tuple[int, int, int] | None:
        """A tumour voxel of lesion ``lesion_id`` (its centre when that is inside it)."""
        lesion, centre, case = self.lesion(lesion_id), self.lesion_centre(lesion_id), self.case
        if lesion is None or centre is None or case is None or case.labels is None:
            return None
        return voxel_in_lesion(case.labels.array, lesion.bbox, centre, TUMOUR)

    def delete_lesion(self, lesion_id: int, relabel: bool = False) -> None:
        """Delete (or relabel as parenchyma) lesion ``lesion_id`` as one undoable step."""
        voxel, session = self.lesion_voxel(lesion_id), self.edits.session
        if voxel is None or session is None or not self.edits.ready:
            return
        step = session.relabel_lesion(voxel) if relabel else session.delete_lesion(voxel)
        self._step_done(None if step else "Nothing changed.")

    def apply_plugin_step(self, step: EditStep, notices: tuple[str, ...] = ()) -> None:
        """Apply a plugin's step through the edit session: one undo step, logged in the case's provenance."""
        case, session = self.case, self.edits.session
        if case is None:
            return
        if case.labels is None:
            self.fail("this case has no label map yet: open labels first (File > Open labels)")
            return
        if not self.edits.ready or session is None:
            self.fail("the case is still being measured; try again when it is ready")
            return
        if not step.records:
            self.status.emit(f"{step.description}: nothing changed.", 8000)
            return
        if any(r.target == "segments" for r in step.records) and "segments" not in session.maps:
            case.segments = LabelMap.empty_like(case.image.geometry, SEGMENT_LABEL_TABLE)
            session.maps["segments"] = case.segments
        session.apply_step(step)
        extra = f" ({'; '.join(notices)})" if notices else ""
        self._step_done(f"Applied {step.description} as one step (Ctrl+Z undoes it){extra}.")

    def _step_done(self, message: str | None = None) -> None:
        self.history_changed.emit()
        session = self.edits.session
        if message:
            self.status.emit(message, 8000)
        elif session is not None and session.history.next_undo is not None:
            self.status.emit(f"Done: {session.history.next_undo.description} (Ctrl+Z undoes it)", 5000)

    # -- unsaved edits and crash recovery ------------------------------------------------------------
    @property
    def has_unsaved_changes(self) -> bool:
        return self.edits.has_unsaved_changes or self.plans.has_unsaved_changes or self.followups.has_unsaved_changes

    def confirm_edits_closed(self) -> bool:
        """Before the labels go away (close, another case): ask about unsaved edits; False = stay."""
        if not self.has_unsaved_changes:
            return True
        choice = self.questions.unsaved_edits()
        if choice == "cancel" or (choice == "save" and not self.files.save_before_closing()):
            return False
        self.edits.stop()
        return True

    def offer_recovery(self, found: list[RecoveryInfo] | None = None, prefer: str | None = None) -> bool:
        """At start: offer the unsaved edits a crashed session left (recover / discard / later).

        The save of the case being opened (``prefer``: its path) is offered first, else the newest.
        True when the edits are being recovered (the caller then opens nothing else)."""
        found = find_recoverable() if found is None else found
        if not found:
            return False
        info = next((i for i in found if prefer and same_path(prefer, i.source.bundle or i.source.image)), found[0])
        choice = self.questions.recovery(info)
        if choice == "recover":
            self.recover(info)
            return True
        if choice == "discard":
            discard(info)
        return False

    def recover(self, info: RecoveryInfo) -> bool:
        """Reopen the case the save belongs to with the recovered labels, clinical inputs and edit log."""
        return self.open(f"the unsaved edits of {info.describe()}", lambda: recovered_case(info))

    # -- plugins -------------------------------------------------------------------------------------
    def segmentation_request(self, seeds: tuple[Seed, ...]) -> SegmentationRequest | None:
        """What a segmenter gets: the image, the seeds and a copy of the labels as they are now."""
        case = self.case
        return None if case is None else SegmentationRequest(case.image, seeds, labels=case.labels.copy() if case.labels else None)

    def apply_segmentation(self, plugin_name: str, segmenter_id: str, result: SegmentationResult) -> bool:
        """A segmenter's result becomes one undoable step (False: the case is gone or the result was refused)."""
        if self.case is None:
            return False
        try:
            step = self.plugins.edit_for(self.case, plugin_name, segmenter_id, result)
        except PluginError as error:
            self.fail(str(error))
            return False
        self.apply_plugin_step(step, result.notices)
        return True

    def segment(self, plugin_name: str, segmenter_id: str, seeds: tuple[Seed, ...] = ()) -> None:
        """Run a segmenter (through the segmenter channel) and apply its result as one step."""
        request = self.segmentation_request(seeds)
        if request is None:
            self.fail("open a case first")
            return
        self.segmenter.submit(lambda: (plugin_name, segmenter_id, self.plugins.run_segmenter(plugin_name, segmenter_id, request)))

    def import_with(self, plugin_name: str, importer, path: str) -> None:
        """Read ``path`` with a plugin importer (through a channel); the result becomes one undoable step."""
        if self._case_for_map("imported labels are") is None:
            return
        self.status.emit(f"Importing {Path(path).name} with {importer.name}...", 0)
        self.importer.submit(self.files.import_job(plugin_name, importer, path))
