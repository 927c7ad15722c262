"""Where a tool may write: the value, an intensity window, a region, and which labels it may replace.

One :class:`PaintRules` serves painting and erasing: erasing the tumour is painting background
(``value=0``) over tumour voxels only (``replaceable={TUMOUR}``). The rules combine as AND:

* ``intensity_hu``: only voxels whose image value lies in ``[low, high]`` (e.g. 20-200 HU);
* ``region_labels``: only voxels whose *current* label is in the set (e.g. inside the liver:
  ``{liver_parenchyma, tumour}``); ``region_mask``: only where a full-size boolean mask is True
  (e.g. the liver envelope) -- both say *where* the tool acts;
* ``replaceable``: which existing labels the value may overwrite, besides background and the
  value itself (e.g. tumour may replace liver parenchyma but not vessels:
  ``replaceable={liver_parenchyma}``); ``None`` allows every label.

Erasing one label may write two values: ``enclosed_value`` (e.g. liver parenchyma) where the
erased voxel lies inside the liver, ``value`` (background) elsewhere; "inside" is the rule of
:mod:`cned_viewer.editing.enclosure`. ``PaintRules.erase(TUMOUR, enclosed_value=LIVER_PARENCHYMA)``
is what the Erase tool does with a tumour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cned_viewer.core.labels import BACKGROUND
from cned_viewer.editing.enclosure import inside_liver


@dataclass(frozen=True, eq=False)
class PaintRules:
    """What a brush writes and where it may write it (see the module docstring)."""

    value: int
    intensity_hu: tuple[float, float] | None = None
    region_labels: frozenset[int] | None = None
    region_mask: np.ndarray | None = None
    replaceable: frozenset[int] | None = None
    enclosed_value: int | None = None

    def __post_init__(self) -> None:
        for value in (self.value, self.enclosed_value):
            if value is not None and not 0 <= int(value) <= 255:
                raise ValueError(f"label value must be 0-255, got {value}")
        if self.enclosed_value is not None and (self.replaceable is None or len(self.replaceable) != 1):
            raise ValueError("enclosed_value needs exactly one replaceable (the erased) label")
        if self.intensity_hu is not None and self.intensity_hu[0] > self.intensity_hu[1]:
            raise ValueError(f"intensity range {self.intensity_hu} has low > high")
        for name in ("region_labels", "replaceable"):
            chosen = getattr(self, name)
            if chosen is not None:
                object.__setattr__(self, name, frozenset(int(v) for v in chosen))

    @classmethod
    def paint(cls, value: int, **restrictions) -> PaintRules:
        """Paint ``value`` (the active label)."""
        return cls(value, **restrictions)

    @classmethod
    def erase(
        cls, label: int | None = None, replace_with: int = BACKGROUND, enclosed_value: int | None = None, **restrictions,
    ) -> PaintRules:
        """Erase ``label`` only (or every label when None), writing ``replace_with`` (background by default),
        or ``enclosed_value`` where the erased voxel lies inside the liver (needs ``label``)."""
        replaceable = None if label is None else frozenset({int(label)})
        return cls(replace_with, replaceable=replaceable, enclosed_value=enclosed_value, **restrictions)

    def writable(
        self,
        current: np.ndarray,
        box: tuple[slice, slice, slice],
        image: np.ndarray | None,
    ) -> np.ndarray:
        """``bool`` like ``current`` (the labels in ``box``): voxels the rules let the tool change."""
        ok = current != self.value
        if self.replaceable is not None:
            ok &= in_values(current, self.replaceable | {BACKGROUND})
        if self.region_labels is not None:
            ok &= in_values(current, self.region_labels)
        if self.region_mask is not None:
            ok &= self.region_mask[box]
        if self.intensity_hu is not None:
            if image is None:
                raise ValueError("an intensity range needs the image")
            values = image[box]
            ok &= (values >= self.intensity_hu[0]) & (values <= self.intensity_hu[1])
        return ok

    def written(self, labels: np.ndarray, box: tuple[slice, slice, slice], write: np.ndarray) -> np.ndarray | np.uint8:
        """The values to write into ``labels[box][write]`` (``write`` from :meth:`writable`, before writing)."""
        if self.enclosed_value is None:
            return np.uint8(self.value)
        (erased_label,) = self.replaceable  # type: ignore[misc]
        inside = inside_liver(labels, box, write, erased_label)[write]
        return np.where(inside, np.uint8(self.enclosed_value), np.uint8(self.value))

    def to_json(self) -> dict:
        """The parameters recorded in the edit log (a region mask is noted, not stored)."""
        return {
            "value": int(self.value),
            "intensity_hu": None if self.intensity_hu is None else [float(v) for v in self.intensity_hu],
            "region_labels": None if self.region_labels is None else sorted(self.region_labels),
            "region_mask": self.region_mask is not None,
            "replaceable": None if self.replaceable is None else sorted(self.replaceable),
            "enclosed_value": None if self.enclosed_value is None else int(self.enclosed_value),
        }


def in_values(values: np.ndarray, allowed: frozenset[int]) -> np.ndarray:
    """``bool`` like ``values`` (uint8): which voxels hold one of ``allowed``."""
    lut = np.zeros(256, np.bool_)
    lut[list(allowed)] = True
    return lut[values]
