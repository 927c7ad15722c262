"""The bridge's contributions: importers (multi-label file, per-class folder) and one segmenter per task."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cned_totalseg_bridge.classes import TASK_CLASSES
from cned_totalseg_bridge.importer import NIFTI, import_output
from cned_totalseg_bridge.runner import RunSettings, run_totalsegmentator
from cned_totalseg_bridge.tasks import TASKS, Task
from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import DEFAULT_LABEL_TABLE, HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN
from cned_viewer.errors import UserError
from cned_viewer.plugins import CancelCheck, ImportedLabels, Progress, SegmentationRequest, SegmentationResult


@dataclass(frozen=True)
class MultiLabelImporter:
    """One multi-label NIfTI (``--ml`` output) of a TotalSegmentator ``task`` (and of ``same_map`` tasks)."""

    task: str = "total"
    same_map: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"totalseg-{self.task.replace('_', '-')}-file"

    @property
    def name(self) -> str:
        tasks = " / ".join((self.task, *self.same_map))
        return f"TotalSegmentator '{tasks}' multi-label file"

    @property
    def description(self) -> str:
        classes = ", ".join(f"{v} {n}" for v, n in TASK_CLASSES[self.task].items())
        return f"values used: {classes}"

    def can_import(self, path: Path) -> bool:
        return path.is_file() and path.name.endswith(NIFTI)

    def load(self, path: Path, reference: Geometry) -> ImportedLabels:
        return import_output(path, reference, self.task)


def multilabel_importers() -> tuple[MultiLabelImporter, ...]:
    """One importer per distinct class map of the tasks the bridge runs (MR twins share theirs)."""
    groups: dict[str, list[str]] = {}
    for name in TASKS:
        first = next((g for g in groups if TASK_CLASSES[g] == TASK_CLASSES[name]), name)
        groups.setdefault(first, []).append(name)
    return tuple(MultiLabelImporter(first, tuple(rest)) for first, (_, *rest) in groups.items())


@dataclass(frozen=True)
class FolderImporter:
    id: str = "totalseg-folder"
    name: str = "TotalSegmentator output folder"
    description: str = ("per-class masks of any task: liver, portal_vein_and_splenic_vein, inferior_vena_cava, "
                        "liver_vessels, liver_tumor, liver_lesions, liver_segment_1-8")

    def can_import(self, path: Path) -> bool:
        return path.is_dir() and any(path.glob("liver*.nii*"))

    def load(self, path: Path, reference: Geometry) -> ImportedLabels:
        return import_output(path, reference)


def _flag(options: Mapping[str, Any], key: str) -> bool:
    value = str(options.get(key, "0")).strip().lower()
    if value not in {"0", "1", "true", "false", "yes", "no"}:
        raise UserError(f"option {key}={value}: use 1 or 0")
    return value in {"1", "true", "yes"}


def settings_from(options: Mapping[str, Any]) -> RunSettings:
    """RunSettings from a request's options (see the README for each)."""
    known = {"device", "fast", "output", "home_dir", "allow_download", "vessels"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise UserError(f"unknown option(s) {', '.join(unknown)}; the TotalSegmentator segmenters take {', '.join(sorted(known))}")
    output = str(options.get("output", "masks"))
    vessels = str(options.get("vessels", "portal_vein"))
    if output not in {"masks", "ml"}:
        raise UserError(f"option output={output}: use masks (a folder of masks) or ml (one multi-label file)")
    if vessels not in {"portal_vein", "hepatic_veins"}:
        raise UserError(f"option vessels={vessels}: use portal_vein or hepatic_veins")
    return RunSettings(device=str(options.get("device", "auto")), fast=_flag(options, "fast"), multilabel=output == "ml",
                       home=str(options["home_dir"]) if options.get("home_dir") else None,
                       allow_download=_flag(options, "allow_download"),
                       vessels_label=PORTAL_VEIN if vessels == "portal_vein" else HEPATIC_VEINS)


@dataclass(frozen=True)
class TotalSegmentatorSegmenter:
    """Runs one TotalSegmentator task on the open image and imports its output (no seeds)."""

    task: Task = field(default_factory=lambda: TASKS["total"])
    seed_labels: tuple[int, ...] = ()

    @property
    def id(self) -> str:
        return self.task.segmenter_id

    @property
    def name(self) -> str:
        return f"TotalSegmentator {self.task.name}: {self.task.title}"

    @property
    def description(self) -> str:
        return (f"runs TotalSegmentator --task {self.task.name} ({self.task.modality}, release {self.task.since} or later, "
                f"weights installed) with usage statistics off, and imports its output")

    @property
    def produces(self) -> tuple[int, ...]:
        return self.task.produces

    def run(self, request: SegmentationRequest, progress: Progress, is_cancelled: CancelCheck) -> SegmentationResult:
        settings = settings_from(request.options)
        imported = run_totalsegmentator(request.image, self.task, progress, is_cancelled, settings)
        total = self.task.name.startswith("total")
        protect = () if total else tuple(v for v in DEFAULT_LABEL_TABLE.values if v != LIVER_PARENCHYMA)
        parameters = {"task": self.task.name, "device": settings.device, "fast": settings.fast,
                      "output": "ml" if settings.multilabel else "masks"}
        return SegmentationResult(imported.labels, imported.segments, protect=protect, notices=imported.notices,
                                  parameters=parameters)


def segmenters() -> tuple[TotalSegmentatorSegmenter, ...]:
    return tuple(TotalSegmentatorSegmenter(task) for task in TASKS.values())
