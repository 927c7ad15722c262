"""A patient orientation cube (R/L, A/P, S/I) in a corner of a 3D view, turning with its camera.

VTK's orientation marker widget needs an interactor, so an offscreen plotter would not draw it.
This marker is a small renderer of its own on a layer above the scene, whose camera copies the
scene camera's direction before each render: it shows on screen and offscreen alike. Faces are
named in patient LPS space (x toward the patient's left, y posterior, z superior).
"""

from __future__ import annotations

import numpy as np
import pyvista as pv
from vtkmodules.vtkRenderingAnnotation import vtkAnnotatedCubeActor
from vtkmodules.vtkRenderingCore import vtkRenderer

#: Cube face (VTK property name) -> letter, in LPS.
FACE_LETTERS = {"XPlus": "L", "XMinus": "R", "YPlus": "P", "YMinus": "A", "ZPlus": "S", "ZMinus": "I"}
DEFAULT_VIEWPORT = (0.0, 0.0, 0.16, 0.2)


class OrientationMarker:
    """The cube on ``plotter``'s render window, in ``viewport`` (fractions of the window)."""

    def __init__(self, plotter: pv.BasePlotter, viewport: tuple[float, float, float, float] = DEFAULT_VIEWPORT) -> None:
        self.scene_renderer = plotter.renderer
        self.cube = vtkAnnotatedCubeActor()
        for face, letter in FACE_LETTERS.items():
            getattr(self.cube, f"Set{face}FaceText")(letter)
        self.cube.SetFaceTextScale(0.6)
        self.cube.GetCubeProperty().SetColor(0.32, 0.36, 0.42)
        self.cube.GetTextEdgesProperty().SetColor(0.9, 0.9, 0.9)
        for face in ("XPlus", "XMinus", "YPlus", "YMinus", "ZPlus", "ZMinus"):
            getattr(self.cube, f"Get{face}FaceProperty")().SetColor(1.0, 1.0, 1.0)
        self._view: tuple[float, ...] = ()
        self.renderer = vtkRenderer()
        self.renderer.SetViewport(*viewport)
        self.renderer.SetLayer(1)
        self.renderer.InteractiveOff()
        self.renderer.AddActor(self.cube)
        window = plotter.render_window
        window.SetNumberOfLayers(max(window.GetNumberOfLayers(), 2))
        window.AddRenderer(self.renderer)
        self.scene_renderer.AddObserver("StartEvent", lambda *_: self.follow())

    def follow(self) -> None:
        """Turn the cube's camera as the scene camera looks (called before each render).

        Only a changed view moves it: touching the camera marks it modified, which would
        schedule another render of the Qt view, and so on for ever (a busy CPU at rest)."""
        scene = self.scene_renderer.GetActiveCamera()
        camera = self.renderer.GetActiveCamera()
        direction = np.asarray(scene.GetDirectionOfProjection(), float)
        view = (*direction.round(9), *np.round(scene.GetViewUp(), 9))
        if view == self._view:
            return
        self._view = view
        camera.SetFocalPoint(0.0, 0.0, 0.0)
        camera.SetPosition(*(-direction * 5.0))
        camera.SetViewUp(*scene.GetViewUp())
        self.renderer.ResetCamera()

    def facing_letter(self) -> str:
        """The letter of the cube face that looks at the viewer (e.g. ``A`` in the anterior view)."""
        toward_viewer = -np.asarray(self.renderer.GetActiveCamera().GetDirectionOfProjection(), float)
        axis = int(np.argmax(np.abs(toward_viewer)))
        face = ("X", "Y", "Z")[axis] + ("Plus" if toward_viewer[axis] > 0 else "Minus")
        return FACE_LETTERS[face]
