"""The 3D picture of one resection plan, offscreen (for the report): the functional liver split into
remnant and resected parts in two colours, the lesions coloured by their status against the plan.

The parts are meshed from masks with :func:`cned_viewer.mesh.surfaces.display_surface` (the liver at
display resolution, the lesions at full resolution), as the case model is; volumes never come from here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyvista as pv
from vtkmodules.vtkCommonDataModel import vtkPolyData

from cned_viewer.kernels.boxes import box_slices
from cned_viewer.mesh.surfaces import display_surface, prepare_for_display
from cned_viewer.planning import CROSSING, REMNANT, REMOVED, PlanEvaluator, PlanFigures, ResectionPlan
from cned_viewer.render.offscreen import prefer_egl_without_display
from cned_viewer.render.scene import BACKGROUND, aim_camera, meshes_bounds

#: Part -> (RGB 0-1, opacity, words for the caption).
LIVER_PARTS = {"remnant": ((0.35, 0.62, 0.95), 0.35, "remnant liver blue"),
               "resected": ((0.93, 0.93, 0.93), 0.35, "resected liver white")}
LESION_COLOURS = {REMOVED: ((0.25, 0.80, 0.35), "removed green"), CROSSING: ((1.0, 0.55, 0.10), "crossing the cut orange"),
                  REMNANT: ((0.85, 0.10, 0.10), "left in the remnant red")}


def plan_caption(camera: str = "anterior") -> str:
    """The caption that says what the colours of :func:`plan_picture` mean."""
    lesions = ", ".join(words for _, words in LESION_COLOURS.values())
    return f"3D, {camera} view: {', '.join(p[2] for p in LIVER_PARTS.values())}; lesions {lesions}"


def _lesion_surface(evaluator: PlanEvaluator, ids: set[int]) -> vtkPolyData | None:
    """The surface of the lesions ``ids`` (full resolution), from their voxels."""
    chosen = [lesion.zyx for lesion in evaluator.lesions if lesion.id in ids]
    if not chosen:
        return None
    zyx = np.concatenate(chosen)
    low = zyx.min(axis=0) - 1
    mask = np.zeros(tuple(zyx.max(axis=0) - low + 2), bool)
    mask[tuple((zyx - low).T)] = True
    return display_surface(mask, evaluator.region.geometry, offset_zyx=tuple(int(v) for v in low), full_resolution=True)  # type: ignore[arg-type]


def plan_surfaces(evaluator: PlanEvaluator, plan: ResectionPlan, figures: PlanFigures) -> list[tuple[vtkPolyData, tuple[float, float, float], float]]:
    """(surface, colour, opacity) of the remnant and resected liver and of the lesions by status."""
    region = evaluator.region
    resected = evaluator.resected_mask(plan) & region.functional
    offset = tuple(s.start for s in box_slices(region.box))
    parts = {"remnant": region.functional & ~resected, "resected": resected}
    out = []
    for key, mask in parts.items():
        surface = display_surface(mask, region.geometry, offset_zyx=offset)  # type: ignore[arg-type]
        if surface is not None:
            out.append((prepare_for_display(surface), LIVER_PARTS[key][0], LIVER_PARTS[key][1]))
    for status, (colour, _) in LESION_COLOURS.items():
        surface = _lesion_surface(evaluator, {lesion.id for lesion in figures.lesions if lesion.status == status})
        if surface is not None:
            out.append((prepare_for_display(surface), colour, 1.0))
    return out


def render_surfaces_offscreen(surfaces: Sequence[tuple[vtkPolyData, tuple[float, float, float], float]], size: tuple[int, int],
                              camera: str = "anterior") -> np.ndarray:
    """An ``[height, width, 3]`` uint8 picture of coloured surfaces seen from the ``camera`` preset."""
    prefer_egl_without_display()
    plotter = pv.Plotter(off_screen=True, window_size=list(size))
    try:
        plotter.set_background(BACKGROUND)
        meshes = [pv.wrap(surface) for surface, _, _ in surfaces]
        for mesh, (_, colour, opacity) in zip(meshes, surfaces):
            plotter.add_mesh(mesh, color=colour, opacity=opacity, interpolation="gouraud", scalars=None, show_scalar_bar=False, render=False)
        bounds = meshes_bounds(meshes)
        if bounds is not None:
            aim_camera(plotter.renderer, bounds, camera)
        return np.asarray(plotter.screenshot(return_img=True))[:, :, :3].copy()
    finally:
        plotter.close()


def plan_picture(evaluator: PlanEvaluator, plan: ResectionPlan, figures: PlanFigures, size: tuple[int, int] = (640, 520),
                 camera: str = "anterior") -> np.ndarray:
    """The plan seen from ``camera`` (module doc)."""
    return render_surfaces_offscreen(plan_surfaces(evaluator, plan, figures), size, camera)
