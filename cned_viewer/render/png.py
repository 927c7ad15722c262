"""Write RGB pictures as PNG with VTK (no Qt, no display)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkIOImage import vtkPNGWriter

from cned_viewer.io.atomic import atomic_write


def encode_png(rgb: np.ndarray) -> bytes:
    """An ``[height, width, 3]`` uint8 picture (row 0 at the top) as PNG bytes."""
    height, width, channels = rgb.shape
    image = vtkImageData()
    image.SetDimensions(width, height, 1)
    flipped = np.ascontiguousarray(rgb[::-1].reshape(-1, channels), dtype=np.uint8)  # VTK's row 0 is the bottom
    image.GetPointData().SetScalars(numpy_to_vtk(flipped, deep=True))
    writer = vtkPNGWriter()
    writer.WriteToMemoryOn()
    writer.SetInputData(image)
    writer.Write()
    return bytes(vtk_to_numpy(writer.GetResult()))


def write_png(rgb: np.ndarray, path: str | os.PathLike) -> Path:
    """Save an ``[height, width, 3]`` uint8 picture (row 0 at the top) atomically."""
    data = encode_png(rgb)
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def physical_aspect(rgb: np.ndarray, pixel_width_mm: float, pixel_height_mm: float) -> np.ndarray:
    """Repeat rows or columns (nearest neighbour) so that a pixel is square in mm."""
    if np.isclose(pixel_width_mm, pixel_height_mm):
        return rgb
    rows, columns = rgb.shape[:2]
    height_mm, width_mm = rows * pixel_height_mm, columns * pixel_width_mm
    step = min(pixel_width_mm, pixel_height_mm)
    new_rows, new_columns = int(round(height_mm / step)), int(round(width_mm / step))
    row_index = np.minimum((np.arange(new_rows) * rows / new_rows).astype(int), rows - 1)
    column_index = np.minimum((np.arange(new_columns) * columns / new_columns).astype(int), columns - 1)
    return rgb[row_index][:, column_index]
