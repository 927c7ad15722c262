"""Offscreen 3D render of the demo case: fixed size and camera; colours where expected."""

from __future__ import annotations

import os

import numpy as np
import pytest

from cned_viewer.core.labels import DEFAULT_LABEL_TABLE, HEPATIC_VEINS, PORTAL_VEIN, TUMOUR

SIZE = (400, 300)


@pytest.fixture(scope="module")
def demo_meshes(demo_case):
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    from cned_viewer.measure import measure
    from cned_viewer.mesh.case_meshes import build_case_meshes

    measurements = measure(demo_case)
    return build_case_meshes(demo_case.labels, measurements.lesions), measurements


def _share_near(picture: np.ndarray, rgb: tuple[int, int, int], tolerance: float = 60.0) -> float:
    """Share of pixels whose hue is close to ``rgb`` (shading scales brightness, so compare directions)."""
    pixels = picture.reshape(-1, 3).astype(float)
    target = np.asarray(rgb, float)
    scale = (pixels @ target) / max(target @ target, 1.0)
    distance = np.linalg.norm(pixels - scale[:, None] * target, axis=1)
    return float(np.mean((distance < tolerance) & (scale > 0.35)))


def _colour(value: int) -> tuple[int, int, int]:
    return DEFAULT_LABEL_TABLE.by_value(value).colour_rgb


def test_render_shows_lesions_and_vessels(demo_meshes) -> None:
    from cned_viewer.render.scene import BACKGROUND
    from cned_viewer.render.snapshot import render_scene_offscreen

    meshes, _ = demo_meshes
    picture = render_scene_offscreen(meshes, SIZE, "anterior")
    assert picture.shape == (SIZE[1], SIZE[0], 3)
    background = np.array([int(BACKGROUND[i:i + 2], 16) for i in (1, 3, 5)])
    assert np.mean(np.abs(picture.astype(int) - background).sum(axis=2) > 30) > 0.05, "picture is blank"
    for value in (TUMOUR, PORTAL_VEIN, HEPATIC_VEINS):
        assert _share_near(picture, _colour(value)) > 0.002, f"no {DEFAULT_LABEL_TABLE.by_value(value).name} colour"


def test_hiding_the_tumour_removes_its_colour(demo_meshes) -> None:
    from cned_viewer.render.snapshot import render_scene_offscreen

    meshes, _ = demo_meshes
    shown = render_scene_offscreen(meshes, SIZE, "anterior")
    hidden = render_scene_offscreen(meshes, SIZE, "anterior", hidden=("tumour",))
    assert _share_near(shown, _colour(TUMOUR)) > 5 * _share_near(hidden, _colour(TUMOUR))


def test_selected_lesion_is_highlighted_where_it_projects(demo_meshes) -> None:
    import pyvista as pv

    from cned_viewer.render.scene import HIGHLIGHT_RGB, CaseScene

    meshes, measurements = demo_meshes
    plotter = pv.Plotter(off_screen=True, window_size=list(SIZE))
    try:
        scene = CaseScene(plotter)
        scene.set_meshes(meshes)
        largest = measurements.lesions[0].id
        scene.highlight_lesion(largest)
        picture = np.asarray(plotter.screenshot(return_img=True))[:, :, :3]
        x, y = scene.lesion_display_point(largest)
        row, column = SIZE[1] - 1 - int(y), int(x)
        patch = picture[row - 2:row + 3, column - 2:column + 3].reshape(-1, 3).astype(int).mean(axis=0)
        assert patch[0] > 1.5 * patch[1] and patch[0] > 1.5 * patch[2], f"expected the highlight {HIGHLIGHT_RGB}, got {patch}"
        assert scene.lesion_at(x, y) == largest
        for preset in ("posterior", "left", "right", "superior"):
            scene.set_camera(preset)
            assert plotter.camera_position is not None
    finally:
        plotter.close()


def test_an_update_keeps_unchanged_actors_and_the_users_camera(demo_case, demo_meshes) -> None:
    """After an edit only the re-meshed structures get new actors, and the view is not reset."""
    import pyvista as pv

    from cned_viewer.core.labels import LIVER_PARENCHYMA, LabelMap
    from cned_viewer.measure import measure
    from cned_viewer.mesh.case_meshes import build_case_meshes
    from cned_viewer.render.scene import CaseScene

    meshes, measurements = demo_meshes
    first = build_case_meshes(LabelMap(demo_case.labels.array.copy(), demo_case.labels.geometry), measurements.lesions)
    labels = LabelMap(demo_case.labels.array.copy(), demo_case.labels.geometry)
    z, y, x = np.argwhere(labels.array == LIVER_PARENCHYMA)[len(np.argwhere(labels.array == LIVER_PARENCHYMA)) // 2]
    block = labels.array[z - 2:z + 3, y - 2:y + 3, x - 2:x + 3]
    block[block == LIVER_PARENCHYMA] = TUMOUR
    second = build_case_meshes(labels, measure(labels).lesions, previous=first)
    assert second.rebuilt == ("tumour",)
    plotter = pv.Plotter(off_screen=True, window_size=list(SIZE))
    try:
        scene = CaseScene(plotter)
        scene.set_meshes(first)
        actors = dict(scene.actors)
        scene.highlight_lesion(measurements.lesions[0].id)
        plotter.camera.azimuth = 40.0  # the user turned the model
        turned = plotter.camera_position
        scene.set_meshes(second)
        assert plotter.camera_position == turned
        assert all(scene.actors[key] is actors[key] for key in ("liver", "portal_vein", "hepatic_veins"))
        assert scene.actors["tumour"] is not actors["tumour"] and scene.selected_lesion is None
        x_, y_ = scene.lesion_display_point(measure(labels).lesions[0].id)
        assert scene.lesion_at(x_, y_) is not None  # the new tumour actor is pickable
        scene.set_meshes(None)
        assert not scene.actors
        scene.set_meshes(first)  # a new case: the preset camera again
        assert plotter.camera_position != turned
    finally:
        plotter.close()
