"""A resection plan in the interactive 3D scene: remnant and resected liver, lesions by status, the cut planes.

The surfaces are those of the report's picture (:func:`~cned_viewer.render.plan_picture.plan_surfaces`,
computed in a worker); while a plan is shown the case's own liver and lesion actors are hidden, since
the plan's parts cover them. Each cutting plane is drawn as a translucent square across the liver,
centred on the liver's centre projected onto the plane.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyvista as pv
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkRenderingCore import vtkCellPicker

from cned_viewer.planning import CutPlane
from cned_viewer.render.scene import CaseScene, meshes_bounds

PLANE_RGB = (1.0, 0.78, 0.35)  # amber: apart from the white resected liver
PLANE_OPACITY = 0.3
HIDDEN_WHILE_PLANNING = ("liver", "tumour")

Surface = tuple[vtkPolyData, tuple[float, float, float], float]


def plane_square(plane: CutPlane, bounds: Sequence[float]) -> pv.PolyData:
    """A square of ``plane`` as wide as the diagonal of ``bounds`` (x0, x1, y0, y1, z0, z1), centred on their centre."""
    low, high = np.asarray(bounds[0::2], float), np.asarray(bounds[1::2], float)
    centre, size = (low + high) / 2, float(np.linalg.norm(high - low))
    normal, point = np.asarray(plane.normal_xyz), np.asarray(plane.point_xyz_mm)
    on_plane = centre - np.dot(centre - point, normal) * normal
    return pv.Plane(center=on_plane, direction=normal, i_size=size, j_size=size)


class PlanScene:
    """The plan's actors on a :class:`CaseScene`'s plotter (module doc)."""

    def __init__(self, scene: CaseScene) -> None:
        self.scene = scene
        self.actors: list[object] = []
        self.plane_meshes: list[pv.PolyData] = []
        self.bounds: tuple[float, ...] | None = None
        self._picker = vtkCellPicker()
        self._picker.SetTolerance(0.0005)
        self._picker.PickFromListOn()

    @property
    def shown(self) -> bool:
        return bool(self.actors)

    def show(self, surfaces: Sequence[Surface], planes: Sequence[CutPlane]) -> None:
        """Replace the plan on screen by ``surfaces`` (surface, colour, opacity) and ``planes``."""
        self._remove()
        plotter = self.scene.plotter
        meshes = [pv.wrap(surface) for surface, _, _ in surfaces]
        for mesh, (_, colour, opacity) in zip(meshes, surfaces):
            self.actors.append(plotter.add_mesh(mesh, color=colour, opacity=opacity, interpolation="gouraud", scalars=None,
                                                show_scalar_bar=False, render=False, pickable=True))
        self.bounds = meshes_bounds(meshes) or self.scene.bounds()
        self.plane_meshes = [plane_square(plane, self.bounds) for plane in planes] if self.bounds else []
        for mesh in self.plane_meshes:
            self.actors.append(plotter.add_mesh(mesh, color=PLANE_RGB, opacity=PLANE_OPACITY, show_scalar_bar=False,
                                                render=False, pickable=False))
        self._picker.InitializePickList()
        for actor in self.actors[: len(surfaces)]:
            self._picker.AddPickList(actor)
        self.scene.cover(frozenset(HIDDEN_WHILE_PLANNING) if surfaces else frozenset())
        plotter.render()

    def point_at(self, display_x: float, display_y: float) -> tuple[float, float, float] | None:
        """The patient point (mm) of the plan's liver or lesion surface under a display point (VTK pixels), None if none."""
        if not self.actors or not self._picker.Pick(display_x, display_y, 0.0, self.scene.plotter.renderer):
            return None
        if self._picker.GetCellId() < 0:
            return None
        return tuple(float(v) for v in self._picker.GetPickPosition())  # type: ignore[return-value]

    def clear(self) -> None:
        """Back to the case's own model."""
        if self.actors:
            self._remove()
            self.scene.cover(frozenset())
            self.scene.plotter.render()

    def _remove(self) -> None:
        for actor in self.actors:
            self.scene.plotter.remove_actor(actor, render=False)
        self.actors, self.plane_meshes = [], []
