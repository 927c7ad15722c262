"""The edit toolbar's choices as plain data, and the brush and rules they mean (pure).

The Qt toolbar only shows and changes a :class:`ToolSettings`; what a paint or erase stroke
writes follows from it here, so it is tested without a display.

Paint writes the active label, optionally only inside the liver (where the current label is
liver parenchyma or tumour) and only within an intensity window (HU). *Paint over* (like
ITK-SNAP's "paint over" and Slicer's "modify other segments") says which labels it may replace:

* ``"liver"`` (the default), *liver parenchyma and background*: tumour drawn in the liver
  replaces parenchyma, and so does a vessel (a branch running through the liver); vessels,
  tumour and other labels are protected. Painting liver parenchyma itself therefore only
  fills background: it never eats a tumour or a vessel;
* ``"everything"``: any label is replaced;
* ``"background"``: only background (the strictest).

Erase removes the active label only. A tumour voxel erased inside the liver goes back to liver
parenchyma, one erased outside the liver becomes background ("inside" per axial slice, see
:mod:`cned_viewer.editing.enclosure`); with "inside the liver" ticked every erased tumour voxel
becomes parenchyma. Any other label erased becomes background.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR
from cned_viewer.editing.brush import Brush, Plane
from cned_viewer.editing.rules import PaintRules

Tool = Literal["navigate", "paint", "erase", "delete_lesion", "relabel_lesion"]
PaintOver = Literal["liver", "everything", "background"]
PAINT_OVER: tuple[PaintOver, ...] = ("liver", "everything", "background")
TOOLS: tuple[Tool, ...] = ("navigate", "paint", "erase", "delete_lesion", "relabel_lesion")
#: Where "inside the liver" lets a brush act: voxels currently liver parenchyma or tumour.
LIVER_REGION = frozenset({LIVER_PARENCHYMA, TUMOUR})
MIN_RADIUS_MM, MAX_RADIUS_MM = 0.5, 50.0


@dataclass(frozen=True)
class ToolSettings:
    """What the user chose in the edit toolbar."""

    tool: Tool = "navigate"
    label: int = TUMOUR
    radius_mm: float = 5.0
    sphere: bool = False
    limit_intensity: bool = False
    intensity_hu: tuple[float, float] = (-100.0, 300.0)
    inside_liver: bool = False
    paint_over: PaintOver = "liver"

    def __post_init__(self) -> None:
        if self.paint_over not in PAINT_OVER:
            raise ValueError(f"paint over must be one of {PAINT_OVER}, got {self.paint_over!r}")

    @property
    def brushes(self) -> bool:
        """True for the tools that paint with a brush stroke (paint, erase)."""
        return self.tool in ("paint", "erase")

    def brush(self, plane: Plane) -> Brush:
        return Brush(self.radius_mm, plane, self.sphere)

    def rules(self) -> PaintRules:
        """The rules of a paint or erase stroke (see the module docstring)."""
        intensity = tuple(sorted(self.intensity_hu)) if self.limit_intensity else None
        if self.tool == "erase":
            if self.label != TUMOUR:
                return PaintRules.erase(self.label, intensity_hu=intensity)
            if self.inside_liver:
                return PaintRules.erase(TUMOUR, replace_with=LIVER_PARENCHYMA, intensity_hu=intensity)
            return PaintRules.erase(TUMOUR, enclosed_value=LIVER_PARENCHYMA, intensity_hu=intensity)
        return PaintRules.paint(
            self.label,
            intensity_hu=intensity,
            region_labels=LIVER_REGION if self.inside_liver else None,
            replaceable=self.replaceable(),
        )

    def replaceable(self) -> frozenset[int] | None:
        """The labels a paint stroke may write over besides background and the label itself (None: all)."""
        if self.paint_over == "everything":
            return None
        if self.paint_over == "background" or self.label == LIVER_PARENCHYMA:
            return frozenset()
        return frozenset({LIVER_PARENCHYMA})

    def with_radius_step(self, steps: int) -> ToolSettings:
        """The radius ``steps`` notches larger (``]``) or smaller (``[``): 0.5 mm below 5 mm, 1 mm up to 20, then 2 mm."""
        radius = self.radius_mm
        for _ in range(abs(steps)):
            up = steps > 0
            size = radius if up else radius - 1e-9
            notch = 0.5 if size < 5 else 1.0 if size < 20 else 2.0
            radius = radius + notch if up else radius - notch
        return replace(self, radius_mm=float(min(max(radius, MIN_RADIUS_MM), MAX_RADIUS_MM)))


def voxel_in_lesion(
    labels: np.ndarray, bbox: tuple[int, int, int, int, int, int], centre_zyx: tuple[float, float, float], value: int = TUMOUR,
) -> tuple[int, int, int] | None:
    """A voxel of ``value`` inside ``bbox`` (inclusive ``z0 y0 x0 z1 y1 x1``) nearest ``centre_zyx``; None if none.

    A lesion's centroid may lie outside it (a crescent); the lesion tools need a voxel of it.
    """
    z0, y0, x0, z1, y1, x1 = (int(v) for v in bbox)
    hits = np.argwhere(labels[z0:z1 + 1, y0:y1 + 1, x0:x1 + 1] == value)
    if hits.size == 0:
        return None
    hits += (z0, y0, x0)
    best = hits[np.argmin(((hits - np.asarray(centre_zyx, float)) ** 2).sum(axis=1))]
    return int(best[0]), int(best[1]), int(best[2])
