"""The TotalSegmentator tasks the bridge runs: modality, first release, and the weights each needs.

From TotalSegmentator's ``map_tasks_config.py`` / ``python_api.py`` (release 2.18.0): the
nnU-Net datasets a task predicts with, plus the ``total`` / ``total_mr`` model that crops
the image to the liver first (the liver tasks crop with the 6 mm CT model 298, or the 3 mm
model 297 where the task asks for a robust crop, and the 3 mm MR model 852).
TotalSegmentator keeps weights in ``<home>/nnunet/results/Dataset<id>_<name>`` and
downloads a missing one from the internet, which the bridge does not allow by default.
"""

from __future__ import annotations

from dataclasses import dataclass

from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR


@dataclass(frozen=True)
class Task:
    """One TotalSegmentator task as the bridge runs it."""

    name: str
    title: str
    modality: str  # "CT" or "MR"
    since: str  # first TotalSegmentator release that has it
    datasets: tuple[int, ...]  # nnU-Net datasets used (crop model included)
    fast_datasets: tuple[int, ...] = ()  # with --fast; empty: the task has no fast mode
    produces: tuple[int, ...] = ()  # app label values it can write
    couinaud: bool = False  # writes the Couinaud segment map

    @property
    def segmenter_id(self) -> str:
        """``totalsegmentator`` for ``total`` (the id before MR and liver tasks), else ``totalsegmentator-<task>``."""
        return "totalsegmentator" if self.name == "total" else f"totalsegmentator-{self.name.replace('_', '-')}"

    def needed_datasets(self, fast: bool) -> tuple[int, ...]:
        return self.fast_datasets if fast and self.fast_datasets else self.datasets


_ORGANS = (LIVER_PARENCHYMA, PORTAL_VEIN, HEPATIC_VEINS)

TASKS: dict[str, Task] = {t.name: t for t in (
    Task("total", "liver, portal/splenic vein and IVC (CT)", "CT", "2.0.0", (291, 292, 293, 294, 295), (297,), _ORGANS),
    Task("total_mr", "liver, portal/splenic vein and IVC (MR)", "MR", "2.2.0", (850, 851), (852,), _ORGANS),
    Task("liver_vessels", "liver vessels and tumour (CT)", "CT", "2.0.0", (8, 298), (), (PORTAL_VEIN, HEPATIC_VEINS, TUMOUR)),
    Task("liver_segments", "Couinaud segments I-VIII (CT)", "CT", "2.7.0", (570, 298), couinaud=True),
    Task("liver_segments_mr", "Couinaud segments I-VIII (MR)", "MR", "2.7.0", (576, 852), couinaud=True),
    Task("liver_lesions", "liver lesions (CT)", "CT", "2.13.0", (591, 297), (), (TUMOUR,)),
    Task("liver_lesions_mr", "liver lesions (MR)", "MR", "2.13.0", (589, 852), (), (TUMOUR,)),
)}


def task_named(name: str) -> Task:
    """The task ``name``; ValueError naming the known ones otherwise."""
    if name not in TASKS:
        raise ValueError(f"unknown TotalSegmentator task {name!r}; the bridge runs {', '.join(TASKS)}")
    return TASKS[name]
