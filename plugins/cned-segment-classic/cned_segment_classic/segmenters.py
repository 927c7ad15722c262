"""The plugin's segmenters: thin wrappers turning requests into the pure functions' calls."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from cned_segment_classic.liver import LiverOptions, segment_liver
from cned_segment_classic.tumour import TumourOptions, segment_tumour
from cned_segment_classic.vessels import VesselOptions, segment_vessels
from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR, LabelMap
from cned_viewer.plugins import CancelCheck, Progress, SegmentationRequest, SegmentationResult


def with_options(defaults: Any, given: dict[str, Any]) -> Any:
    """``defaults`` (a frozen dataclass) with the request's options of the same names (strings parsed)."""
    known = {f.name: type(getattr(defaults, f.name)) for f in fields(defaults)}
    chosen = {}
    for name, value in given.items():
        if name in known:
            kind = known[name]
            chosen[name] = tuple(float(v) for v in str(value).split(",")) if kind is tuple and isinstance(value, str) else kind(value)
    return replace(defaults, **chosen)


def _need_seeds(request: SegmentationRequest, label: int, what: str) -> list[tuple[int, int, int]]:
    seeds = request.seeds_with(label)
    if not seeds:
        raise ValueError(f"click inside the {what} first (a seed with label {label})")
    return seeds


def _labels(request: SegmentationRequest) -> np.ndarray | None:
    return request.labels.array if request.labels is not None else None


@dataclass(frozen=True)
class LiverSegmenter:
    id: str = "liver"
    name: str = "Liver (one click)"
    description: str = "region growing in the liver's HU window from a click deep in the parenchyma"
    seed_labels: tuple[int, ...] = (LIVER_PARENCHYMA,)
    produces: tuple[int, ...] = (LIVER_PARENCHYMA,)

    def run(self, request: SegmentationRequest, progress: Progress, is_cancelled: CancelCheck) -> SegmentationResult:
        options = with_options(LiverOptions(), request.options)
        mask = segment_liver(request.image, _need_seeds(request, LIVER_PARENCHYMA, "liver"), progress, is_cancelled, options)
        array = np.where(mask, LIVER_PARENCHYMA, 0).astype(np.uint8)
        return SegmentationResult(LabelMap(array, request.image.geometry), protect=(TUMOUR, PORTAL_VEIN, HEPATIC_VEINS),
                                  parameters=vars(options).copy())


@dataclass(frozen=True)
class TumourSegmenter:
    id: str = "metastasis"
    name: str = "Metastasis (one click inside it)"
    description: str = "region growing from a click inside a hypo-attenuating lesion, kept inside the liver"
    seed_labels: tuple[int, ...] = (TUMOUR,)
    produces: tuple[int, ...] = (TUMOUR,)

    def run(self, request: SegmentationRequest, progress: Progress, is_cancelled: CancelCheck) -> SegmentationResult:
        options = with_options(TumourOptions(), request.options)
        seeds = _need_seeds(request, TUMOUR, "metastasis")
        mask = np.zeros(request.image.array.shape, bool)
        notices = () if request.labels is not None and np.any(request.labels.array) else (
            "no liver label yet: the lesion was limited to the reach around the click only",)
        for k, seed in enumerate(seeds):
            mask |= segment_tumour(request.image, seed, _labels(request), lambda f, m: progress((k + f) / len(seeds), m),
                                   is_cancelled, options)
        array = np.where(mask, TUMOUR, 0).astype(np.uint8)
        return SegmentationResult(LabelMap(array, request.image.geometry), protect=(PORTAL_VEIN, HEPATIC_VEINS),
                                  notices=notices, parameters=vars(options).copy())


@dataclass(frozen=True)
class VesselSegmenter:
    id: str = "vessels"
    name: str = "Portal and hepatic veins (a click on each tree)"
    description: str = "multi-scale Hessian vesselness inside the liver, connected to the clicks"
    seed_labels: tuple[int, ...] = (PORTAL_VEIN, HEPATIC_VEINS)
    produces: tuple[int, ...] = (PORTAL_VEIN, HEPATIC_VEINS)

    def run(self, request: SegmentationRequest, progress: Progress, is_cancelled: CancelCheck) -> SegmentationResult:
        options = with_options(VesselOptions(), request.options)
        seeds = {label: request.seeds_with(label) for label in self.seed_labels if request.seeds_with(label)}
        if not seeds:
            raise ValueError("click on the portal vein (label 3) and/or a hepatic vein (label 4) first")
        array = segment_vessels(request.image, seeds, _labels(request), progress, is_cancelled, options)
        return SegmentationResult(LabelMap(array, request.image.geometry), protect=(TUMOUR,), parameters=vars(options).copy())
