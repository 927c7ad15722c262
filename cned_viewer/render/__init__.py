"""Rendering without Qt: slice compositing (numpy) and, later, the pyvista scene."""
