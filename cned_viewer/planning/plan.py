"""A virtual resection plan: whole Couinaud segments, cutting planes and painted overrides.

A plan is its own layer: it never writes the diagnostic labels. What it removes is decided per
voxel of the liver (:mod:`cned_viewer.planning.region`):

1. a voxel is resected when its Couinaud segment is in ``segments`` or its centre lies strictly on
   the removed side of any of the ``planes`` (``(centre - point) . normal > 0``; a centre on the
   plane is kept);
2. then ``overrides`` win: 1 (:data:`RESECT`, painted) resects the voxel, 2 (:data:`KEEP`, erased)
   keeps it, 0 (:data:`FOLLOW`) follows step 1.

Points and normals are in LPS patient mm, as :class:`~cned_viewer.core.geometry.Geometry` maps
voxels. ``to_json`` holds everything but the overrides array, which whoever saves the plan stores
beside it (:func:`write_overrides_npz` / :func:`read_overrides_npz`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import numpy as np

from cned_viewer.errors import UserError

FOLLOW, RESECT, KEEP = 0, 1, 2
COUINAUD_SEGMENTS = tuple(range(1, 9))
SCHEMA_VERSION = 1


def _triple(values: Iterable[float], what: str) -> tuple[float, float, float]:
    out = tuple(float(v) for v in values)
    if len(out) != 3 or not all(math.isfinite(v) for v in out):
        raise UserError(f"{what} needs three finite numbers (x, y, z), got {list(out)}")
    return out  # type: ignore[return-value]


@dataclass(frozen=True)
class CutPlane:
    """A cutting plane through ``point_xyz_mm``; ``normal_xyz`` (made unit length) points to the side removed."""

    point_xyz_mm: tuple[float, float, float]
    normal_xyz: tuple[float, float, float]

    def __post_init__(self) -> None:
        object.__setattr__(self, "point_xyz_mm", _triple(self.point_xyz_mm, "a cutting plane's point"))
        normal = _triple(self.normal_xyz, "a cutting plane's normal")
        length = math.sqrt(sum(v * v for v in normal))
        if length == 0.0:
            raise UserError("a cutting plane's normal must not be zero")
        if abs(length - 1.0) > 1e-9:  # a unit normal is kept bit for bit, so a moved plane keeps it
            normal = tuple(v / length for v in normal)  # type: ignore[assignment]
        object.__setattr__(self, "normal_xyz", normal)

    @property
    def offset_mm(self) -> float:
        """``point . normal``: a voxel centre ``c`` is removed when ``c . normal > offset_mm``."""
        return float(np.dot(np.asarray(self.point_xyz_mm), np.asarray(self.normal_xyz)))

    def moved(self, distance_mm: float) -> CutPlane:
        """The same plane shifted ``distance_mm`` along its normal (positive: towards the removed side)."""
        point = tuple(p + distance_mm * n for p, n in zip(self.point_xyz_mm, self.normal_xyz))
        return replace(self, point_xyz_mm=point)

    def flipped(self) -> CutPlane:
        """The same plane removing the other side."""
        return replace(self, normal_xyz=tuple(-v for v in self.normal_xyz))

    @classmethod
    def through_voxel(cls, geometry: Any, index_zyx: Sequence[float], axis: int) -> CutPlane:
        """The image plane through voxel ``index_zyx`` across array ``axis`` (0: axial, 1: coronal, 2: sagittal),
        removing the side of increasing index (``geometry``: a :class:`~cned_viewer.core.geometry.Geometry`)."""
        point = geometry.index_to_patient_mm(np.asarray(index_zyx, float))
        normal = geometry.direction_matrix[:, 2 - axis]  # the column of the x, y or z index direction
        return cls(tuple(float(v) for v in point), tuple(float(v) for v in normal))

    def to_json(self) -> dict[str, Any]:
        return {"point_xyz_mm": list(self.point_xyz_mm), "normal_xyz": list(self.normal_xyz)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CutPlane:
        try:
            return cls(tuple(data["point_xyz_mm"]), tuple(data["normal_xyz"]))
        except (KeyError, TypeError) as error:
            raise UserError(f"a cutting plane needs point_xyz_mm and normal_xyz ({error})") from None


def check_segments(segments: Iterable[int]) -> frozenset[int]:
    """``segments`` as a set of Couinaud numbers 1-8; :class:`UserError` naming any other value."""
    values = list(segments)
    wrong = [v for v in values if isinstance(v, bool) or not isinstance(v, int | np.integer) or v not in COUINAUD_SEGMENTS]
    if wrong:
        raise UserError(f"Couinaud segments are numbered 1-8 (I-VIII); got {', '.join(map(str, wrong))}")
    return frozenset(int(v) for v in values)


@dataclass(frozen=True, eq=False)
class ResectionPlan:
    """A named virtual resection (see the module doc); ``overrides``: uint8 on the image grid, or None."""

    name: str
    segments: frozenset[int] = frozenset()
    planes: tuple[CutPlane, ...] = ()
    overrides: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not str(self.name).strip():
            raise UserError("a resection plan needs a name")
        object.__setattr__(self, "name", str(self.name).strip())
        object.__setattr__(self, "segments", check_segments(self.segments))
        object.__setattr__(self, "planes", tuple(self.planes))
        if self.overrides is not None:
            overrides = np.asarray(self.overrides)
            if overrides.ndim != 3 or overrides.dtype != np.uint8:
                raise UserError(f"plan {self.name!r}: overrides must be a 3D uint8 array on the image grid")
            if overrides.size and int(overrides.max()) > KEEP:
                raise UserError(f"plan {self.name!r}: overrides hold 0 (follow), 1 (resect) or 2 (keep) only")

    @property
    def has_overrides(self) -> bool:
        return self.overrides is not None and bool(self.overrides.any())

    @property
    def single_plane(self) -> bool:
        """Whether the plan is one cutting plane and nothing else (its margins are distances to that plane)."""
        return len(self.planes) == 1 and not self.segments and not self.has_overrides

    def describe(self) -> str:
        """What the plan removes, in words: ``segments 5, 6, 7, 8 + 1 plane + painted``."""
        parts = [f"segment{'s' if len(self.segments) > 1 else ''} {', '.join(map(str, sorted(self.segments)))}"] if self.segments else []
        if self.planes:
            parts.append(f"{len(self.planes)} plane{'s' if len(self.planes) > 1 else ''}")
        if self.has_overrides:
            parts.append("painted changes")
        return " + ".join(parts) or "nothing"

    def to_json(self) -> dict[str, Any]:
        """Name, segments, planes and whether overrides exist (stored apart: :func:`write_overrides_npz`)."""
        return {"name": self.name, "segments": sorted(self.segments), "planes": [p.to_json() for p in self.planes],
                "has_overrides": self.has_overrides}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], overrides: np.ndarray | None = None) -> ResectionPlan:
        if not isinstance(data, Mapping) or "name" not in data:
            raise UserError("a resection plan needs at least a name")
        planes = tuple(CutPlane.from_json(p) for p in data.get("planes") or ())
        return cls(str(data["name"]), frozenset(data.get("segments") or ()), planes, overrides)


def plans_to_json(plans: Sequence[ResectionPlan]) -> dict[str, Any]:
    """Several plans of one case (names must be unique), for a bundle's JSON."""
    names = [p.name for p in plans]
    if len(set(names)) != len(names):
        raise UserError("resection plans need different names")
    return {"schema_version": SCHEMA_VERSION, "plans": [p.to_json() for p in plans]}


def plans_from_json(data: Mapping[str, Any], overrides: Mapping[str, np.ndarray] | None = None) -> list[ResectionPlan]:
    """:func:`plans_to_json` read back, with each plan's overrides from ``overrides`` (by name)."""
    if data.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        raise UserError(f"resection plans have schema_version {data.get('schema_version')!r}; this version reads {SCHEMA_VERSION}")
    overrides = overrides or {}
    return [ResectionPlan.from_json(item, overrides.get(str(item.get("name", "")).strip())) for item in data.get("plans") or ()]


def write_overrides_npz(file: str | Path | IO[bytes], plans: Sequence[ResectionPlan]) -> None:
    """The plans' overrides in one compressed npz (arrays ``plan_0``, ``plan_1``, ... and their ``names``)."""
    painted = [p for p in plans if p.overrides is not None]
    arrays = {f"plan_{k}": p.overrides for k, p in enumerate(painted)}
    np.savez_compressed(file, names=np.array([p.name for p in painted], dtype=str), **arrays)


def read_overrides_npz(file: str | Path | IO[bytes]) -> dict[str, np.ndarray]:
    """Plan name -> overrides array, from :func:`write_overrides_npz`."""
    with np.load(file, allow_pickle=False) as data:
        return {str(name): np.asarray(data[f"plan_{k}"], np.uint8) for k, name in enumerate(data["names"])}
