"""The follow-up scans of the open case (``session.followups``): opened, measured, registered, compared (no Qt).

The open case is the baseline. :meth:`CaseFollowUps.open` loads a follow-up scan (an image file or a DICOM
folder, with its labels or without), measures it with the session's :class:`~cned_viewer.measure.MeasureOptions`
on its own grid and registers it to the baseline (:func:`~cned_viewer.registration.register_followup`), all in
an executor channel job. The :class:`~cned_viewer.followup.Comparison` is then computed in the ``comparer``
channel, from the baseline :class:`~cned_viewer.followup.TimePoint` (rebuilt after each ``measured``, lesions
numbered as the viewer numbers them, from a copy of the labels as :class:`~cned_viewer.session.plans.CasePlans`
does) and every follow-up with labels, ordered by study date. Editing the baseline recomputes the comparison
but never the registration (it is driven by the liver masks: the transform is kept).

Follow-ups are unsaved changes until a bundle save; a bundle holds each one under ``followups/<n>/`` with its
transform, so :meth:`_case_opened` takes them back without registering again. A recovery save keeps where each
one was read from, its labels' checksum, its registration and the RECIST targets (:meth:`recovery_json`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from psygnal import Signal

from cned_viewer.core.case import Case
from cned_viewer.core.dicom_text import parse_date
from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import array_digest
from cned_viewer.errors import UserError
from cned_viewer.followup import Comparison, PhysicalMap, TimePoint, compare
from cned_viewer.followup.recist import select_targets
from cned_viewer.io.case_loader import load_case
from cned_viewer.io.followup_bundle import SavedFollowUp
from cned_viewer.measure import MeasureOptions
from cned_viewer.measure.incremental import IncrementalMeasurer
from cned_viewer.registration import Quality, Registration, register_followup

Index = tuple[int, int, int]
NO_LABELS = "no labels: listed, not compared (open the scan again with its label map)"


@dataclass(frozen=True, eq=False)
class FollowUpPoint:
    """One follow-up scan: its case (image and labels), its measured time point and its registration to the baseline.

    ``timepoint`` and ``registration`` are None for a scan opened without labels (listed, not compared)."""

    name: str
    study_date: str | None  # ISO ``YYYY-MM-DD``, None when unknown
    source: str | None  # the image file or DICOM folder it was opened from
    case: Case
    timepoint: TimePoint | None
    registration: Registration | None
    order: int = 0  # when it was opened (orders scans without a study date)
    image_file: str | None = None  # the bundle file its image was read from
    label_map: str | None = None  # how its labels file was read (``load_case``'s mapping)
    labels_sha256: str | None = None  # checksum of its labels (a recovery save checks the file against it)

    @property
    def map(self) -> PhysicalMap | None:
        """Follow-up -> baseline patient space (None without a registration)."""
        return None if self.registration is None else self.registration.transform

    @property
    def status(self) -> str:
        if self.timepoint is None:
            return NO_LABELS
        return self.registration.warning or "compared"  # type: ignore[union-attr]

    def saved(self) -> SavedFollowUp:
        return SavedFollowUp(self.name, self.study_date, self.source, self.case.image, self.case.labels,
                             None if self.registration is None else self.registration.to_json(), self.image_file)

    def reference(self) -> dict[str, Any]:
        """Where to read this scan again, for a recovery save (:func:`cned_viewer.io.recovered_case.reloaded_followups`)."""
        labels = self.case.labels
        return {"name": self.name, "study_date": self.study_date, "source": self.source, "image": self.image_file or self.source,
                "labels": None if labels is None else labels.source, "label_map": self.label_map,
                "labels_sha256": self.labels_sha256, "registration": None if self.registration is None else self.registration.to_json()}


def iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` of a DICOM DA (``20090527``) or an ISO date; None when empty; UserError otherwise."""
    text = str(value or "").strip()
    if not text:
        return None
    date = parse_date(text.replace("-", ""))
    if date is None:
        raise UserError(f"study date {text!r} is not a date; give it as YYYY-MM-DD")
    return date.isoformat()


def _measured_point(case: Case, name: str, options: MeasureOptions) -> TimePoint | None:
    """The follow-up's time point measured on its own grid (None without labels)."""
    if case.labels is None:
        return None
    return TimePoint.from_measurer(name, IncrementalMeasurer(case, options), case.labels, case.clinical)


def registration_from_json(data: dict[str, Any], transform: PhysicalMap) -> Registration:
    """The :class:`Registration` a bundle saved (``Registration.to_json()``), without registering again."""
    return Registration(transform, str(data["stage_kept"]), Quality(float(data["liver_dice"]), float(data["mean_surface_distance_mm"])))


def _scan_name(path: str) -> str:
    name = Path(path).name
    for suffix in (".nii.gz", ".nii", ".nrrd", ".mha", ".mhd", ".dcm"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


class CaseFollowUps:
    """The follow-up scans of the open case and their comparison with it (module doc)."""

    changed = Signal()  # follow-ups added, removed or reordered
    compared = Signal(object)  # the Comparison, or None (no follow-up with labels)

    def __init__(self, session: Any) -> None:
        self.session = session
        self.points: list[FollowUpPoint] = []
        self.comparison: Comparison | None = None
        self.baseline_timepoint: TimePoint | None = None  # None while stale (labels edited) or not measured yet
        self.targets: tuple[int, ...] | None = None  # RECIST targets by baseline number; None: automatic
        self._revision = self._saved_revision = 0
        self._opened = 0  # follow-ups opened (their file order)
        self._pending: set[str] = set()  # names being opened
        self._openers: list[Any] = []  # one channel per open: several scans load side by side
        self._generation = 0  # the open case: results for an older one are dropped
        self.restorer = session.executor.channel(self._restored, session.fail)
        self.comparer = session.executor.channel(self._compared, session.fail)
        session.case_opened.connect(self._case_opened)
        session.measured.connect(self._labels_measured)
        session.edits.followups_source = self.recovery_json  # recovery saves keep the follow-ups beside the labels
        session.clinical_changed.connect(lambda _clinical: self._compare())

    # -- the list -----------------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return [p.name for p in self.points]

    def point(self, name: str) -> FollowUpPoint:
        found = next((p for p in self.points if p.name == name), None)
        if found is None:
            raise UserError(f"there is no follow-up named {name!r}")
        return found

    def open(self, image_path: str, labels_path: str | None = None, name: str | None = None, study_date: str | None = None,
             label_map: str | None = None) -> None:
        """Load, measure and register a follow-up scan in a job; the comparison follows. Failures go to ``session.fail``."""
        session, case = self.session, self.session.case
        if case is None or case.labels is None:
            session.fail("open the baseline case with its labels first; a follow-up is compared with it")
            return
        try:
            date = iso_date(study_date)
        except UserError as error:
            session.fail(str(error))
            return
        name = self._free_name(name or _scan_name(image_path), name is not None)
        if name is None:
            return
        base_image, base_labels, options = case.image, case.labels.copy(), session.options
        self._opened += 1
        order, generation = self._opened, self._generation

        def job() -> FollowUpPoint:
            loaded = load_case(image_path, labels_path, label_map)
            when = iso_date(loaded.metadata.get("StudyDate")) if parse_date(loaded.metadata.get("StudyDate")) else date
            point = _measured_point(loaded, name, options)
            registration = None if point is None else register_followup(base_image, base_labels, loaded.image, loaded.labels)
            digest = None if loaded.labels is None else array_digest(loaded.labels.array)
            return FollowUpPoint(name, when, str(Path(image_path).resolve()), loaded, point, registration, order,
                                 label_map=label_map, labels_sha256=digest)

        def done(point: FollowUpPoint) -> None:
            self._openers = [c for c in self._openers if c is not channel]
            self._added(point, generation)

        def failed(message: str) -> None:
            self._openers = [c for c in self._openers if c is not channel]
            self._pending.discard(name)
            session.fail(f"follow-up {name}: {message}")

        channel = session.executor.channel(done, failed)
        self._pending.add(name)
        self._openers.append(channel)
        session.status.emit(f"Opening the follow-up {name} (measuring and registering)...", 0)
        channel.submit(job)

    def _free_name(self, name: str, given: bool) -> str | None:
        """``name``, or with `` (2)``... when taken; a name the user gave must be free."""
        taken = set(self.names) | self._pending
        if given and name in taken:
            self.session.fail(f"a follow-up named {name!r} exists already; choose another name")
            return None
        base, k = name, 2
        while name in taken:
            name, k = f"{base} ({k})", k + 1
        return name

    def _added(self, point: FollowUpPoint, generation: int) -> None:
        self._pending.discard(point.name)
        if generation != self._generation or self.session.case is None:
            return  # opened for a case that is gone
        self.points = sorted([*self.points, point], key=_chronological)
        self._touched()
        self.changed.emit()
        text = point.status if point.timepoint is None else (point.registration.warning or f"registered ({point.registration.stage})")
        self.session.status.emit(f"Follow-up {point.name}: {text}.", 10000)
        self._compare()

    def remove(self, name: str) -> None:
        self.point(name)
        self.points = [p for p in self.points if p.name != name]
        self._touched()
        self.changed.emit()
        self._compare()

    def set_targets(self, ids: tuple[int, ...] | None) -> None:
        """RECIST 1.1 target lesions by baseline number (None: the two largest measurable); UserError when not allowed."""
        wanted = None if ids is None else tuple(int(i) for i in ids)
        if wanted is not None and self.baseline_timepoint is not None:
            try:
                select_targets(self.baseline_timepoint.lesions, wanted)
            except ValueError as error:
                raise UserError(f"RECIST targets: {error}") from None
        if wanted == self.targets:
            return
        self.targets = wanted
        self._touched()
        self._compare()

    # -- linked navigation --------------------------------------------------------------------------
    def to_followup(self, name: str, index_zyx: Index) -> Index | None:
        """The follow-up voxel showing baseline voxel ``index_zyx`` (None outside the scan or without a registration)."""
        point, case = self.point(name), self.session.case
        if point.map is None or case is None:
            return None
        return _mapped(case.image.geometry, point.case.image.geometry, point.map.inverse(), index_zyx)

    def to_baseline(self, name: str, index_zyx: Index) -> Index | None:
        """The baseline voxel showing follow-up voxel ``index_zyx`` of ``name`` (None outside)."""
        point, case = self.point(name), self.session.case
        if point.map is None or case is None:
            return None
        return _mapped(point.case.image.geometry, case.image.geometry, point.map, index_zyx)

    # -- the report ---------------------------------------------------------------------------------
    def response_json(self, name: str | None = None) -> dict[str, Any] | None:
        """The ``compare`` command's JSON for follow-up ``name`` as it stood at that scan (default, or a scan without
        labels: the last compared one, as the report's Response section shows it); None without a comparison."""
        comparison = self.comparison
        if comparison is None:
            return None
        result = comparison.result(name)
        last = next((p for p in self.points if p.name == result.point.name), None)
        if last is None or last.registration is None:
            return None
        case = self.session.case
        warnings = [*(f"baseline: {w}" for w in (case.warnings if case is not None else [])),
                    *(f"{last.name}: {w}" for w in last.case.warnings)]
        return {"baseline": {"image": None if case is None else case.metadata.get("source")},
                "followup": {"name": last.name, "image": last.source, "study_date": last.study_date},
                "registration": last.registration.to_json(), **comparison.to_json(last.name), "warnings": list(dict.fromkeys(warnings))}

    # -- unsaved changes ----------------------------------------------------------------------------
    def _touched(self) -> None:
        """The follow-ups or the targets changed: unsaved, and due in the next recovery save."""
        self._revision += 1
        if self.session.edits.autosaver is not None:
            self.session.edits.autosaver.mark_pending()

    def recovery_json(self) -> dict[str, Any]:
        """What a recovery save keeps: each scan's :meth:`FollowUpPoint.reference` and the RECIST targets."""
        return {"targets": None if self.targets is None else list(self.targets), "scans": [p.reference() for p in self.points]}

    @property
    def has_unsaved_changes(self) -> bool:
        return self._revision != self._saved_revision

    def snapshot(self) -> tuple[list[SavedFollowUp], tuple[int, ...] | None, int]:
        """The follow-ups to save, the RECIST targets and the revision they have (their arrays are never written: no copy)."""
        return [p.saved() for p in self.points], self.targets, self._revision

    def saved(self, revision: int) -> None:
        self._saved_revision = revision

    # -- opening a case and comparing ---------------------------------------------------------------
    def _case_opened(self, case: Case) -> None:
        self._generation += 1
        for channel in (*self._openers, self.restorer, self.comparer):
            channel.cancel()
        self._openers, self._pending = [], set()
        self.points, self.comparison, self.baseline_timepoint = [], None, None
        self._revision = self._saved_revision = 0
        restored: list[SavedFollowUp] = case.metadata.pop("followups", None) or []
        targets = case.metadata.pop("recist_targets", None)
        self.targets = targets if restored else None
        self.changed.emit()
        self.compared.emit(None)
        if restored:
            options = self.session.options
            self.restorer.submit(lambda: [_restored_point(saved, k, options) for k, saved in enumerate(restored, start=1)])

    def _restored(self, points: list[FollowUpPoint]) -> None:
        self.points = sorted(points, key=_chronological)
        self._opened = len(points)
        self.changed.emit()
        self._compare()

    def _labels_measured(self, _measurements: Any) -> None:
        self.baseline_timepoint = None  # the labels changed: rebuilt in the next job (the registration is kept)
        self._compare()

    def _compare(self) -> None:
        """Recompute the comparison in the comparer (the baseline time point first when it is stale)."""
        session, case = self.session, self.session.case
        followups = [p for p in self.points if p.timepoint is not None]
        if not followups:
            self.comparer.cancel()
            if self.comparison is not None:
                self.comparison = None
                self.compared.emit(None)
            return
        measurer = session.edits.measurer
        if case is None or case.labels is None or measurer is None:
            return  # measured() comes and compares
        baseline, targets, clinical = self.baseline_timepoint, self.targets, case.clinical
        if baseline is None:
            copy = Case(case.image, case.labels.copy(), case.segments)
            options, numbering = session.options, measurer.numbering.snapshot()

        def job() -> tuple[TimePoint, Comparison, bool]:
            base = baseline or TimePoint.from_measurer("baseline", IncrementalMeasurer(copy, options, numbering=numbering), copy.labels)
            base = replace(base, clinical=clinical)
            pairs = [(replace(p.timepoint, clinical=clinical), p.map) for p in followups]  # same patient: the baseline's inputs
            try:
                return base, compare(base, pairs, targets), False
            except ValueError:  # a target lesion was erased or shrank: automatic targets meanwhile
                return base, compare(base, pairs, None), True

        self.comparer.submit(job)

    def _compared(self, result: tuple[TimePoint, Comparison, bool]) -> None:
        self.baseline_timepoint, self.comparison, targets_dropped = result
        if targets_dropped:
            self.session.status.emit(f"RECIST targets {self.targets} are no longer measurable baseline lesions: "
                                     "automatic targets are used; choose the targets again", 15000)
            self.targets = None
            self._touched()
        self.compared.emit(self.comparison)


def _chronological(point: FollowUpPoint) -> tuple[bool, str, int]:
    return point.study_date is None, point.study_date or "", point.order


def _restored_point(saved: SavedFollowUp, order: int, options: MeasureOptions) -> FollowUpPoint:
    case = Case(saved.image, saved.labels, metadata={"source": saved.source or ""})
    point = _measured_point(case, saved.name, options)
    registration = None if point is None or saved.registration is None else registration_from_json(saved.registration, saved.transform)
    return FollowUpPoint(saved.name, saved.study_date, saved.source, case, point if registration else None, registration, order,
                         saved.image_file, saved.label_map, None if saved.labels is None else array_digest(saved.labels.array))


def _mapped(source: Geometry, target: Geometry, transform: PhysicalMap, index_zyx: Index) -> Index | None:
    """``index_zyx`` of ``source`` mapped by ``transform`` (source mm -> target mm) to the nearest ``target`` voxel, None outside."""
    point = transform.followup_to_baseline(source.index_to_patient_mm(np.asarray(index_zyx, np.float64)))
    index = np.rint(target.patient_to_index(point)).astype(int)
    if np.any(index < 0) or np.any(index >= np.asarray(target.shape_zyx)):
        return None
    return int(index[0]), int(index[1]), int(index[2])
