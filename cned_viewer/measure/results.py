"""Measurement results and their stable JSON form (the CLI's ``measure`` output)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

VESSELS = ("portal_vein", "hepatic_vein")


@dataclass(frozen=True)
class Lesion:
    """One counted lesion (a tumour component at or above the minimum volume).

    ``bbox`` is ``[z_min, y_min, x_min, z_max, y_max, x_max]``, inclusive voxel indices;
    ``centroid_mm`` is in patient coordinates (x, y, z). Vessel distances are voxel centre to
    voxel centre (mm; None when the vessel label is absent); contact fractions are the share of
    the lesion's surface voxels within the contact threshold of that vessel. ``segments`` lists the
    Couinaud segments touched (None without a segment map).
    """

    id: int
    volume_ml: float
    centroid_mm: tuple[float, float, float]
    bbox: tuple[int, int, int, int, int, int]
    feret_diameter_mm: float
    axial_diameter_mm: float
    portal_vein_distance_mm: float | None
    hepatic_vein_distance_mm: float | None
    portal_vein_contact: bool
    hepatic_vein_contact: bool
    portal_vein_contact_fraction: float
    hepatic_vein_contact_fraction: float
    segments: tuple[int, ...] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "volume_ml": self.volume_ml,
            "centroid_mm": list(self.centroid_mm),
            "bbox": list(self.bbox),
            "feret_diameter_mm": self.feret_diameter_mm,
            "axial_diameter_mm": self.axial_diameter_mm,
            "portal_vein_distance_mm": self.portal_vein_distance_mm,
            "hepatic_vein_distance_mm": self.hepatic_vein_distance_mm,
            "portal_vein_contact": self.portal_vein_contact,
            "hepatic_vein_contact": self.hepatic_vein_contact,
            "portal_vein_contact_fraction": self.portal_vein_contact_fraction,
            "hepatic_vein_contact_fraction": self.hepatic_vein_contact_fraction,
            "segments": None if self.segments is None else list(self.segments),
        }


@dataclass(frozen=True)
class TinyLesion:
    """A tumour component listed, not counted: below the minimum volume, or outside the liver
    (``LesionSet.outside_liver``, see :mod:`cned_viewer.measure.outside`)."""

    volume_ml: float
    centroid_mm: tuple[float, float, float]
    bbox: tuple[int, int, int, int, int, int]

    def to_json(self) -> dict[str, Any]:
        return {"volume_ml": self.volume_ml, "centroid_mm": list(self.centroid_mm), "bbox": list(self.bbox)}


@dataclass(frozen=True)
class Burden:
    """Volumes and ratios (mL); see :func:`cned_viewer.measure.burden.measure_burden` for the definitions."""

    volumes_ml: dict[str, float]
    total_liver_ml: float
    ttv_ml: float
    tlvr: float | None
    tlvr_denominator: str
    tlvr_parenchyma: float | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class LesionSet:
    """Lesion-level results: the lesions, the tiny ones, and the one-voxel sensitivity range."""

    lesions: tuple[Lesion, ...]
    tiny_lesions: tuple[TinyLesion, ...]
    bilobar: bool | None
    tlvr_low: float | None
    tlvr_high: float | None
    lesion_count_low: int
    lesion_count_high: int
    ttv_low_ml: float = 0.0
    ttv_high_ml: float = 0.0
    outside_liver: tuple[TinyLesion, ...] = ()
    has_liver: bool = True

    @property
    def lesion_count(self) -> int:
        return len(self.lesions)

    @property
    def segments_involved(self) -> tuple[int, ...] | None:
        """The distinct Couinaud segments any counted lesion touches (None without a segment map)."""
        if self.bilobar is None:
            return None
        return tuple(sorted({s for lesion in self.lesions for s in (lesion.segments or ())}))

    @property
    def outside_liver_ml(self) -> float:
        return sum(t.volume_ml for t in self.outside_liver)

    def over_total(self, total_liver_ml: float) -> LesionSet:
        """The same lesions with ``tlvr_low`` / ``tlvr_high`` over another total liver volume (None without liver)."""
        if not self.has_liver:
            return replace(self, tlvr_low=None, tlvr_high=None)
        return replace(self, tlvr_low=ratio(self.ttv_low_ml, total_liver_ml), tlvr_high=ratio(self.ttv_high_ml, total_liver_ml))

    def warnings(self) -> tuple[str, ...]:
        """One line per tumour component outside the liver (left out of count, TTV and TLVR)."""
        return tuple(
            f"tumour component outside the liver ({t.volume_ml:.2f} mL at x {t.centroid_mm[0]:.1f}, y {t.centroid_mm[1]:.1f}, "
            f"z {t.centroid_mm[2]:.1f} mm) touches neither the liver parenchyma nor the liver envelope: it is not "
            "counted as a liver metastasis and is left out of the lesion count, TTV and TLVR; check the mask"
            for t in self.outside_liver)


def ratio(numerator_ml: float, denominator_ml: float) -> float | None:
    """``numerator / denominator``, None for an empty denominator."""
    return numerator_ml / denominator_ml if denominator_ml > 0 else None


@dataclass(frozen=True)
class Measurements:
    """Everything :func:`cned_viewer.measure.measure` reports for one case."""

    burden: Burden
    lesion_set: LesionSet
    timings_ms: dict[str, float] = field(default_factory=dict)
    lesions_stale: bool = False
    options: dict[str, float | int] = field(default_factory=dict)  # MeasureOptions.used(): what defined the lesions

    def __getattr__(self, name: str) -> Any:  # flat access: m.ttv_ml, m.lesions, m.tlvr_low ...
        for part in ("burden", "lesion_set"):
            obj = object.__getattribute__(self, part)
            if hasattr(obj, name):
                return getattr(obj, name)
        raise AttributeError(name)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON form (``lesions_stale``: see :meth:`IncrementalMeasurer.measurements`)."""
        b, s = self.burden, self.lesion_set
        return {
            "options": dict(self.options),
            "volumes_ml": dict(b.volumes_ml),
            "total_liver_ml": b.total_liver_ml,
            "ttv_ml": b.ttv_ml,
            "tlvr": b.tlvr,
            "tlvr_denominator": b.tlvr_denominator,
            "tlvr_parenchyma": b.tlvr_parenchyma,
            "tlvr_low": s.tlvr_low,
            "tlvr_high": s.tlvr_high,
            "lesions_stale": self.lesions_stale,
            "lesion_count": s.lesion_count,
            "lesion_count_low": s.lesion_count_low,
            "lesion_count_high": s.lesion_count_high,
            "tiny_lesions": [t.to_json() for t in s.tiny_lesions],
            "tumour_outside_liver": [t.to_json() for t in s.outside_liver],
            "bilobar": s.bilobar,
            "segments_involved": None if s.segments_involved is None else list(s.segments_involved),
            "lesions": [lesion.to_json() for lesion in s.lesions],
            "timings_ms": {k: round(v, 3) for k, v in self.timings_ms.items()},
            "warnings": list(self.warnings),
        }

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a reader must know about this measurement: no liver, an empty map, tumour outside the liver."""
        return self.burden.warnings + self.lesion_set.warnings()
