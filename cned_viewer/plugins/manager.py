"""The plugin manager: discovery, enable/disable, contributions, failures, and running segmenters.

Every plugin is loaded inside a guard: one that raises on import, returns a wrong object
or registers a clashing score is recorded as failed (with its error) and disabled for the
session; the others go on. A segmenter that raises or returns an invalid result is
reported the same way (:class:`~cned_viewer.plugins.errors.PluginError`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any, Literal

import numpy as np

from cned_viewer.core.case import Case
from cned_viewer.core.provenance import EditStep
from cned_viewer.errors import UserError
from cned_viewer.plugins.contracts import (
    CancelCheck, Cancelled, Exporter, Importer, Plugin, Progress, ReportSection, ReportSectionData,
    SegmentationRequest, SegmentationResult, Segmenter, never_cancelled, no_progress,
)
from cned_viewer.plugins.discovery import distribution_version, find_entry_points, load_plugin
from cned_viewer.plugins.errors import PluginError
from cned_viewer.plugins.jobs import BackgroundJob
from cned_viewer.plugins.results import plan_edit, result_problems
from cned_viewer.plugins.settings import PluginSettings
from cned_viewer.scores import registry

PluginState = Literal["enabled", "disabled", "failed"]


@dataclass
class PluginRecord:
    """One discovered plugin: its entry point, what it loaded to, its state and last error."""

    name: str
    entry_point: EntryPoint | None
    version: str = ""
    plugin: Plugin | None = None
    state: PluginState = "disabled"
    error: str | None = None
    registered_scores: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "version": self.version, "state": self.state, "error": self.error,
            "entry_point": self.entry_point.value if self.entry_point is not None else None,
            "description": self.plugin.description if self.plugin else "",
            "contributions": self.plugin.contributions() if self.plugin else {},
        }


@dataclass(frozen=True)
class PluginSection:
    """A report section built by a plugin, with the plugin's name and version (printed with it)."""

    plugin: str
    version: str
    data: ReportSectionData


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _check_request(request: SegmentationRequest) -> None:
    """A segmenter never sees NaN or infinite voxels: it would segment garbage without a word."""
    array = request.image.array
    if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise UserError(f"the image holds {bad} NaN or infinite voxel(s); a segmenter cannot use it, "
                        "fix the image (re-export or convert it from the DICOM series) and segment again")


class PluginManager:
    """Finds, loads and runs plugins; ``find`` returns the entry points (tests replace it)."""

    def __init__(self, settings: PluginSettings | None = None,
                 find: Callable[[], Iterable[EntryPoint]] | None = None) -> None:
        self.settings = settings or PluginSettings()
        self._find = find or (lambda: find_entry_points())
        self.records: dict[str, PluginRecord] = {}

    # -- discovery and state -------------------------------------------------------------
    def discover(self) -> list[PluginRecord]:
        """(Re)discover entry points; load the enabled ones, each inside a guard."""
        for record in self.records.values():
            self._withdraw(record)
        self.records = {}
        for entry_point in self._find():
            record = PluginRecord(entry_point.name, entry_point, distribution_version(entry_point))
            self.records[record.name] = record
            if self.settings.is_enabled(record.name):
                self._load(record)
        return list(self.records.values())

    def _load(self, record: PluginRecord) -> None:
        try:
            record.plugin = load_plugin(record.entry_point)  # type: ignore[arg-type]
            record.version = record.plugin.version
            self._register_scores(record)
        except Exception as error:  # noqa: BLE001 - a broken plugin must not stop the app
            self._fail(record, f"failed to load: {_describe(error)}")
            return
        record.state, record.error = "enabled", None

    def _register_scores(self, record: PluginRecord) -> None:
        for score in record.plugin.scores if record.plugin else ():
            try:
                registry.register(score)
            except Exception:
                self._withdraw(record)
                raise
            record.registered_scores.append(score.id)

    def _withdraw(self, record: PluginRecord) -> None:
        for score_id in record.registered_scores:
            registry.unregister(score_id)
        record.registered_scores.clear()

    def _fail(self, record: PluginRecord, message: str) -> None:
        self._withdraw(record)
        record.state, record.error = "failed", message

    def _disabled(self, record: PluginRecord, problem: str) -> PluginError:
        """Disable a plugin that misbehaved (``problem``: what it did); the error to raise says so."""
        self._fail(record, problem)
        return PluginError(record.name, f"{problem}; the plugin was disabled for this session")

    def record(self, name: str) -> PluginRecord:
        try:
            return self.records[name]
        except KeyError:
            known = ", ".join(self.records) or "none installed"
            raise PluginError(name, f"no such plugin (known: {known})") from None

    def set_enabled(self, name: str, enabled: bool) -> PluginRecord:
        """Enable or disable (persisted); enabling loads it now, disabling withdraws its scores."""
        record = self.record(name)
        self.settings.set_enabled(name, enabled)
        if enabled and record.state != "enabled":
            self._load(record)
        elif not enabled:
            self._withdraw(record)
            record.state, record.plugin = "disabled", None
        return record

    def enabled_plugins(self) -> list[Plugin]:
        return [r.plugin for r in self.records.values() if r.state == "enabled" and r.plugin is not None]

    # -- contributions -------------------------------------------------------------------
    def segmenters(self) -> list[tuple[str, Segmenter]]:
        """(plugin name, segmenter) of every enabled plugin."""
        return [(p.name, s) for p in self.enabled_plugins() for s in p.segmenters]

    def importers(self) -> list[tuple[str, Importer]]:
        return [(p.name, i) for p in self.enabled_plugins() for i in p.importers]

    def exporters(self) -> list[tuple[str, Exporter]]:
        return [(p.name, e) for p in self.enabled_plugins() for e in p.exporters]

    def report_sections(self) -> list[tuple[str, ReportSection]]:
        return [(p.name, r) for p in self.enabled_plugins() for r in p.report_sections]

    def provenance_sources(self) -> list[dict[str, str]]:
        """Name and version of every enabled plugin (for the report footer)."""
        return [{"name": p.name, "version": p.version} for p in self.enabled_plugins()]

    def _enabled_record(self, name: str) -> PluginRecord:
        record = self.record(name)
        if record.state != "enabled" or record.plugin is None:
            reason = f": {record.error}" if record.error else ""
            raise PluginError(name, f"is {record.state}{reason}; enable it with 'cned-viewer plugins enable {name}'")
        return record

    def guarded(self, name: str, what: str, call: Callable[[], Any]) -> Any:
        """Run ``call`` for plugin ``name``; on an exception disable it and raise PluginError.

        A :class:`UserError` is the plugin telling the user what is wrong with the input (a folder
        with no masks it knows, a missing segment map): it passes through and the plugin stays enabled.
        """
        record = self._enabled_record(name)
        try:
            return call()
        except (Cancelled, UserError):
            raise
        except Exception as error:  # noqa: BLE001 - reported, plugin disabled, app goes on
            raise self._disabled(record, f"{what} failed ({_describe(error)})") from error

    # -- exporters and report sections ---------------------------------------------------
    def run_exporter(self, plugin_name: str, exporter_id: str, case: Case, path: str | Path) -> Path:
        """Write ``case`` to ``path`` with a plugin's exporter; returns the file it wrote.

        A path without one of the exporter's suffixes is a :class:`UserError`; an exporter that
        raises or writes nothing is a PluginError and the plugin is disabled (a UserError it raises
        about the case, e.g. a missing map, passes as it is).
        """
        record = self._enabled_record(plugin_name)
        exporter = next((e for e in record.plugin.exporters if e.id == exporter_id), None)  # type: ignore[union-attr]
        if exporter is None:
            known = ", ".join(e.id for e in record.plugin.exporters) or "none"  # type: ignore[union-attr]
            raise PluginError(plugin_name, f"has no exporter {exporter_id!r} (it has: {known})")
        target = Path(path)
        if not any(target.name.lower().endswith(suffix.lower()) for suffix in exporter.suffixes):
            raise UserError(f"{exporter.name} writes {', '.join(exporter.suffixes)} files; choose a name ending in one of them")

        written = Path(self.guarded(plugin_name, f"exporter {exporter_id}", lambda: exporter.export(case, target)))
        if not written.is_file():
            raise self._disabled(record, f"exporter {exporter_id} wrote no file at {written}")
        return written

    def build_report_sections(self, case: Case, measurements: Mapping[str, Any]) -> tuple[list[PluginSection], list[str]]:
        """Every enabled plugin's report sections for ``case``, and a notice per section that failed.

        A section that raises or returns something else than :class:`ReportSectionData` is left out,
        its plugin disabled, and the notice says so: the report is written anyway. A section that
        raises a UserError (it cannot be made for this case) is left out with its message.
        """
        sections, notices = [], []
        for plugin_name, section in self.report_sections():
            what = f"report section {section.id}"
            try:
                data = self.guarded(plugin_name, what, lambda section=section: section.build(case, dict(measurements)))
                if not isinstance(data, ReportSectionData):
                    raise self._disabled(self.record(plugin_name), f"{what} returned {type(data).__name__}, not ReportSectionData")
            except PluginError as error:
                notices.append(f"left out: {error}")
                continue
            except UserError as error:  # the section cannot be made for this case; the plugin is fine
                notices.append(f"left out: plugin {plugin_name}: {what}: {error}")
                continue
            sections.append(PluginSection(plugin_name, self.record(plugin_name).version, data))
        return sections, notices

    # -- segmenters ----------------------------------------------------------------------
    def run_segmenter(self, plugin_name: str, segmenter_id: str, request: SegmentationRequest,
                      progress: Progress = no_progress, is_cancelled: CancelCheck = never_cancelled) -> SegmentationResult:
        """Run a segmenter here and now; check its result (grid, label values).

        Raises :class:`Cancelled` when ``is_cancelled()`` turned true, PluginError (and
        disables the plugin) when it raised or returned an invalid result.
        """
        record = self._enabled_record(plugin_name)
        plugin = record.plugin
        assert plugin is not None
        if not any(s.id == segmenter_id for s in plugin.segmenters):
            known = ", ".join(s.id for s in plugin.segmenters) or "none"
            raise PluginError(plugin_name, f"has no segmenter {segmenter_id!r} (it has: {known})")
        segmenter = plugin.segmenter(segmenter_id)
        _check_request(request)
        result = self.guarded(plugin_name, f"segmenter {segmenter_id}", lambda: segmenter.run(request, progress, is_cancelled))
        if is_cancelled():
            raise Cancelled(f"{plugin_name}: {segmenter_id} cancelled")
        problems = result_problems(result, request.image.geometry)
        if problems:
            raise self._disabled(record, f"segmenter {segmenter_id} returned an invalid result ({'; '.join(problems)})")
        return result

    def start_segmenter(self, plugin_name: str, segmenter_id: str, request: SegmentationRequest,
                        on_progress: Progress | None = None) -> BackgroundJob[SegmentationResult]:
        """:meth:`run_segmenter` on a background thread; ``job.cancel()`` stops it."""
        job: BackgroundJob[SegmentationResult] = BackgroundJob(
            lambda progress, cancelled: self.run_segmenter(plugin_name, segmenter_id, request, progress, cancelled),
            on_progress,
        )
        return job.start()

    def edit_for(self, case: Case, plugin_name: str, segmenter_id: str, result: SegmentationResult) -> EditStep:
        """The one undoable step applying ``result`` to ``case``, attributed to the plugin."""
        record = self.record(plugin_name)
        return plan_edit(case, result, plugin_name, record.version, segmenter_id)

