"""A 2D slice view: CT with the label overlay, physical aspect, wheel to move through slices."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QWheelEvent
from PySide6.QtWidgets import QWidget

from cned_viewer.core.case import Case
from cned_viewer.render.slice_compositor import AXIS_OF_VIEW, WINDOW_PRESETS, composite, extract_slice


class SliceView(QWidget):
    """Shows one orientation (``axial``, ``coronal`` or ``sagittal``) of a case."""

    slice_changed = Signal(int)

    def __init__(self, view: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.case: Case | None = None
        self.index = 0
        self.window = WINDOW_PRESETS["abdomen"]
        self.opacity = 0.4
        self.outline = False
        self._picture: QImage | None = None
        self._pixel_mm = (1.0, 1.0)
        self.setMinimumSize(160, 160)
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
        self.refresh()

    def set_index(self, index: int) -> None:
        index = int(np.clip(index, 0, max(self.slice_count - 1, 0)))
        if index != self.index:
            self.index = index
            self.refresh()
            self.slice_changed.emit(index)

    def set_window(self, width: float, level: float) -> None:
        self.window = (width, level)
        self.refresh()

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

    def image_rect(self) -> QRectF:
        """Where the picture is drawn: as large as fits, with the physical aspect ratio."""
        if self._picture is None:
            return QRectF()
        width_mm = self._picture.width() * self._pixel_mm[0]
        height_mm = self._picture.height() * self._pixel_mm[1]
        scale = min(self.width() / width_mm, self.height() / height_mm)
        w, h = width_mm * scale, height_mm * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt naming
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0))
        if self._picture is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(self.image_rect(), self._picture)
            painter.setPen(QColor(230, 230, 120))
            painter.drawText(QPointF(6, 16), f"{self.view}  {self.index + 1}/{self.slice_count}")
        painter.end()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt naming
        steps = event.angleDelta().y() // 120
        if steps:
            self.set_index(self.index + int(steps))
        event.accept()

