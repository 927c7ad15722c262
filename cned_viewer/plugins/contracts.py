"""The plugin contract: what a plugin declares, receives and returns (plain data, no widgets).

A plugin package exposes one :class:`Plugin` (or a zero-argument callable returning one)
under the entry-point group ``cned_viewer.plugins``. It contributes any of:

* segmenters (:class:`Segmenter`): image + seeds/ROI -> label map in the app's table;
* scores: objects following :class:`cned_viewer.scores.registry.Score`, registered by the
  host while the plugin is enabled;
* importers (:class:`Importer`) and exporters (:class:`Exporter`) of label maps;
* report sections (:class:`ReportSection`): a title with rows and paragraphs.

Long work receives ``progress(fraction, message)`` and ``is_cancelled()`` callbacks and
raises :class:`Cancelled` (or just returns early) when asked to stop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from cned_viewer.core.case import Case
from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import LabelMap
from cned_viewer.core.volume import Volume

ENTRY_POINT_GROUP = "cned_viewer.plugins"

Progress = Callable[[float, str], None]
CancelCheck = Callable[[], bool]


class Cancelled(Exception):
    """Raised by plugin code (or the host) when the user cancelled the work."""


def no_progress(fraction: float, message: str) -> None:
    """A progress callback that ignores reports."""


def never_cancelled() -> bool:
    return False


@dataclass(frozen=True)
class Seed:
    """A user click: a point with the label it stands for.

    ``space`` says how ``point_xyz`` reads: patient coordinates in mm (LPS, x y z) or voxel
    indices (i j k = x y z, may be fractional).
    """

    point_xyz: tuple[float, float, float]
    label: int
    space: Literal["patient_mm", "voxel"] = "patient_mm"

    def index_zyx(self, geometry: Geometry) -> tuple[int, int, int]:
        """The nearest voxel ``(z, y, x)``; ValueError when it lies outside the grid."""
        if self.space == "voxel":
            continuous = np.asarray(self.point_xyz, dtype=float)[::-1]
        else:
            continuous = geometry.patient_to_index(self.point_xyz)
        index = tuple(int(v) for v in np.rint(continuous))
        if any(not 0 <= i < n for i, n in zip(index, geometry.shape_zyx)):
            raise ValueError(f"seed {self.point_xyz} ({self.space}) lies outside the image")
        return index  # type: ignore[return-value]


@dataclass(frozen=True)
class SegmentationRequest:
    """What a segmenter gets: the image, the clicks, an optional ROI box and the current labels.

    ``roi_zyx`` is ``(start_zyx, stop_zyx)`` in voxels (half-open); ``labels`` the case's
    current label map (may constrain the result, e.g. a tumour inside the liver);
    ``options`` free settings the segmenter documents.
    """

    image: Volume
    seeds: tuple[Seed, ...] = ()
    roi_zyx: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None
    labels: LabelMap | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def seeds_with(self, label: int) -> list[tuple[int, int, int]]:
        """Voxel indices ``(z, y, x)`` of the seeds for ``label``."""
        return [s.index_zyx(self.image.geometry) for s in self.seeds if s.label == label]


@dataclass(frozen=True)
class SegmentationResult:
    """A segmenter's answer: a label map on the image grid in the app's label table.

    Value 0 means "leave as is"; every other value is written unless the voxel currently
    holds one of ``protect`` (e.g. a liver result protects tumour and vessels).
    ``replace`` instead replaces the whole map (an imported full segmentation).
    ``segments`` is an optional Couinaud map (SEGMENT_LABEL_TABLE), applied the same way.
    """

    labels: LabelMap | None
    segments: LabelMap | None = None
    protect: tuple[int, ...] = ()
    replace: bool = False
    notices: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Segmenter(Protocol):
    """A (semi-)automatic segmentation method.

    ``seed_labels`` lists the label values the user should click (empty: no seeds needed);
    ``produces`` the label values it writes.
    """

    id: str
    name: str
    description: str
    seed_labels: tuple[int, ...]
    produces: tuple[int, ...]

    def run(self, request: SegmentationRequest, progress: Progress, is_cancelled: CancelCheck) -> SegmentationResult: ...


@dataclass(frozen=True)
class ImportedLabels:
    """What an importer read, already on the reference grid; ``None`` for a map it has not."""

    labels: LabelMap | None
    segments: LabelMap | None = None
    notices: tuple[str, ...] = ()


@runtime_checkable
class Importer(Protocol):
    """Reads label maps written by another tool."""

    id: str
    name: str
    description: str

    def can_import(self, path: Path) -> bool: ...

    def load(self, path: Path, reference: Geometry) -> ImportedLabels: ...


@runtime_checkable
class Exporter(Protocol):
    """Writes the case's label maps (or derived data) for another tool."""

    id: str
    name: str
    suffixes: tuple[str, ...]

    def export(self, case: Case, path: Path) -> Path: ...


@dataclass(frozen=True)
class ReportSectionData:
    """Plain content of one report section: rows (label, value) and paragraphs."""

    title: str
    rows: tuple[tuple[str, str], ...] = ()
    paragraphs: tuple[str, ...] = ()


@runtime_checkable
class ReportSection(Protocol):
    """Builds one report section from the case and its measurements (a JSON-like dict)."""

    id: str
    title: str

    def build(self, case: Case, measurements: dict[str, Any]) -> ReportSectionData: ...


@dataclass(frozen=True)
class Plugin:
    """What a plugin declares: identity and contributions (any may be empty)."""

    name: str
    version: str
    description: str = ""
    segmenters: tuple[Segmenter, ...] = ()
    scores: tuple[Any, ...] = ()
    importers: tuple[Importer, ...] = ()
    exporters: tuple[Exporter, ...] = ()
    report_sections: tuple[ReportSection, ...] = ()

    def contributions(self) -> dict[str, list[str]]:
        """Ids of everything the plugin contributes, by kind."""
        return {
            "segmenters": [s.id for s in self.segmenters],
            "scores": [s.id for s in self.scores],
            "importers": [i.id for i in self.importers],
            "exporters": [e.id for e in self.exporters],
            "report_sections": [r.id for r in self.report_sections],
        }

    def segmenter(self, segmenter_id: str) -> Segmenter:
        for segmenter in self.segmenters:
            if segmenter.id == segmenter_id:
                return segmenter
        known = ", ".join(s.id for s in self.segmenters) or "none"
        raise KeyError(f"plugin {self.name} has no segmenter {segmenter_id!r} (it has: {known})")
