"""A 2D slice view: CT with the label overlay, crosshair, zoom/pan, window/level and readout.

Mouse: left click/drag sets the crosshair point (all views follow), wheel = next slice,
Ctrl+wheel = zoom, middle drag (or Shift+left) = pan, right drag = window/level. Keys:
Up/Down or PgUp/PgDown = slice, R = reset zoom. The pure mapping lives in
:mod:`cned_viewer.render.slice_geometry`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QWidget

from cned_viewer.core.case import Case
from cned_viewer.render.slice_compositor import AXIS_OF_VIEW, WINDOW_PRESETS, composite, extract_slice
from cned_viewer.render.slice_geometry import ViewTransform, dragged_window, index_to_pixel, pixel_to_index, voxel_readout

CROSSHAIR_COLOUR = QColor(80, 220, 120, 200)
TEXT_COLOUR = QColor(230, 230, 120)


class SliceView(QWidget):
    """Shows one orientation (``axial``, ``coronal`` or ``sagittal``) of a case."""

    slice_changed = Signal(int)
    point_picked = Signal(tuple)  # (z, y, x) voxel index chosen by the user
    cursor_text = Signal(str)  # readout of the voxel under the mouse
    window_dragged = Signal(float, float)  # width, level set by a right drag

    def __init__(self, view: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
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
        self.crosshair = None
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
            height, width, _ = rgb.shape
            self._picture = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
            self._pixel_mm = (plane.pixel_width_mm, plane.pixel_height_mm)
        self.update()

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
            painter.setPen(TEXT_COLOUR)
            width, level = self.window
            painter.drawText(QPointF(6, 16), f"{self.view}  {self.index + 1}/{self.slice_count}")
            painter.drawText(QPointF(6, self.height() - 6), f"W {width:.0f}  L {level:.0f}")
        painter.end()

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
        if button == Qt.MouseButton.LeftButton:
            self._pick(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        position = event.position()
        voxel = self.voxel_at(position.x(), position.y())
        if voxel is not None and self.case is not None:
            labels = self.case.labels
            self.cursor_text.emit(voxel_readout(voxel, self.case.image.array, None if labels is None else labels.array,
                                                self.case.image.geometry, None if labels is None else labels.table))
        if self._drag is None:
            return
        button, origin, start = self._drag
        dx, dy = position.x() - origin.x(), position.y() - origin.y()
        if button == Qt.MouseButton.LeftButton:
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
        event.accept()

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
