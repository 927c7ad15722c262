"""How a case was opened (remembered as a recent case) and what a drop of files opens (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cned_viewer.io.case_bundle import is_bundle
from cned_viewer.io.images import has_image_suffix


@dataclass(frozen=True)
class CaseSource:
    """How a case was opened: an image (+ labels, mapping, series) or a bundle folder."""

    image: str
    labels: str | None = None
    label_map: str | None = None
    series: str | None = None
    bundle: bool = False

    def title(self) -> str:
        name = Path(self.image).name
        return f"{name} + {Path(self.labels).name}" if self.labels else name


@dataclass(frozen=True)
class DropPlan:
    """What a drop opens: ``kind`` is ``bundle``, ``dicom``, ``case`` (image + optional labels and
    segment map), ``labels`` or ``segments`` (a map placed on the open case), or ``refused``."""

    kind: str
    image: str = ""
    labels: str | None = None
    segments: str | None = None


def looks_like_labels(path: str) -> bool:
    name = Path(path).name.lower()
    return has_image_suffix(Path(path)) and any(word in name for word in ("label", "seg", "mask"))


def looks_like_segments(path: str) -> bool:
    """A Couinaud map, by its name (checked before :func:`looks_like_labels`: ``segments`` contains ``seg``)."""
    name = Path(path).name.lower()
    return has_image_suffix(Path(path)) and any(word in name for word in ("couinaud", "segments", "liver_segment"))


def plan_drop(paths: list[str], case_open: bool) -> DropPlan | None:
    """A bundle; a DICOM folder; image + labels (in that order, or told apart by name) with an optional
    Couinaud map (named ``couinaud`` / ``segments``); or one map on the open case. None: nothing dropped."""
    if not paths:
        return None
    first = paths[0]
    if is_bundle(first):
        return DropPlan("bundle", first)
    if Path(first).is_dir():
        return DropPlan("dicom", first)
    segments = next((path for path in paths if looks_like_segments(path)), None)
    rest = [path for path in paths if path != segments]
    if len(rest) >= 2:
        image, labels = sorted(rest[:2], key=looks_like_labels)  # stable: a labels-like name goes second
        return DropPlan("case", image, labels, segments)
    if rest and case_open and looks_like_labels(rest[0]):
        return DropPlan("labels", labels=rest[0])
    if rest:
        return DropPlan("case", rest[0], segments=segments)
    return DropPlan("segments", segments=segments) if case_open else DropPlan("refused")


def same_path(a: str, b: str) -> bool:
    """Whether two paths name the same file or folder (False when either is missing)."""
    try:
        return bool(b) and Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
