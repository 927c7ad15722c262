"""The 3D scene of a case on any pyvista plotter (a ``pv.Plotter`` or a pyvistaqt ``QtInteractor``).

Liver semi-transparent, lesions opaque (one colour, the selected lesion highlighted), portal
and hepatic veins in their label-table colours. Colours come from the label table; nothing
here knows about Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyvista as pv
from vtkmodules.vtkRenderingCore import vtkCellPicker

from cned_viewer.core.labels import DEFAULT_LABEL_TABLE, HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR, LabelTable
from cned_viewer.mesh.case_meshes import CaseMeshes
from cned_viewer.mesh.surfaces import LABEL_ARRAY

#: Structure key -> (label value for its colour, display name).
STRUCTURES: dict[str, tuple[int, str]] = {
    "liver": (LIVER_PARENCHYMA, "Liver"),
    "tumour": (TUMOUR, "Metastases"),
    "portal_vein": (PORTAL_VEIN, "Portal vein"),
    "hepatic_veins": (HEPATIC_VEINS, "Hepatic veins / IVC"),
}
DEFAULT_OPACITY: dict[str, float] = {"liver": 0.25, "tumour": 1.0, "portal_vein": 1.0, "hepatic_veins": 1.0}
HIGHLIGHT_RGB = (255, 40, 40)
BACKGROUND = "#1e1e24"

#: Camera presets in LPS patient space (x left, y posterior, z superior): direction from the
#: focal point to the camera, and the view-up vector.
CAMERA_PRESETS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "anterior": ((0.0, -1.0, 0.0), (0.0, 0.0, 1.0)),
    "posterior": ((0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    "left": ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),
    "right": ((-1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),
    "superior": ((0.0, 0.0, 1.0), (0.0, -1.0, 0.0)),
}


def aim_camera(renderer, bounds: tuple[float, ...], preset: str) -> None:
    """Point ``renderer``'s camera at ``bounds`` (x0, x1, y0, y1, z0, z1) from ``preset`` (:data:`CAMERA_PRESETS`); no render."""
    direction, up = CAMERA_PRESETS[preset]
    centre = np.array([(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, (bounds[4] + bounds[5]) / 2])
    camera = renderer.GetActiveCamera()  # the VTK camera: setting it does not render
    camera.SetFocalPoint(*centre)
    camera.SetPosition(*(centre + np.array(direction)))
    camera.SetViewUp(*up)
    camera.SetViewAngle(30.0)
    renderer.ResetCamera(*bounds)
    renderer.camera_set = True  # else pyvista replaces it by its isometric default at the first picture


def meshes_bounds(meshes: list[pv.PolyData]) -> tuple[float, ...] | None:
    """The bounds (x0, x1, y0, y1, z0, z1) around all ``meshes``; None without one."""
    if not meshes:
        return None
    lows = np.min([m.bounds[0::2] for m in meshes], axis=0)
    highs = np.max([m.bounds[1::2] for m in meshes], axis=0)
    return (lows[0], highs[0], lows[1], highs[1], lows[2], highs[2])


@dataclass
class StructureState:
    """What the user set for one structure."""

    visible: bool = True
    opacity: float = 1.0


class CaseScene:
    """Actors of one case's surfaces on ``plotter``; renders only when something changed."""

    def __init__(self, plotter: pv.BasePlotter, table: LabelTable = DEFAULT_LABEL_TABLE) -> None:
        self.plotter = plotter
        self.table = table
        self.states = {key: StructureState(opacity=DEFAULT_OPACITY[key]) for key in STRUCTURES}
        self.actors: dict[str, object] = {}
        self.meshes: dict[str, pv.PolyData] = {}
        self._sources: dict[str, object] = {}  # key -> the vtkPolyData its actor shows
        self.selected_lesion: int | None = None
        self.camera_preset = "anterior"
        self.lesion_colours: dict[int, tuple[int, int, int]] | None = None  # per-lesion colours (follow-up status)
        self.covered: frozenset[str] = frozenset()  # structures another layer (a resection plan) draws instead
        self._highlight = None
        self._picker = vtkCellPicker()
        self._picker.SetTolerance(0.0005)
        self._picker.PickFromListOn()
        plotter.set_background(BACKGROUND)

    def colour(self, key: str) -> tuple[float, float, float]:
        rgb = self.table.by_value(STRUCTURES[key][0]).colour_rgb
        return tuple(c / 255.0 for c in rgb)  # type: ignore[return-value]

    def set_meshes(self, meshes: CaseMeshes | None) -> None:
        """Show the surfaces of ``meshes`` (None: clear the scene).

        A surface that is the same object as the one shown keeps its actor (an edit re-meshes only
        what changed, see :func:`~cned_viewer.mesh.case_meshes.build_case_meshes`); the others are
        replaced. The camera goes to the preset only when the scene was empty: after an edit the
        user's view stays where it was.
        """
        surfaces = meshes.surfaces if meshes else {}
        first = not self.actors
        if self._highlight is not None and surfaces.get("tumour") is not self._sources.get("tumour"):
            self.plotter.remove_actor(self._highlight, render=False)
            self._highlight = None
            self.selected_lesion = None
        for key in list(self.actors):
            if surfaces.get(key) is not self._sources.get(key):
                self.plotter.remove_actor(self.actors.pop(key), render=False)
                self.meshes.pop(key, None)
                self._sources.pop(key, None)
        for key, surface in surfaces.items():
            if key in self.actors:
                continue
            mesh = pv.wrap(surface)
            self.meshes[key] = mesh
            self._sources[key] = surface
            state = self.states[key]
            actor = self.plotter.add_mesh(
                mesh, color=self.colour(key), opacity=state.opacity, interpolation="gouraud", scalars=None,
                show_scalar_bar=False, name=key, render=False, pickable=key == "tumour",
            )
            actor.SetVisibility(self._shows(key))
            self.actors[key] = actor
        self._picker.InitializePickList()
        if "tumour" in self.actors:
            self._picker.AddPickList(self.actors["tumour"])
        if first and self.actors:
            self.set_camera(self.camera_preset)
        if self.lesion_colours is not None:
            self.colour_lesions(self.lesion_colours)  # a new tumour surface: its lesions coloured again

    def set_visible(self, key: str, visible: bool) -> None:
        self.states[key].visible = visible
        self._apply_visibility()
        self.plotter.render()

    def cover(self, keys: frozenset[str]) -> None:
        """Hide ``keys`` whatever their checkbox says, while another layer draws them (empty: show them again)."""
        self.covered = keys
        self._apply_visibility()

    def _shows(self, key: str) -> bool:
        return self.states[key].visible and key not in self.covered

    def _apply_visibility(self) -> None:
        for key, actor in self.actors.items():
            actor.SetVisibility(self._shows(key))
        if self._highlight is not None:
            self._highlight.SetVisibility(self._shows("tumour"))

    def set_opacity(self, key: str, opacity: float) -> None:
        self.states[key].opacity = float(opacity)
        if key in self.actors:
            self.actors[key].GetProperty().SetOpacity(float(opacity))
            self.plotter.render()

    def set_camera(self, preset: str) -> None:
        """Look at the whole scene from ``preset`` (see :data:`CAMERA_PRESETS`)."""
        self.camera_preset = preset
        bounds = self.bounds()
        if bounds is not None:
            aim_camera(self.plotter.renderer, bounds, preset)
        self.plotter.render()

    def bounds(self) -> tuple[float, ...] | None:
        return meshes_bounds(list(self.meshes.values()))

    def highlight_lesion(self, lesion_id: int | None) -> None:
        """Draw lesion ``lesion_id`` in the highlight colour (None: no highlight)."""
        if self._highlight is not None:
            self.plotter.remove_actor(self._highlight, render=False)
            self._highlight = None
        self.selected_lesion = lesion_id
        tumour = self.meshes.get("tumour")
        if lesion_id is not None and tumour is not None:
            part = tumour.extract_cells(np.flatnonzero(tumour.cell_data[LABEL_ARRAY] == lesion_id))
            if part.n_cells:
                self._highlight = self.plotter.add_mesh(
                    part, color=tuple(c / 255.0 for c in HIGHLIGHT_RGB), interpolation="gouraud", name="selected_lesion",
                    render=False, pickable=False, show_scalar_bar=False,
                )
                self._highlight.SetVisibility(self._shows("tumour"))
                mapper = self._highlight.GetMapper()  # drawn over the coincident tumour surface
                mapper.SetResolveCoincidentTopologyToPolygonOffset()
                mapper.SetRelativeCoincidentTopologyPolygonOffsetParameters(-4.0, -4.0)
        self.plotter.render()

    def colour_lesions(self, colours: dict[int, tuple[int, int, int]] | None) -> None:
        """Draw each lesion in its own RGB (0-255; a lesion not named keeps the tumour colour); None: one colour again."""
        tumour, actor = self.meshes.get("tumour"), self.actors.get("tumour")
        if tumour is None or actor is None:
            return
        mapper = actor.GetMapper()
        if colours is None:
            mapper.ScalarVisibilityOff()
        else:
            default = np.array(self.table.by_value(STRUCTURES["tumour"][0]).colour_rgb, np.uint8)
            ids = np.asarray(tumour.cell_data[LABEL_ARRAY])
            rgb = np.tile(default, (ids.size, 1))
            for lesion_id, colour in colours.items():
                rgb[ids == lesion_id] = colour
            tumour.cell_data["lesion_rgb"] = rgb
            mapper.SetScalarModeToUseCellFieldData()
            mapper.SelectColorArray("lesion_rgb")
            mapper.SetColorModeToDirectScalars()
            mapper.ScalarVisibilityOn()
        self.lesion_colours = colours
        self.plotter.render()

    def lesion_at(self, display_x: float, display_y: float) -> int | None:
        """The lesion id under a display point (VTK pixels, origin bottom-left), None if none."""
        renderer = self.plotter.renderer
        if "tumour" not in self.actors or not self._picker.Pick(display_x, display_y, 0.0, renderer):
            return None
        cell = self._picker.GetCellId()
        if cell < 0:
            return None
        lesion_id = int(self.meshes["tumour"].cell_data[LABEL_ARRAY][cell])
        return lesion_id if lesion_id > 0 else None

    def lesion_display_point(self, lesion_id: int) -> tuple[float, float] | None:
        """Where a lesion's surface centre falls on screen (VTK display pixels), for tests and tools."""
        tumour = self.meshes.get("tumour")
        if tumour is None:
            return None
        cells = np.flatnonzero(tumour.cell_data[LABEL_ARRAY] == lesion_id)
        if cells.size == 0:
            return None
        centre = tumour.extract_cells(cells).center
        renderer = self.plotter.renderer
        renderer.SetWorldPoint(*centre, 1.0)
        renderer.WorldToDisplay()
        x, y, _ = renderer.GetDisplayPoint()
        return float(x), float(y)
