"""A 2D slice view: CT with the label overlay, crosshair, zoom/pan, window/level and readout.

Mouse: left click/drag sets the crosshair point (all views follow), wheel = next slice,
Ctrl+wheel = zoom, middle drag (or Shift+left) = pan, right drag = window/level. Keys:
Up/Down or PgUp/PgDown = slice, R = reset zoom. The cursor readout follows the slice under a
still mouse (wheel, keys, label edits). Patient directions (LPS letters) mark the edges and the
slice position in mm is shown. A resection plan's region is tinted and outlined in white. In ``brush`` mode (paint/erase) the left drag
emits ``stroke_pressed`` / ``stroke_moved`` / ``stroke_released`` instead and a circle of the
brush's physical size follows the mouse; in ``click`` mode (lesion tools, plugin seeds) a left
click emits ``voxel_clicked``. Navigation stays on the other buttons and on Shift+left. The pure mapping lives in
:mod:`cned_viewer.render.slice_geometry`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QWidget

from cned_viewer.core.case import Case
from cned_viewer.render.plan_picture import LIVER_PARTS
from cned_viewer.render.slice_compositor import AXIS_OF_VIEW, WINDOW_PRESETS, composite, draw_region, extract_slice, region_slice
from cned_viewer.render.slice_geometry import (
    ViewTransform,
    dragged_window,
    index_to_pixel,
    orientation_letters,
    pixel_to_index,
    slice_position_text,
    voxel_readout,
)

CROSSHAIR_COLOUR = QColor(80, 220, 120, 200)
TEXT_COLOUR = QColor(230, 230, 120)
BRUSH_COLOUR = QColor(255, 255, 255, 220)
RESECTION_RGB = tuple(int(round(255 * c)) for c in LIVER_PARTS["resected"][0])  # the resected liver's colour in 3D


class SliceView(QWidget):
    """Shows one orientation (``axial``, ``coronal`` or ``sagittal``) of a case."""

    slice_changed = Signal(int)
    point_picked = Signal(tuple)  # (z, y, x) voxel index chosen by the user
    cursor_text = Signal(str)  # readout of the voxel under the mouse
    window_dragged = Signal(float, float)  # width, level set by a right drag
    stroke_pressed = Signal(tuple)  # (z, y, x) where a brush stroke starts (brush mode)
    stroke_moved = Signal(tuple)  # (z, y, x) the brush moved to, left button held
    stroke_released = Signal()
    voxel_clicked = Signal(tuple)  # (z, y, x) left click in click mode (lesion tool, seed)

    def __init__(self, view: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.title = ""  # what the view shows, before its orientation (e.g. a follow-up scan's name)
        self.case: Case | None = None
        self.index = 0
        self.window = WINDOW_PRESETS["abdomen"]
        self.opacity = 0.4
        self.outline = False
        self.crosshair: tuple[int, int, int] | None = None
        self.zoom = 1.0
        self.pan = (0.0, 0.0)
        self._picture: QImage | None = None
        self._pixel_mm = (1.0, 1.0)
        self._drag: tuple[Qt.MouseButton, QPointF, tuple[float, float]] | None = None
        self.mode = "navigate"  # "navigate", "brush" or "click"
        self.brush_radius_mm = 5.0
        self._mouse: QPointF | None = None
        self._stroking = False
        self.seeds: list[tuple[tuple[int, int, int], QColor]] = []  # plugin seeds shown as dots
        self.resection: tuple[tuple[slice, slice, slice], np.ndarray] | None = None  # a plan's resected region (box, mask)
        self.setMinimumSize(160, 160)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.WheelFocus)

    @property
    def axis(self) -> int:
        return AXIS_OF_VIEW[self.view]

    @property
    def slice_count(self) -> int:
        return 0 if self.case is None else self.case.image.array.shape[self.axis]

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.index = self.slice_count // 2
        self.crosshair, self.resection = None, None
        self.zoom, self.pan = 1.0, (0.0, 0.0)
        self.refresh()

    def set_index(self, index: int) -> None:
        index = int(np.clip(index, 0, max(self.slice_count - 1, 0)))
        if index != self.index:
            self.index = index
            self.refresh()
            self.slice_changed.emit(index)

    def set_point(self, index_zyx: tuple[int, int, int]) -> None:
        """Show the slice through ``index_zyx`` with the crosshair on it."""
        self.crosshair = tuple(int(v) for v in index_zyx)  # type: ignore[assignment]
        if self.index == index_zyx[self.axis]:
            self.update()
        else:
            self.set_index(index_zyx[self.axis])

    def set_window(self, width: float, level: float) -> None:
        self.window = (width, level)
        self.refresh()

    def set_overlay(self, opacity: float | None = None, outline: bool | None = None) -> None:
        self.opacity = self.opacity if opacity is None else opacity
        self.outline = self.outline if outline is None else outline
        self.refresh()

    def set_resection(self, region: tuple[tuple[slice, slice, slice], np.ndarray] | None) -> None:
        """Outline a resection plan's region (box, mask on it) in white; None: no plan shown."""
        self.resection = region
        self.refresh()

    def reset_zoom(self) -> None:
        self.zoom, self.pan = 1.0, (0.0, 0.0)
        self.update()

    def refresh(self) -> None:
        """Recompose the picture from the case (call after the labels change)."""
        if self.case is None:
            self._picture = None
        else:
            labels = None if self.case.labels is None else self.case.labels.array
            plane = extract_slice(self.view, self.index, self.case.image.array, labels, self.case.image.geometry)
            table = self.case.labels.table if self.case.labels is not None else None
            rgb = composite(plane, *self.window, table, self.opacity, self.outline)
            region = None if self.resection is None else region_slice(self.view, self.index, *self.resection, self.case.image.array.shape)
            if region is not None and region.any():
                rgb = draw_region(rgb, region, RESECTION_RGB)
            height, width, _ = rgb.shape
            self._picture = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
            self._pixel_mm = (plane.pixel_width_mm, plane.pixel_height_mm)
        self.update()
        self._emit_readout()

    def orientation(self) -> dict[str, str]:
        """The patient direction (LPS letters) at each edge: ``left``, ``right``, ``top``, ``bottom``."""
        return {} if self.case is None else orientation_letters(self.view, self.case.image.geometry)

    def slice_position(self) -> str:
        """The shown slice's position in patient mm, e.g. ``z -78.5 mm``."""
        return "" if self.case is None else slice_position_text(self.view, self.index, self.case.image.geometry)

    def _emit_readout(self) -> None:
        """Emit :attr:`cursor_text` for the voxel under the mouse on the slice shown now (if over the picture)."""
        if self._mouse is None or self.case is None:
            return
        voxel = self.voxel_at(self._mouse.x(), self._mouse.y())
        if voxel is not None:
            labels = self.case.labels
            self.cursor_text.emit(voxel_readout(voxel, self.case.image.array, None if labels is None else labels.array,
                                                self.case.image.geometry, None if labels is None else labels.table))

    def update_region(self, box: tuple[slice, slice, slice]) -> None:
        """Labels changed inside ``box``: recompose only if the shown slice passes through it."""
        span = box[self.axis]
        if span.start <= self.index < span.stop:
            self.refresh()

    def set_mode(self, mode: str) -> None:
        """``navigate``, ``brush`` (left drag paints) or ``click`` (left click picks a voxel)."""
        if self._stroking:
            self._stroking = False
            self.stroke_released.emit()
        self.mode = mode
        self.setCursor(Qt.CursorShape.CrossCursor if mode != "navigate" else Qt.CursorShape.ArrowCursor)
        self.update()

    def set_brush_radius(self, radius_mm: float) -> None:
        self.brush_radius_mm = float(radius_mm)
        self.update()

    def brush_circle(self) -> tuple[QPointF, float] | None:
        """Centre (the voxel under the mouse) and radius in widget pixels of the brush outline."""
        if self.mode != "brush" or self._mouse is None or self.transform() is None:
            return None
        voxel = self.voxel_at(self._mouse.x(), self._mouse.y())
        if voxel is None:
            return None
        transform = self.transform()
        pixels_per_mm = transform.rect()[2] / (transform.picture_pixels[0] * transform.pixel_mm[0])
        return self.widget_point_of(voxel), self.brush_radius_mm * pixels_per_mm

    def transform(self) -> ViewTransform | None:
        if self._picture is None:
            return None
        size = (float(self.width()), float(self.height()))
        return ViewTransform(size, (self._picture.width(), self._picture.height()), self._pixel_mm, self.zoom, self.pan)

    def image_rect(self) -> QRectF:
        """Where the picture is drawn: as large as fits (times the zoom), with the physical aspect."""
        transform = self.transform()
        return QRectF() if transform is None else QRectF(*transform.rect())

    def voxel_at(self, x: float, y: float) -> tuple[int, int, int] | None:
        """The voxel under a widget point, None outside the picture."""
        transform = self.transform()
        picture = None if transform is None else transform.to_picture(x, y)
        if picture is None or self.case is None:
            return None
        return pixel_to_index(self.view, self.index, picture[0], picture[1], self.case.image.array.shape)

    def widget_point_of(self, index_zyx: tuple[int, int, int]) -> QPointF | None:
        """The widget point showing voxel ``index_zyx`` (its in-plane position)."""
        transform = self.transform()
        if transform is None or self.case is None:
            return None
        _, row, column = index_to_pixel(self.view, index_zyx, self.case.image.array.shape)
        return QPointF(*transform.to_widget(row, column))

    # painting -------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt naming
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0))
        if self._picture is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(self.image_rect(), self._picture)
            self._paint_crosshair(painter)
            self._paint_seeds(painter)
            circle = self.brush_circle()
            if circle is not None:
                painter.setPen(QPen(BRUSH_COLOUR, 1))
                painter.drawEllipse(circle[0], circle[1], circle[1])
            painter.setPen(TEXT_COLOUR)
            width, level = self.window
            painter.drawText(QPointF(6, 16), f"{self.title}{self.view}  {self.index + 1}/{self.slice_count}")
            position = self.slice_position()
            painter.drawText(QPointF(self.width() - 6 - painter.fontMetrics().horizontalAdvance(position), 16), position)
            painter.drawText(QPointF(6, self.height() - 6), f"W {width:.0f}  L {level:.0f}")
            self._paint_orientation(painter)
        painter.end()

    def _paint_orientation(self, painter: QPainter) -> None:
        """The LPS letters at the middle of each edge."""
        letters = self.orientation()
        metrics = painter.fontMetrics()
        w, h, pad = self.width(), self.height(), 4
        ascent = metrics.ascent()
        places = {
            "left": QPointF(pad, (h + ascent) / 2),
            "right": QPointF(w - pad - metrics.horizontalAdvance(letters.get("right", "")), (h + ascent) / 2),
            "top": QPointF((w - metrics.horizontalAdvance(letters.get("top", ""))) / 2, pad + ascent),
            "bottom": QPointF((w - metrics.horizontalAdvance(letters.get("bottom", ""))) / 2, h - pad - metrics.descent()),
        }
        for edge, point in places.items():
            painter.drawText(point, letters.get(edge, ""))

    def _paint_seeds(self, painter: QPainter) -> None:
        for voxel, colour in self.seeds:
            if voxel[self.axis] == self.index:
                point = self.widget_point_of(voxel)
                if point is not None:
                    painter.setPen(QPen(QColor(0, 0, 0), 1))
                    painter.setBrush(colour)
                    painter.drawEllipse(point, 4.0, 4.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_crosshair(self, painter: QPainter) -> None:
        if self.crosshair is None:
            return
        point = self.widget_point_of(self.crosshair)
        if point is None:
            return
        painter.setPen(QPen(CROSSHAIR_COLOUR, 1, Qt.PenStyle.DashLine))
        rect = self.image_rect()
        painter.drawLine(QPointF(rect.left(), point.y()), QPointF(rect.right(), point.y()))
        painter.drawLine(QPointF(point.x(), rect.top()), QPointF(point.x(), rect.bottom()))

    # mouse and keys ---------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt naming
        steps = event.angleDelta().y() / 120.0
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and self.transform() is not None:
            zoomed = self.transform().zoomed(1.15 ** steps, (event.position().x(), event.position().y()))
            self.zoom, self.pan = zoomed.zoom, zoomed.pan
            self.update()
        elif int(steps):
            self.set_index(self.index + int(steps))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        button = event.button()
        if button == Qt.MouseButton.LeftButton and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            button = Qt.MouseButton.MiddleButton
        start = self.pan if button == Qt.MouseButton.MiddleButton else self.window
        self._drag = (button, event.position(), start)
        if button == Qt.MouseButton.LeftButton and self.mode != "navigate":
            voxel = self.voxel_at(event.position().x(), event.position().y())
            if voxel is not None and self.mode == "brush":
                self._stroking = True
                self.stroke_pressed.emit(voxel)
            elif voxel is not None:
                self.voxel_clicked.emit(voxel)
        elif button == Qt.MouseButton.LeftButton:
            self._pick(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        position = event.position()
        voxel = self.voxel_at(position.x(), position.y())
        self._mouse = position
        if self.mode == "brush":
            self.update()
        self._emit_readout()
        if self._drag is None:
            return
        button, origin, start = self._drag
        dx, dy = position.x() - origin.x(), position.y() - origin.y()
        if button == Qt.MouseButton.LeftButton and self._stroking:
            if voxel is not None:
                self.stroke_moved.emit(voxel)
        elif button == Qt.MouseButton.LeftButton and self.mode == "navigate":
            self._pick(position)
        elif button == Qt.MouseButton.MiddleButton:
            self.pan = (start[0] + dx, start[1] + dy)
            self.update()
        elif button == Qt.MouseButton.RightButton:
            width, level = dragged_window(start, dx, dy)
            self.set_window(width, level)
            self.window_dragged.emit(width, level)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        self._drag = None
        if self._stroking:
            self._stroking = False
            self.stroke_released.emit()
        event.accept()

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self._mouse = None
        self.update()
        super().leaveEvent(event)

    def _pick(self, position: QPointF) -> None:
        voxel = self.voxel_at(position.x(), position.y())
        if voxel is not None:
            self.crosshair = voxel
            self.update()
            self.point_picked.emit(voxel)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_PageUp):
            self.set_index(self.index + 1)
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            self.set_index(self.index - 1)
        elif key == Qt.Key.Key_R:
            self.reset_zoom()
        else:
            super().keyPressEvent(event)
