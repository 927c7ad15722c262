"""Slice-view geometry (pure): pixel <-> voxel for each orientation, zoom/pan, window drag, readout."""

from __future__ import annotations

import numpy as np
import pytest

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import DEFAULT_LABEL_TABLE, TUMOUR
from cned_viewer.render.png import physical_aspect
from cned_viewer.render.slice_compositor import composite, extract_slice
from cned_viewer.render.slice_geometry import (
    VIEWS,
    ViewTransform,
    dragged_window,
    index_to_pixel,
    pixel_to_index,
    plane_shape,
    voxel_readout,
)

SHAPE = (7, 11, 13)


@pytest.mark.parametrize("view", VIEWS)
def test_pixel_and_index_round_trip(view: str) -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        voxel = tuple(int(rng.integers(0, n)) for n in SHAPE)
        slice_index, row, column = index_to_pixel(view, voxel, SHAPE)
        assert pixel_to_index(view, slice_index, row, column, SHAPE) == voxel


@pytest.mark.parametrize("view", VIEWS)
def test_mapping_agrees_with_the_extracted_picture(view: str) -> None:
    """The voxel a pixel maps to holds the value the picture shows there."""
    image = np.arange(np.prod(SHAPE), dtype=np.int32).reshape(SHAPE)
    geometry = Geometry.for_array(SHAPE, (0.7, 0.8, 2.5))
    voxel = (3, 4, 5)
    slice_index, row, column = index_to_pixel(view, voxel, SHAPE)
    plane = extract_slice(view, slice_index, image, None, geometry)
    assert plane.image.shape == plane_shape(view, SHAPE)
    assert plane.image[int(row), int(column)] == image[voxel]


def test_superior_is_at_the_top_of_coronal_and_sagittal() -> None:
    for view in ("coronal", "sagittal"):
        assert pixel_to_index(view, 0, 0, 0, SHAPE)[0] == SHAPE[0] - 1


def test_transform_keeps_physical_aspect_and_round_trips() -> None:
    transform = ViewTransform((400, 400), (100, 50), (1.0, 4.0))  # 100 x 200 mm: taller than wide
    left, top, width, height = transform.rect()
    assert height == pytest.approx(400) and width == pytest.approx(200) and left == pytest.approx(100)
    row, column = transform.to_picture(*transform.to_widget(20.5, 60.5))
    assert (row, column) == pytest.approx((20.5, 60.5))
    assert transform.to_picture(10, 10) is None  # left of the picture


def test_zoom_keeps_the_point_under_the_mouse() -> None:
    transform = ViewTransform((400, 300), (128, 128), (0.7, 0.7))
    about = (250.0, 120.0)
    before = transform.to_picture(*about)
    zoomed = transform.zoomed(2.5, about)
    assert zoomed.zoom == pytest.approx(2.5)
    assert zoomed.to_picture(*about) == pytest.approx(before)
    assert transform.zoomed(1000, about).zoom == 20.0


def test_window_drag_widens_and_raises() -> None:
    assert dragged_window((400, 50), 10, -5) == (420, 40)
    assert dragged_window((10, 0), -100, 0)[0] == 1.0


def test_readout_names_position_value_and_label() -> None:
    geometry = Geometry.for_array(SHAPE, (0.5, 0.5, 2.0), origin_xyz_mm=(10.0, 20.0, 30.0))
    image = np.full(SHAPE, 57, np.int16)
    labels = np.zeros(SHAPE, np.uint8)
    labels[2, 3, 4] = TUMOUR
    text = voxel_readout((2, 3, 4), image, labels, geometry, DEFAULT_LABEL_TABLE)
    assert text.startswith("x 12.0  y 21.5  z 34.0 mm") and "57 HU" in text and "Tumour" in text
    assert "background" in voxel_readout((0, 0, 0), image, labels, geometry, DEFAULT_LABEL_TABLE)


def test_outline_mode_colours_only_the_edges() -> None:
    labels = np.zeros((9, 9), np.uint8)
    labels[2:7, 2:7] = TUMOUR
    plane = extract_slice("axial", 0, np.zeros((1, 9, 9)), labels[None], Geometry.for_array((1, 9, 9), (1, 1, 1)))
    rgb = composite(plane, 400, 40, DEFAULT_LABEL_TABLE, opacity=0.4, outline=True)
    yellow = np.array(DEFAULT_LABEL_TABLE.by_value(TUMOUR).colour_rgb)
    assert (rgb[2, 4] == yellow).all() and (rgb[4, 4] == rgb[0, 0]).all()


def test_physical_aspect_makes_pixels_square() -> None:
    rgb = np.zeros((10, 20, 3), np.uint8)
    assert physical_aspect(rgb, 0.5, 2.0).shape == (40, 20, 3)
    assert physical_aspect(rgb, 1.0, 1.0) is rgb
