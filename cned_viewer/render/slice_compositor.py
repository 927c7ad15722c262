"""Turn an image slice and its label slice into an RGB picture (pure numpy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import LabelTable

#: Window presets (width, level) in HU.
WINDOW_PRESETS: dict[str, tuple[float, float]] = {
    "liver": (150.0, 70.0),
    "abdomen": (400.0, 50.0),
    "bone": (1800.0, 400.0),
}

#: Orientation name -> the array axis that is fixed for that view.
AXIS_OF_VIEW = {"axial": 0, "coronal": 1, "sagittal": 2}


@dataclass(frozen=True)
class SlicePlane:
    """One displayed slice: pixels as ``[row, column]`` and their physical size in mm."""

    image: np.ndarray
    labels: np.ndarray | None
    pixel_width_mm: float
    pixel_height_mm: float


def extract_slice(view: str, index: int, image: np.ndarray, labels: np.ndarray | None, geometry: Geometry) -> SlicePlane:
    """The slice ``index`` of a ``[z, y, x]`` volume, oriented as radiologists read it.

    Axial: rows = y (anterior at top), columns = x; coronal and sagittal: rows = z with
    superior at the top. (Assumes an axis-aligned acquisition, as axial CT is.)
    """
    sz, sy, sx = geometry.spacing_zyx_mm
    axis = AXIS_OF_VIEW[view]
    take = [slice(None)] * 3
    take[axis] = index
    img = image[tuple(take)]
    lab = None if labels is None else labels[tuple(take)]
    if view == "axial":
        return SlicePlane(img, lab, sx, sy)
    return SlicePlane(orient(view, img), None if lab is None else orient(view, lab), sx if view == "coronal" else sy, sz)


def orient(view: str, plane: np.ndarray) -> np.ndarray:
    """A ``[z, y, x]`` volume's slice as :func:`extract_slice` shows it (superior at the top off axial)."""
    return plane if view == "axial" else plane[::-1, :]


def region_slice(view: str, index: int, box: tuple[slice, slice, slice], mask: np.ndarray,
                 shape_zyx: tuple[int, int, int]) -> np.ndarray | None:
    """Slice ``index`` of a mask given on ``box`` of a ``shape_zyx`` volume, oriented as shown; None when it misses."""
    axis = AXIS_OF_VIEW[view]
    if not box[axis].start <= index < box[axis].stop:
        return None
    take = [slice(None)] * 3
    take[axis] = index - box[axis].start
    others = [b for a, b in enumerate(box) if a != axis]
    full = np.zeros([n for a, n in enumerate(shape_zyx) if a != axis], bool)
    full[others[0], others[1]] = mask[tuple(take)]
    return orient(view, full)


def draw_region(rgb: np.ndarray, region: np.ndarray, colour_rgb: tuple[int, int, int], tint: float = 0.2) -> np.ndarray:
    """``rgb`` with ``region`` tinted by ``colour_rgb`` and its outline drawn solid (a new array)."""
    out = rgb.astype(np.float32)
    colour = np.asarray(colour_rgb, np.float32)
    out[region] = out[region] * (1.0 - tint) + colour * tint
    out[region & _edges(region.astype(np.uint8))] = colour
    return np.ascontiguousarray(np.clip(out, 0, 255).astype(np.uint8))


def window_to_grey(image: np.ndarray, width: float, level: float) -> np.ndarray:
    """Map intensities to 0-255 with a linear window."""
    low = level - width / 2.0
    scaled = (image.astype(np.float32) - low) * (255.0 / max(width, 1e-6))
    return np.clip(scaled, 0, 255).astype(np.uint8)


def composite(plane: SlicePlane, width: float, level: float, table: LabelTable | None, opacity: float = 0.4, outline: bool = False) -> np.ndarray:
    """An ``[rows, columns, 3]`` uint8 picture: windowed grey with coloured labels on top."""
    grey = window_to_grey(plane.image, width, level)
    rgb = np.repeat(grey[:, :, None], 3, axis=2).astype(np.float32)
    if plane.labels is not None and table is not None and opacity > 0:
        lut = np.zeros((256, 3), dtype=np.float32)
        alpha = np.zeros(256, dtype=np.float32)
        for lab in table.labels:
            lut[lab.value] = lab.colour_rgb
            alpha[lab.value] = opacity
        labels = plane.labels
        a = alpha[labels]
        if outline:
            a = np.where(_edges(labels), 1.0, 0.0).astype(np.float32) * (labels > 0)
        rgb = rgb * (1.0 - a[:, :, None]) + lut[labels] * a[:, :, None]
    return np.ascontiguousarray(np.clip(rgb, 0, 255).astype(np.uint8))


def _edges(labels: np.ndarray) -> np.ndarray:
    """Pixels whose 4-neighbours carry another label."""
    edge = np.zeros(labels.shape, dtype=bool)
    edge[1:, :] |= labels[1:, :] != labels[:-1, :]
    edge[:-1, :] |= labels[:-1, :] != labels[1:, :]
    edge[:, 1:] |= labels[:, 1:] != labels[:, :-1]
    edge[:, :-1] |= labels[:, :-1] != labels[:, 1:]
    return edge
