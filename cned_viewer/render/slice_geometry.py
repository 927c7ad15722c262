"""Where things are in a slice view (pure): picture pixel <-> voxel index, zoom/pan, window drag.

A view shows the plane of :func:`~cned_viewer.render.slice_compositor.extract_slice`: axial
rows = y, columns = x; coronal rows = z (flipped, superior at top), columns = x; sagittal rows
= z (flipped), columns = y. These functions are the single source of that mapping, so the
crosshair, the cursor readout and the lesion navigation agree with the picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import LabelTable
from cned_viewer.render.slice_compositor import AXIS_OF_VIEW

VIEWS = tuple(AXIS_OF_VIEW)


def plane_axes(view: str) -> tuple[int, int]:
    """The array axes shown as (rows, columns) of ``view``."""
    return {"axial": (1, 2), "coronal": (0, 2), "sagittal": (0, 1)}[view]


def plane_shape(view: str, shape_zyx: tuple[int, int, int]) -> tuple[int, int]:
    rows, columns = plane_axes(view)
    return shape_zyx[rows], shape_zyx[columns]


def pixel_to_index(view: str, slice_index: int, row: float, column: float, shape_zyx: tuple[int, int, int]) -> tuple[int, int, int]:
    """The voxel ``(z, y, x)`` under picture pixel (``row``, ``column``) of slice ``slice_index``."""
    rows_axis, columns_axis = plane_axes(view)
    index = [0, 0, 0]
    index[AXIS_OF_VIEW[view]] = int(slice_index)
    r = int(np.floor(row))
    index[rows_axis] = r if view == "axial" else shape_zyx[0] - 1 - r
    index[columns_axis] = int(np.floor(column))
    return tuple(int(np.clip(v, 0, n - 1)) for v, n in zip(index, shape_zyx))  # type: ignore[return-value]


def index_to_pixel(view: str, index_zyx: tuple[float, float, float], shape_zyx: tuple[int, int, int]) -> tuple[int, float, float]:
    """``(slice index, row, column)`` showing voxel ``index_zyx`` (pixel centres at +0.5)."""
    rows_axis, columns_axis = plane_axes(view)
    slice_index = int(round(index_zyx[AXIS_OF_VIEW[view]]))
    row = index_zyx[rows_axis] if view == "axial" else shape_zyx[0] - 1 - index_zyx[rows_axis]
    return slice_index, float(row) + 0.5, float(index_zyx[columns_axis]) + 0.5


@dataclass(frozen=True)
class ViewTransform:
    """How a picture of ``picture_mm`` (width, height) is drawn in a widget: fit, zoom, pan.

    ``zoom`` 1 fits the whole picture with its physical aspect; ``pan`` is in widget pixels.
    """

    widget_size: tuple[float, float]
    picture_pixels: tuple[int, int]
    pixel_mm: tuple[float, float]
    zoom: float = 1.0
    pan: tuple[float, float] = (0.0, 0.0)

    def rect(self) -> tuple[float, float, float, float]:
        """``(left, top, width, height)`` of the picture in widget pixels."""
        width_mm = self.picture_pixels[0] * self.pixel_mm[0]
        height_mm = self.picture_pixels[1] * self.pixel_mm[1]
        scale = min(self.widget_size[0] / width_mm, self.widget_size[1] / height_mm) * self.zoom
        w, h = width_mm * scale, height_mm * scale
        return ((self.widget_size[0] - w) / 2 + self.pan[0], (self.widget_size[1] - h) / 2 + self.pan[1], w, h)

    def to_picture(self, x: float, y: float) -> tuple[float, float] | None:
        """Widget point -> picture ``(row, column)`` (fractional), None outside the picture."""
        left, top, w, h = self.rect()
        column = (x - left) / w * self.picture_pixels[0]
        row = (y - top) / h * self.picture_pixels[1]
        if not (0 <= column < self.picture_pixels[0] and 0 <= row < self.picture_pixels[1]):
            return None
        return row, column

    def to_widget(self, row: float, column: float) -> tuple[float, float]:
        """Picture ``(row, column)`` -> widget point."""
        left, top, w, h = self.rect()
        return left + column / self.picture_pixels[0] * w, top + row / self.picture_pixels[1] * h

    def zoomed(self, factor: float, about: tuple[float, float]) -> ViewTransform:
        """Zoom by ``factor`` keeping the widget point ``about`` fixed (zoom kept within 0.5-20)."""
        zoom = float(np.clip(self.zoom * factor, 0.5, 20.0))
        factor = zoom / self.zoom
        cx, cy = self.widget_size[0] / 2 + self.pan[0], self.widget_size[1] / 2 + self.pan[1]
        pan = (self.pan[0] + (cx - about[0]) * (factor - 1), self.pan[1] + (cy - about[1]) * (factor - 1))
        return ViewTransform(self.widget_size, self.picture_pixels, self.pixel_mm, zoom, pan)


def dragged_window(window: tuple[float, float], dx: float, dy: float, hu_per_pixel: float = 2.0) -> tuple[float, float]:
    """Window/level after a drag: right widens the window, down raises the level (as in PACS)."""
    width, level = window
    return max(1.0, width + dx * hu_per_pixel), level + dy * hu_per_pixel


def voxel_readout(index_zyx: tuple[int, int, int], image: np.ndarray, labels: np.ndarray | None, geometry: Geometry,
                  table: LabelTable | None = None) -> str:
    """E.g. ``x -12.3 y 45.6 z -78.9 mm | 57 HU | Tumour`` for the voxel at ``index_zyx``."""
    x, y, z = geometry.index_to_patient_mm(np.asarray(index_zyx, dtype=float))
    value = image[index_zyx]
    text = f"x {x:.1f}  y {y:.1f}  z {z:.1f} mm  |  {float(value):.0f} HU"
    if labels is not None and table is not None:
        label = int(labels[index_zyx])
        name = "background" if label == 0 else (table.by_value(label).name if label in table.values else f"label {label}")
        text += f"  |  {name}"
    return text


#: Patient LPS axis -> (letter toward +, letter toward -).
_LPS_LETTERS = (("L", "R"), ("P", "A"), ("S", "I"))


def direction_letters(vector_xyz: np.ndarray, minor: float = 0.3) -> str:
    """The patient direction of a vector in LPS letters, strongest first (``L``, ``A``, ``SR`` when oblique).

    A component is named when its share of the vector is at least ``minor``.
    """
    vector = np.asarray(vector_xyz, dtype=float)
    vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
    order = np.argsort(-np.abs(vector), kind="stable")
    return "".join(_LPS_LETTERS[a][0 if vector[a] > 0 else 1] for a in order if abs(vector[a]) >= minor)


def screen_axes_xyz(view: str, geometry: Geometry) -> tuple[np.ndarray, np.ndarray]:
    """Patient vectors (x, y, z mm) of one pixel step to the right and one step down in ``view``."""
    rows_axis, columns_axis = plane_axes(view)
    columns = geometry.direction_matrix[:, 2 - columns_axis]  # array axis (z, y, x) -> direction column (x, y, z)
    rows = geometry.direction_matrix[:, 2 - rows_axis]
    return columns, rows if view == "axial" else -rows  # coronal and sagittal show superior (high z index) at the top


def orientation_letters(view: str, geometry: Geometry) -> dict[str, str]:
    """The patient direction at each edge of ``view``: ``{"left", "right", "top", "bottom"}`` -> LPS letters."""
    right, down = screen_axes_xyz(view, geometry)
    return {"left": direction_letters(-right), "right": direction_letters(right), "top": direction_letters(-down),
            "bottom": direction_letters(down)}


def slice_position_text(view: str, index: int, geometry: Geometry) -> str:
    """Where slice ``index`` of ``view`` lies, in patient mm along the axis its normal mostly follows (``z -78.5 mm``)."""
    axis = AXIS_OF_VIEW[view]
    normal = geometry.direction_matrix[:, 2 - axis]
    patient_axis = int(np.argmax(np.abs(normal)))
    point = np.zeros(3)
    point[axis] = index
    return f"{'xyz'[patient_axis]} {geometry.index_to_patient_mm(point)[patient_axis]:.1f} mm"
