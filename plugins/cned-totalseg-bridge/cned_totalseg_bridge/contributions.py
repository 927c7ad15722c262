"""The bridge's contributions: importers (multi-label file, per-class folder) and a segmenter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cned_totalseg_bridge.classes import TASK_CLASSES
from cned_totalseg_bridge.importer import NIFTI, import_output
from cned_totalseg_bridge.runner import run_totalsegmentator
from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import DEFAULT_LABEL_TABLE, HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR
from cned_viewer.plugins import CancelCheck, ImportedLabels, Progress, SegmentationRequest, SegmentationResult


@dataclass(frozen=True)
class MultiLabelImporter:
    """One multi-label NIfTI of a TotalSegmentator ``task`` (``--ml`` output)."""

    task: str = "total"

    @property
    def id(self) -> str:
        return f"totalseg-{self.task.replace('_', '-')}-file"

    @property
    def name(self) -> str:
        return f"TotalSegmentator '{self.task}' multi-label file"

    @property
    def description(self) -> str:
        classes = ", ".join(f"{v} {n}" for v, n in TASK_CLASSES[self.task].items())
        return f"values used: {classes}"

    def can_import(self, path: Path) -> bool:
        return path.is_file() and path.name.endswith(NIFTI)

    def load(self, path: Path, reference: Geometry) -> ImportedLabels:
        return import_output(path, reference, self.task)


@dataclass(frozen=True)
class FolderImporter:
    id: str = "totalseg-folder"
    name: str = "TotalSegmentator output folder"
    description: str = "per-class masks: liver, portal_vein_and_splenic_vein, inferior_vena_cava, liver_vessels, liver_tumor, liver_segment_1-8"

    def can_import(self, path: Path) -> bool:
        return path.is_dir() and any(path.glob("liver*.nii*"))

    def load(self, path: Path, reference: Geometry) -> ImportedLabels:
        return import_output(path, reference)


@dataclass(frozen=True)
class TotalSegmentatorSegmenter:
    """Runs TotalSegmentator on the open image (option ``task``: total, liver_vessels, liver_segments)."""

    id: str = "totalsegmentator"
    name: str = "TotalSegmentator (needs the command and its weights)"
    description: str = "runs the TotalSegmentator command and imports liver, vessels, tumour and Couinaud segments"
    seed_labels: tuple[int, ...] = ()
    produces: tuple[int, ...] = (LIVER_PARENCHYMA, TUMOUR, PORTAL_VEIN, HEPATIC_VEINS)

    def run(self, request: SegmentationRequest, progress: Progress, is_cancelled: CancelCheck) -> SegmentationResult:
        task = str(request.options.get("task", "total"))
        if task not in TASK_CLASSES:
            raise ValueError(f"unknown task {task!r}; use one of {', '.join(TASK_CLASSES)}")
        imported = run_totalsegmentator(request.image, task, progress, is_cancelled)
        protect = () if task == "total" else tuple(v for v in DEFAULT_LABEL_TABLE.values if v != LIVER_PARENCHYMA)
        return SegmentationResult(imported.labels, imported.segments, protect=protect, notices=imported.notices,
                                  parameters={"task": task})
