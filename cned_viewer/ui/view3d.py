"""The 3D view: the case's surfaces, per-structure visibility and opacity, camera presets, picking.

The pyvistaqt ``QtInteractor`` is a member of this widget, not its base class. Without a
display server that can host it (Qt's ``offscreen`` platform), the same scene is rendered
offscreen by pyvista and shown as a picture, so the window still shows the 3D model.
Left click on a lesion (without dragging) selects it. An orientation cube (R/L, A/P, S/I) in the
lower left corner turns with the camera. A resection plan is shown over the model (:class:`PlanScene`);
in the interactive view the selected cutting plane has a VTK plane widget: dragging it (its centre
moves it, its arrow turns it) moves the plan's plane, and a click on the plan's liver toggles the
Couinaud segment there.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QSlider, QVBoxLayout, QWidget

from cned_viewer.mesh.case_meshes import CaseMeshes
from cned_viewer.render.offscreen import prefer_egl_without_display
from cned_viewer.planning import CutPlane
from cned_viewer.render.orientation_marker import OrientationMarker
from cned_viewer.render.plan_scene import PlanScene, Surface
from cned_viewer.render.scene import CAMERA_PRESETS, STRUCTURES, CaseScene

CLICK_TOLERANCE_PX = 4


def interactive_3d_available() -> bool:
    """True when the Qt platform can host an OpenGL widget (xcb, wayland, windows, cocoa)."""
    return QGuiApplication.platformName() not in ("offscreen", "minimal", "vnc")


class View3D(QWidget):
    """Liver, lesions and vessels in 3D, with the controls that change how they are shown."""

    lesion_picked = Signal(int)
    plan_point_picked = Signal(tuple)  # (x, y, z) mm: a click on the shown resection plan's liver or lesions

    def __init__(self, parent: QWidget | None = None, interactive: bool | None = None) -> None:
        super().__init__(parent)
        self.interactive = interactive_3d_available() if interactive is None else interactive
        self.meshes: CaseMeshes | None = None
        self._press: tuple[int, int] | None = None
        if self.interactive:
            from pyvistaqt import QtInteractor

            self.plotter = QtInteractor(self, auto_update=False)  # renders when the scene changes, not 5 times a second
            self.canvas: QWidget = self.plotter.interactor
            self.plotter.iren.add_observer("LeftButtonPressEvent", self._on_press)
            self.plotter.iren.add_observer("LeftButtonReleaseEvent", self._on_release)
        else:
            import pyvista as pv

            prefer_egl_without_display()
            self.plotter = pv.Plotter(off_screen=True, window_size=[640, 480])
            self.canvas = QLabel("3D model: no case")
            self.canvas.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.canvas.setStyleSheet("background: #1e1e24; color: #ccc;")
        policy = QSizePolicy.Policy.Expanding if self.interactive else QSizePolicy.Policy.Ignored  # a picture must not grow its label
        self.canvas.setSizePolicy(policy, policy)
        self.canvas.setMinimumSize(160, 160)
        self.scene = CaseScene(self.plotter)
        self.plan = PlanScene(self.scene)
        self._widget_plane: CutPlane | None = None
        self.marker = OrientationMarker(self.plotter)  # R/L, A/P, S/I cube in the corner, also offscreen
        self.visibility_boxes: dict[str, QCheckBox] = {}
        self.opacity_sliders: dict[str, QSlider] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self._controls())

    def _controls(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(4, 0, 4, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(0)
        for column, (key, (_, name)) in enumerate(STRUCTURES.items()):
            check = QCheckBox(name)
            check.setChecked(self.scene.states[key].visible)
            check.toggled.connect(lambda on, k=key: self.set_visible(k, on))
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, 100)
            slider.setValue(int(round(self.scene.states[key].opacity * 100)))
            slider.setToolTip(f"{name}: opacity")
            slider.valueChanged.connect(lambda value, k=key: self.set_opacity(k, value / 100.0))
            grid.addWidget(check, 0, column)
            grid.addWidget(slider, 1, column)
            self.visibility_boxes[key], self.opacity_sliders[key] = check, slider
        cameras = QHBoxLayout()
        cameras.addWidget(QLabel("View from:"))
        self.camera_box = QComboBox()
        self.camera_box.addItems(list(CAMERA_PRESETS))
        self.camera_box.currentTextChanged.connect(self.set_camera)
        cameras.addWidget(self.camera_box)
        cameras.addStretch(1)
        grid.addLayout(cameras, 2, 0, 1, len(STRUCTURES))
        return box

    # model -> view ----------------------------------------------------------------------
    def set_meshes(self, meshes: CaseMeshes | None) -> None:
        self.meshes = meshes
        self.scene.set_meshes(meshes)
        self.marker.cube.SetVisibility(bool(self.scene.actors))  # no model, no directions to show
        self._show_static()

    def show_plan(self, surfaces: list[Surface] | None, planes: tuple[CutPlane, ...] = ()) -> None:
        """Show a resection plan's parts and cut planes over the model (None: the model alone)."""
        if surfaces is None:
            self.plan.clear()
        else:
            self.plan.show(surfaces, planes)
        self._show_static()

    def edit_plane(self, plane: CutPlane | None, moved=None) -> None:
        """Put the plane widget on ``plane`` (interactive view only); ``moved(CutPlane)`` when the user drags it."""
        if not self.interactive or (plane is not None and plane == self._widget_plane and self.plotter.widgets.plane_widgets):
            return  # the widget is on that plane already (every plan edit asks again)
        self.plotter.widgets.clear_plane_widgets()
        self._widget_plane = plane
        bounds = self.plan.bounds or self.scene.bounds()
        if plane is None or moved is None or bounds is None:
            return

        def dragged(normal, origin) -> None:
            current = self._widget_plane
            normal = tuple(float(v) for v in normal)
            if current is not None and sum(a * b for a, b in zip(normal, current.normal_xyz)) < 0:
                normal = tuple(-v for v in normal)  # the widget may turn its arrow over: keep the side removed
            new = CutPlane(tuple(float(v) for v in origin), normal)
            if current is None or new != current:
                self._widget_plane = new
                moved(new)

        self.plotter.widgets.add_plane_widget(dragged, normal=plane.normal_xyz, origin=plane.point_xyz_mm, bounds=bounds,
                                      implicit=True, test_callback=False, outline_translation=False, outline_opacity=0.3)

    def refresh_picture(self) -> None:
        """Show the scene again after a change made on :attr:`scene` directly."""
        self._show_static()

    def highlight_lesion(self, lesion_id: int | None) -> None:
        self.scene.highlight_lesion(lesion_id)
        self._show_static()

    def set_visible(self, key: str, visible: bool) -> None:
        if self.visibility_boxes[key].isChecked() != visible:
            self.visibility_boxes[key].setChecked(visible)  # comes back here through the signal
            return
        self.scene.set_visible(key, visible)
        self._show_static()

    def set_opacity(self, key: str, opacity: float) -> None:
        self.scene.set_opacity(key, opacity)
        self._show_static()

    @staticmethod
    def scene_presets() -> tuple[str, ...]:
        return tuple(CAMERA_PRESETS)

    def set_camera(self, preset: str) -> None:
        if self.camera_box.currentText() != preset:
            self.camera_box.setCurrentText(preset)
            return
        self.scene.set_camera(preset)
        self._show_static()

    def picture(self) -> np.ndarray:
        """What the 3D view shows now, as ``[height, width, 3]`` uint8."""
        if self.interactive:
            image = self.canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
            width, height = image.width(), image.height()
            raw = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * height)
            return raw.reshape(height, image.bytesPerLine())[:, : width * 3].reshape(height, width, 3).copy()
        size = [max(self.canvas.width(), 64), max(self.canvas.height(), 64)]
        return np.asarray(self.plotter.screenshot(return_img=True, window_size=size))[:, :, :3].copy()

    def _show_static(self) -> None:
        if self.interactive:
            return
        if self.meshes is None:
            self.canvas.setText("3D model: no case")
            return
        rgb = np.ascontiguousarray(self.picture())
        height, width, _ = rgb.shape
        image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
        self.canvas.setPixmap(QPixmap.fromImage(image))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        if not self.interactive and self.meshes is not None:
            self._show_static()

    # picking ----------------------------------------------------------------------------
    def _event_position(self) -> tuple[int, int]:
        """Where the last mouse event happened, in VTK display pixels (origin bottom-left)."""
        return tuple(self.plotter.iren.interactor.GetEventPosition())  # type: ignore[return-value]

    def _on_press(self, *_) -> None:
        self._press = self._event_position()

    def _on_release(self, *_) -> None:
        if self._press is None:
            return
        x, y = self._event_position()
        moved = max(abs(x - self._press[0]), abs(y - self._press[1]))
        self._press = None
        if moved <= CLICK_TOLERANCE_PX:
            self.pick_at(x, y)

    def pick_at(self, display_x: float, display_y: float) -> int | None:
        """Select the lesion under a VTK display point (origin bottom-left); returns its id. While a resection plan
        is shown, the click picks a point of it instead (:attr:`plan_point_picked`)."""
        if self.plan.shown:
            point = self.plan.point_at(display_x, display_y)
            if point is not None:
                self.plan_point_picked.emit(point)
            return None
        lesion_id = self.scene.lesion_at(display_x, display_y)
        if lesion_id is not None:
            self.highlight_lesion(lesion_id)
            self.lesion_picked.emit(lesion_id)
        return lesion_id

    def close_plotter(self) -> None:
        """Release the render window (call before the widget goes away)."""
        self.plotter.close()
