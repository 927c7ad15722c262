"""Fake plugins and entry points for the contract tests (good, broken, raising, slow)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from cned_viewer.core.labels import LabelMap
from cned_viewer.plugins import Cancelled, Plugin, SegmentationResult


class FakeEntryPoint:
    """Just what the manager uses of importlib.metadata.EntryPoint."""

    def __init__(self, name: str, target: Any, value: str | None = None) -> None:
        self.name, self.value, self.dist, self._target = name, value or f"fake:{name}", None, target

    def load(self) -> Any:
        if isinstance(self._target, BaseException):
            raise self._target
        return self._target


@dataclass
class BoxSegmenter:
    """Writes ``label`` in a 3-voxel cube around each seed (or a fixed misbehaviour)."""

    id: str = "box"
    name: str = "Box"
    description: str = "a cube around each seed"
    seed_labels: tuple[int, ...] = (2,)
    produces: tuple[int, ...] = (2,)
    behaviour: str = "good"
    started: threading.Event | None = None

    def run(self, request, progress, is_cancelled) -> SegmentationResult:
        if self.behaviour == "raise":
            raise RuntimeError("boom")
        if self.behaviour == "slow":
            assert self.started is not None
            self.started.set()
            for step in range(1000):
                progress(step / 1000, "waiting")
                if is_cancelled():
                    raise Cancelled()
                threading.Event().wait(0.01)
        geometry = request.image.geometry
        if self.behaviour == "wrong_grid":
            return SegmentationResult(LabelMap(np.zeros((2, 2, 2), np.uint8), geometry.__class__.for_array((2, 2, 2), (1, 1, 1))))
        array = np.zeros(geometry.shape_zyx, np.uint8)
        value = 9 if self.behaviour == "bad_values" else 2
        for z, y, x in request.seeds_with(2):
            array[max(z - 1, 0):z + 2, max(y - 1, 0):y + 2, max(x - 1, 0):x + 2] = value
        progress(1.0, "done")
        return SegmentationResult(LabelMap(array, geometry), protect=(3,))


def fake_plugin(name: str = "good", behaviour: str = "good", **extra) -> Plugin:
    return Plugin(name, "1.2.3", "a test plugin", segmenters=(BoxSegmenter(behaviour=behaviour, **extra),))


@dataclass(frozen=True)
class TextExporter:
    """Writes the tumour voxel count as text (or misbehaves: ``raise``, ``user_error``, ``nothing``)."""

    id: str = "count"
    name: str = "Tumour count"
    suffixes: tuple[str, ...] = (".txt",)
    behaviour: str = "good"

    def export(self, case, path):
        from pathlib import Path

        from cned_viewer.errors import UserError

        if self.behaviour == "raise":
            raise RuntimeError("disk on fire")
        if self.behaviour == "user_error":
            raise UserError("this case has no segment map: load one first")
        if self.behaviour != "nothing":
            Path(path).write_text(f"tumour voxels {int(np.count_nonzero(case.labels.array == 2))}\n")
        return Path(path)


@dataclass(frozen=True)
class CountSection:
    """A report section with the tumour voxel count (or misbehaves: ``raise``, ``user_error``, ``wrong_type``)."""

    id: str = "count"
    title: str = "Tumour voxel count"
    behaviour: str = "good"

    def build(self, case, measurements):
        from cned_viewer.plugins import ReportSectionData

        if self.behaviour == "raise":
            raise ValueError("section exploded")
        if self.behaviour == "user_error":
            from cned_viewer.errors import UserError

            raise UserError("no segment map is loaded")
        if self.behaviour == "wrong_type":
            return {"title": "not a section"}
        count = int(np.count_nonzero(case.labels.array == 2))
        return ReportSectionData(self.title, (("Tumour voxels", str(count)), ("Lesions", str(measurements["lesion_count"]))), ("Counted by a test plugin.",))
