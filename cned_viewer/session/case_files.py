"""Saving and exporting the open case: bundle, labels, report, plugin exporters and importers (no Qt).

Every write works on a snapshot (the labels copied) through a channel, so the user edits on while
it runs; a finished save marks the edits saved as of the revision the snapshot had and drops the
recovery save.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from psygnal import Signal

from cned_viewer.core.case import Case
from cned_viewer.core.case_names import case_folder, suggested_path
from cned_viewer.core.provenance import EditStep
from cned_viewer.errors import UserError
from cned_viewer.io.case_bundle import bundle_path, save_bundle
from cned_viewer.io.case_export import export_case
from cned_viewer.io.masks import save_labels
from cned_viewer.measure import MeasureOptions
from cned_viewer.plugins.contracts import Importer, SegmentationResult
from cned_viewer.plugins.manager import PluginManager
from cned_viewer.plugins.results import plan_edit
from cned_viewer.session.executor import Executor
from cned_viewer.session.live_edits import LiveEdits
from cned_viewer.session.questions import Questions



class Owner(Protocol):
    """What the files need of the session that owns them (a :class:`~cned_viewer.session.case_session.CaseSession`)."""

    case: Case | None
    edits: LiveEdits
    plans: Any  # CasePlans: snapshot() and saved(revision)
    followups: Any  # CaseFollowUps: snapshot(), saved(revision) and response_json()
    questions: Questions
    plugins: PluginManager
    options: MeasureOptions
    executor: Executor
    status: Any  # psygnal signal (message, ms)
    stage_done: Any  # psygnal signal (message)
    view_state: Callable[[], dict[str, Any]]

    def fail(self, message: str) -> None: ...


class ReportWriter(Protocol):
    """Writes the PDF of a case (``cned_viewer.render.report_export.write_case_report``, injected from above)."""

    def __call__(self, case: Case, path: str, page_size: str, deidentify: bool, *, plugins: Any, options: Any,
                 numbering: Any, plans: Any, response: Any = None) -> Path: ...


class CaseFiles:
    """Where the open case is saved, and the jobs that save and export it."""

    saved = Signal(object)  # Path of a finished save
    report_written = Signal(object)  # Path of the PDF
    exported = Signal(object)  # Path written by a plugin exporter

    def __init__(self, session: Owner, report_writer: ReportWriter | None) -> None:
        self.session = session
        self.report_writer = report_writer
        self.bundle_folder: Path | None = None
        executor = session.executor
        self.saver = executor.channel(self._saved, session.fail)
        self.reporter = executor.channel(self._report_done, session.fail)
        self.exporter = executor.channel(self._exported, session.fail)

    def case_opened(self, case: Case) -> None:
        self.bundle_folder = Path(case.metadata["bundle"]) if "bundle" in case.metadata else None

    # -- names -----------------------------------------------------------------------------------------
    def suggested_path(self, suffix: str) -> str:
        """Where a save dialog starts: the case's folder, with a name from the case and ``suffix``."""
        case = self.session.case
        metadata = dict(case.metadata) if case is not None else {}
        if self.bundle_folder is not None:
            metadata["bundle"] = str(self.bundle_folder)
        return suggested_path(metadata, suffix, Path.home())

    def start_folder(self, recent_image: str | None = None) -> str:
        """Where an open dialog starts: beside the open case, else the newest recent case, else home."""
        if self.session.case is not None:
            return str(Path(self.suggested_path("")).parent)
        return str(case_folder({"source": recent_image}, Path.home()) if recent_image else Path.home())

    def dicom_source(self) -> str | None:
        """The DICOM folder the image was read from, or None."""
        case = self.session.case
        source = case.metadata.get("source") if case is not None else None
        return source if source and Path(source).is_dir() else None

    # -- snapshots -----------------------------------------------------------------------------------
    def snapshot(self) -> Case:
        """The open case with its labels copied (saved in a worker while the user edits on)."""
        case = self.session.case
        assert case is not None
        labels = case.labels.copy() if case.labels is not None else None
        return Case(case.image, labels, case.segments, case.clinical, dict(case.metadata), list(case.warnings), list(case.provenance))

    def _revision(self) -> int:
        edits = self.session.edits.session
        return edits.revision if edits is not None else 0

    # -- saving --------------------------------------------------------------------------------------
    def save_to(self, folder: str | Path, wait: bool = False) -> bool:
        """Write the case (labels as they are now), clinical data, view state, plans and follow-ups as a bundle;
        through the saver unless ``wait``."""
        if self.session.case is None:
            self.session.fail("no case to save")
            return False
        folder = bundle_path(folder)
        return self._save(self._bundle_job(folder), folder, wait)

    def _save(self, job: Callable[[], tuple], path: str | Path, wait: bool) -> bool:
        """Run a save ``job`` here (``wait``) or in the saver; its result goes to :meth:`_saved`."""
        if wait:
            self._saved(job())
        else:
            self.session.status.emit(f"Saving {path}...", 0)
            self.saver.submit(job)
        return True

    def _bundle_job(self, folder: Path) -> Callable[[], tuple]:
        """The save of the case as it is now into ``folder`` (the state is copied here; the job writes it)."""
        case, state, revision = self.snapshot(), self.session.view_state(), self._revision()
        plans, plans_revision = self.session.plans.snapshot()
        followups, targets, followups_revision = self.session.followups.snapshot()
        self.bundle_folder = folder
        return lambda: (save_bundle(case, folder, state, plans=plans, followups=followups, recist_targets=targets), revision,
                        [], plans_revision, followups_revision)

    def save_labels_to(self, path: str, wait: bool = False) -> bool:
        """Write the current labels to ``path`` (``.dcm``: DICOM-SEG, MANUAL when hand-edited); through the saver unless ``wait``."""
        case = self.session.case
        if case is None or case.labels is None:
            self.session.fail("no labels to save")
            return False
        revision, snapshot = self._revision(), self.snapshot()

        def job() -> tuple[Path, int, list[str]]:
            if path.lower().endswith(".dcm"):
                result = export_case(snapshot, "dicom-seg", path)
                return result.paths[0], revision, list(result.warnings)
            return save_labels(snapshot.labels, path), revision, []  # type: ignore[arg-type]

        return self._save(job, path, wait)

    def _saved(self, result: tuple) -> None:
        """``(path, revision)``, ``(path, revision, warnings)`` or, for a bundle,
        ``(path, revision, warnings, plans revision, follow-ups revision)``."""
        path, revision, *rest = result
        self.session.edits.saved(revision)
        if len(rest) > 1:
            self.session.plans.saved(rest[1])
        if len(rest) > 2:
            self.session.followups.saved(rest[2])
        warnings = rest[0] if rest else []
        self.session.stage_done.emit(f"Saved {path}." + "".join(f" Note: {w}" for w in warnings))
        self.saved.emit(path)

    def save_before_closing(self) -> bool:
        """Save now, before the labels go: into the bundle; without one, a new bundle where :meth:`Questions.bundle_path`
        says when plans or follow-ups would be lost, else the labels where :meth:`Questions.labels_path` says.

        False (with the message) when nothing was saved: the user stays with the edits."""
        try:
            if self.bundle_folder is not None:
                return self.save_to(self.bundle_folder, wait=True)
            if self.session.plans.has_unsaved_changes or self.session.followups.has_unsaved_changes:
                folder = self.session.questions.bundle_path()  # a labels file would keep neither
                return bool(folder) and self.save_to(folder, wait=True)  # type: ignore[arg-type]
            path = self.session.questions.labels_path()
            return bool(path) and self.save_labels_to(path, wait=True)  # type: ignore[arg-type]
        except (UserError, OSError) as error:
            self.session.fail(f"the edits were not saved: {error}")
            return False

    # -- report and plugins ----------------------------------------------------------------------------
    def export_report(self, path: str, page_size: str = "a4", deidentify: bool = False) -> bool:
        """Write the report of the case as it is now (labels, clinical data and overrides, edit log, resection plans,
        the Response section when follow-ups are compared)."""
        session = self.session
        if session.case is None or session.case.labels is None:
            session.fail("open a case with labels first")
            return False
        if self.report_writer is None:
            session.fail("this session writes no reports (no report writer was given)")
            return False
        case, options, writer, plugins = self.snapshot(), session.options, self.report_writer, session.plugins
        measurer = session.edits.measurer
        numbering = measurer.numbering.snapshot() if measurer is not None else None  # lesions numbered as the viewer shows them
        plans = session.plans.snapshot()[0]  # immutable plans: a worker reads what the user sees now
        response = session.followups.response_json()  # plain JSON of the comparison shown now, or None
        session.status.emit(f"Writing the report {path}...", 0)
        self.reporter.submit(lambda: writer(case, path, page_size, deidentify, plugins=plugins, options=options, numbering=numbering,
                                                plans=plans, **({"response": response} if response else {})))
        return True

    def _report_done(self, path: Path) -> None:
        self.session.status.emit(f"Report written: {path}", 15000)
        self.report_written.emit(path)

    def export_with(self, plugin_name: str, exporter, path: str) -> bool:
        """Write the case (labels as they are now) with a plugin exporter."""
        if self.session.case is None:
            self.session.fail("open a case first")
            return False
        case, plugins = self.snapshot(), self.session.plugins
        self.session.status.emit(f"Exporting with {exporter.name}...", 0)
        self.exporter.submit(lambda: plugins.run_exporter(plugin_name, exporter.id, case, path))
        return True

    def _exported(self, path: Path) -> None:
        self.session.status.emit(f"Exported: {path}", 15000)
        self.exported.emit(path)

    def import_job(self, plugin_name: str, importer: Importer, path: str) -> Callable[[], tuple[EditStep, tuple[str, ...]]]:
        """A job that reads ``path`` with ``importer`` and returns the step applying it, and its notices."""
        case, manager = self.session.case, self.session.plugins
        assert case is not None
        geometry = case.image.geometry

        def job() -> tuple[EditStep, tuple[str, ...]]:
            imported = manager.guarded(plugin_name, f"importer {importer.id}", lambda: importer.load(path, geometry))
            result = SegmentationResult(imported.labels, imported.segments, notices=tuple(imported.notices), parameters={"path": str(path)})
            version = manager.record(plugin_name).version
            return plan_edit(case, result, plugin_name, version, f"import {importer.id}"), tuple(imported.notices)

        return job
