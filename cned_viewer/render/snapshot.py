"""Offscreen pictures of the 3D scene (no Qt, no X: EGL), for the CLI, thumbnails and tests."""

from __future__ import annotations

import numpy as np
import pyvista as pv

from cned_viewer.mesh.case_meshes import CaseMeshes
from cned_viewer.render.offscreen import prefer_egl_without_display
from cned_viewer.render.scene import CaseScene


def render_scene_offscreen(
    meshes: CaseMeshes,
    size: tuple[int, int] = (800, 600),
    camera: str = "anterior",
    hidden: tuple[str, ...] = (),
    selected_lesion: int | None = None,
) -> np.ndarray:
    """An ``[height, width, 3]`` uint8 picture of ``meshes`` seen from the ``camera`` preset."""
    prefer_egl_without_display()
    plotter = pv.Plotter(off_screen=True, window_size=list(size))
    try:
        scene = CaseScene(plotter)
        for key in hidden:
            scene.states[key].visible = False
        scene.camera_preset = camera
        scene.set_meshes(meshes)
        if selected_lesion is not None:
            scene.highlight_lesion(selected_lesion)
        return np.asarray(plotter.screenshot(return_img=True))[:, :, :3].copy()
    finally:
        plotter.close()
